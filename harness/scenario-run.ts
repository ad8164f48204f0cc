/**
 * One scenario, start to finish: its world built through the control API, its run against the gateway within
 * its budget, then the evidence (what the gateway was asked north, what it asked south) and the world undone,
 * whatever happened. The result is the scenario's part of the run result.
 */
import type { ControlClient, JournalEntry } from "../simulators/index.js";
import { Expect, ExpectationFailure, ScenarioSkipped } from "./expectations.js";
import type { GatewayTarget } from "./gateway-target.js";
import { createConsumer, type GatewayConsumer } from "./north/consumer.js";
import { DEFAULT_CONSENT_HEADERS, gpConnectProfile, type NorthProfile } from "./north/profile.js";
import { redact } from "./north/redaction.js";
import { readBearerToken } from "./oracle/gpconnect-jwt.js";
import { nhsNumbersAskedFor, requestNames } from "./oracle/structured-request.js";
import type { NorthExchange, ResultCode, ScenarioResult, SouthExchange } from "./run-result.js";
import type { Scenario } from "./scenario.js";
import { buildWorld, type World } from "./world.js";

export interface ScenarioBudgets {
  /** Budget for one request to the gateway. */
  readonly requestTimeoutMs: number;
  /** Budget for one whole scenario. */
  readonly scenarioTimeoutMs: number;
  /** Wait before concluding that something did not happen south. */
  readonly settleMs: number;
}

interface Outcome {
  result: ResultCode;
  message?: string;
}

/**
 * Runs one scenario. `profile` is how to speak to the gateway; by default, the reference gateway's shape with
 * consent where the target says.
 */
export async function runScenario(
  scenario: Scenario,
  gateway: GatewayTarget,
  control: ControlClient,
  budgets: ScenarioBudgets,
  profile: NorthProfile = northProfile(gateway),
): Promise<ScenarioResult> {
  const started = performance.now();
  const since = new Date().toISOString();
  const north: NorthExchange[] = [];
  const expect = new Expect({ control, settleMs: budgets.settleMs, since });
  const finish = (
    outcome: Outcome,
    world: Record<string, unknown>,
    south: SouthExchange[],
  ): ScenarioResult => ({
    id: scenario.id,
    title: scenario.title,
    pack: scenario.pack,
    level: scenario.level,
    hazard: scenario.hazard,
    result: outcome.result,
    ...(outcome.message === undefined ? {} : { message: outcome.message }),
    checks: expect.checks,
    durationMs: Math.round(performance.now() - started),
    evidence: { world, north, south },
  });

  const missing = (scenario.requires ?? []).filter((c) => !gateway.capabilities.includes(c));
  if (missing.length > 0) {
    return finish({ result: "omit", message: `the gateway does not declare: ${missing.join(", ")}` }, {}, []);
  }
  let world: World;
  try {
    world = await buildWorld(control, scenario.world);
  } catch (error) {
    const message = `the harness could not set up the scenario's world: ${(error as Error).message}`;
    return finish({ result: "error", message }, {}, []);
  }
  let consumer: GatewayConsumer;
  try {
    consumer = await createConsumer(profile, {
      timeoutMs: budgets.requestTimeoutMs,
      onExchange: (exchange) => north.push(exchange),
    });
  } catch (error) {
    const failed: Outcome = {
      result: "error",
      message: `the harness could not make its consumer: ${(error as Error).message}`,
    };
    const south = await afterwards(failed, control, world, since);
    return finish(failed, world.describe(), south);
  }
  const outcome = await play(scenario, world, consumer, expect, budgets.scenarioTimeoutMs);
  await consumer.close();
  const description = world.describe();
  const south = await afterwards(outcome, control, world, since);
  // Secrets never reach a report: the consumer's (from the environment, in URLs) and every Authorization.
  return redact(finish(outcome, description, south), consumer.secrets());
}

/** How to speak to the gateway: the reference gateway's shape, with consent where the target says. */
function northProfile(gateway: GatewayTarget): NorthProfile {
  const consent = gateway.consent;
  return gpConnectProfile(gateway.url, {
    consent:
      consent === undefined
        ? undefined
        : { ...DEFAULT_CONSENT_HEADERS, header: consent.header, reasonHeader: consent.reasonHeader },
  });
}

/** Runs the scenario's steps; how it ended, as a result code and the reason. */
async function play(
  scenario: Scenario,
  world: World,
  gateway: Pick<GatewayConsumer, "getRecord">,
  expect: Expect,
  budgetMs: number,
): Promise<Outcome> {
  try {
    await withTimeout(
      scenario.run({
        patient: world.patient,
        practice: world.practice,
        gateway,
        world: world.control,
        expect,
      }),
      budgetMs,
    );
    return { result: "pass" };
  } catch (error) {
    if (error instanceof ExpectationFailure || error instanceof ScenarioTimeout) {
      return { result: "fail", message: error.message };
    }
    if (error instanceof ScenarioSkipped) return { result: "skip", message: error.message };
    return {
      result: "error",
      message: `the harness broke while running the scenario: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

/** Reads the south evidence and undoes the world; a failure of either is added to the outcome's message. */
async function afterwards(
  outcome: Outcome,
  control: ControlClient,
  world: World,
  since: string,
): Promise<SouthExchange[]> {
  const note = (text: string) => {
    outcome.message = `${outcome.message ?? ""}${outcome.message ? "; " : ""}${text}`;
  };
  let south: SouthExchange[] = [];
  try {
    south = await southEvidence(control, world, since);
  } catch (error) {
    note(`the journal could not be read: ${(error as Error).message}`);
  }
  try {
    await world.tearDown();
  } catch (error) {
    if (outcome.result === "pass") outcome.result = "error";
    note(`the world could not be restored: ${(error as Error).message}`);
  }
  return south;
}

/**
 * What the gateway asked of PDS, SDS and the scenario's practice about this scenario, since it began: every
 * request to the scenario's own practice; PDS and SDS requests that name one of its NHS numbers or its
 * practice (other scenarios run beside it). Read with the harness's own decoders.
 */
async function southEvidence(control: ControlClient, world: World, since: string): Promise<SouthExchange[]> {
  const ods = world.practice.ods;
  const numbers = [...new Set(world.nhsNumbers())];
  const [practice, pds, sds] = await Promise.all([
    control.journal({ target: "practice", ods, since }),
    control.journal({ target: "pds", since }),
    control.journal({ target: "sds", since }),
  ]);
  const entries: JournalEntry[] = [
    ...practice,
    ...pds.filter((e) => numbers.some((nhsNumber) => requestNames(e, nhsNumber))),
    ...sds.filter((e) => requestNames(e, ods)),
  ].sort((a, b) => a.seq - b.seq);
  return entries.map(southExchangeOf);
}

function southExchangeOf(e: JournalEntry): SouthExchange {
  const token = readBearerToken(e.headers.authorization);
  const nhsNumber =
    e.target === "practice" ? nhsNumbersAskedFor(e.body)[0] : /\/Patient\/([^/]+)$/.exec(e.path)?.[1];
  return {
    time: e.time,
    target: e.target,
    ...(e.ods === undefined ? {} : { ods: e.ods }),
    method: e.method,
    path: e.path,
    status: e.status,
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    headers: e.headers,
    ...(e.body === undefined ? {} : { body: e.body }),
    ...(token.ok ? { jwtClaims: { ...token.claims } } : {}),
    latencyMs: e.latencyMs,
  };
}

class ScenarioTimeout extends Error {}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout(`the scenario did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
