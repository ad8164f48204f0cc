/**
 * One scenario, start to finish: its world built through the control API, its run against the gateway within
 * its budget, then the evidence (what the gateway was asked north, what it asked south) and the world undone,
 * whatever happened. The result is the scenario's part of the run result.
 */
import type { ControlClient, JournalEntry } from "../simulators/index.js";
import { Expect, ExpectationFailure, ScenarioSkipped } from "./expectations.js";
import type { GatewayTarget, SpineAddresses } from "./gateway-target.js";
import { LoadStep } from "./load/load-step.js";
import { overrideFor, type ThresholdRule } from "./load/threshold-set.js";
import { DEFAULT_ANSWER_LIMITS } from "./north/answer-reading.js";
import { createConsumer, type GatewayConsumer, RequestNotPossible } from "./north/consumer.js";
import { HARNESS_CONSUMER } from "./north/identity.js";
import { redact } from "./north/redaction.js";
import { readBearerToken } from "./oracle/gpconnect-jwt.js";
import { nhsNumbersAskedFor, requestNames } from "./oracle/structured-request.js";
import type { NorthExchange, ResultCode, ScenarioResult, SouthExchange } from "./run-result.js";
import type { Capability, Scenario } from "./scenario.js";
import { buildWorld, runsAlone, type World } from "./world.js";

export interface ScenarioBudgets {
  /** Budget for one request to the gateway. */
  readonly requestTimeoutMs: number;
  /** Budget for one whole scenario. */
  readonly scenarioTimeoutMs: number;
  /** Wait before concluding that something did not happen south. */
  readonly settleMs: number;
  /** An interrupted run: the scenario's requests in flight are aborted and it ends at once, unfinished. */
  readonly signal?: AbortSignal;
  /** The most bytes of one answer read (default DEFAULT_ANSWER_LIMITS.maxBytes, 16 MiB). */
  readonly maxAnswerBytes?: number;
  /** The user's thresholds for the performance pack (`--threshold`, the manifest's `thresholds`). */
  readonly thresholds?: readonly ThresholdRule[];
}

interface Outcome {
  result: ResultCode;
  message?: string;
}

/**
 * Runs one scenario against the gateway, spoken to as its manifest's profile says. Undefined when the run was
 * interrupted before the scenario finished: its requests were aborted and its world undone, and it has no result.
 */
export async function runScenario(
  scenario: Scenario,
  gateway: GatewayTarget,
  control: ControlClient,
  spine: SpineAddresses,
  budgets: ScenarioBudgets,
): Promise<ScenarioResult | undefined> {
  const started = performance.now();
  const since = new Date().toISOString();
  const north: NorthExchange[] = [];
  let expect: Expect | undefined;
  const load = loadStepFor(control, gateway, budgets);
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
    ...(scenario.specification === undefined ? {} : { specification: scenario.specification }),
    result: outcome.result,
    ...(outcome.message === undefined ? {} : { message: outcome.message }),
    checks: expect?.checks ?? [],
    startedAt: since,
    durationMs: Math.round(performance.now() - started),
    evidence: { world, north, south },
    ...(load.figures.length === 0 ? {} : { latency: load.figures }),
  });

  const missing = (scenario.requires ?? []).filter((c) => !gateway.profile.capabilities.has(c));
  const declaresNot = `the gateway does not declare ${missing.map(describeCapability).join(", nor ")}`;
  if (missing.length > 0) return finish({ result: "omit", message: declaresNot }, {}, []);
  let world: World;
  try {
    world = await buildWorld(control, scenario.world, worldOptions(scenario, since, budgets));
  } catch (error) {
    const message = `the harness could not set up the scenario's world: ${(error as Error).message}`;
    return finish({ result: "error", message }, {}, []);
  }
  expect = expectationsFor(world, { control, spine, budgets, since, gateway, scenario: scenario.id });
  let consumer: GatewayConsumer;
  try {
    consumer = await consumerFor(gateway, budgets, north);
  } catch (error) {
    const failed: Outcome = {
      result: "error",
      message: `the harness could not make its consumer: ${(error as Error).message}`,
    };
    const south = await afterwards(failed, control, world, { since, north });
    return finish(failed, world.describe(), south);
  }
  const outcome = await play(scenario, world, world.watch(consumer), expect, {
    ms: budgets.scenarioTimeoutMs,
    ...(budgets.signal === undefined ? {} : { signal: budgets.signal }),
    load,
  });
  await Promise.all([consumer.close(), load.close()]);
  if (outcome === "interrupted") {
    await world.tearDown().catch(() => undefined);
    return undefined;
  }
  const description = world.describe();
  const south = await afterwards(outcome, control, world, { since, north });
  // Secrets never reach a report: the consumer's (from the environment, in URLs) and every Authorization.
  return redact(finish(outcome, description, south), consumer.secrets());
}

/** The scenario's consumer: its budgets and bounds, every exchange kept as evidence in `north`. */
function consumerFor(
  gateway: GatewayTarget,
  budgets: ScenarioBudgets,
  north: NorthExchange[],
): Promise<GatewayConsumer> {
  return createConsumer(gateway.profile, {
    timeoutMs: budgets.requestTimeoutMs,
    ...(budgets.signal === undefined ? {} : { signal: budgets.signal }),
    ...(budgets.maxAnswerBytes === undefined
      ? {}
      : { limits: { ...DEFAULT_ANSWER_LIMITS, maxBytes: budgets.maxAnswerBytes } }),
    ...(gateway.adapter === undefined ? {} : { adapter: gateway.adapter }),
    onExchange: (exchange) =>
      north.push({
        ...exchange,
        elapsedMs: forPeople(exchange.elapsedMs),
        startedAt: exchange.startedAt ?? new Date(Date.now() - exchange.elapsedMs).toISOString(),
      }),
  });
}

/** How the scenario's world is built: alone or not, and how long it waits for the south side to settle. */
function worldOptions(scenario: Scenario, since: string, budgets: ScenarioBudgets) {
  return {
    exclusive: runsAlone(scenario),
    since,
    settleMs: budgets.settleMs,
    maxSettleMs: Math.min(budgets.settleMs * 10, budgets.scenarioTimeoutMs / 2),
  };
}

/** The scenario's load step; its requests are not evidence, so its consumer keeps no exchanges. */
function loadStepFor(control: ControlClient, gateway: GatewayTarget, budgets: ScenarioBudgets): LoadStep {
  return new LoadStep(control, () =>
    createConsumer(gateway.profile, {
      timeoutMs: budgets.requestTimeoutMs,
      ...(budgets.signal === undefined ? {} : { signal: budgets.signal }),
      ...(gateway.adapter === undefined ? {} : { adapter: gateway.adapter }),
      onExchange: () => undefined,
    }),
  );
}

/** The scenario's expectations, knowing its world: what to wait on, and what must never leak. */
function expectationsFor(
  world: World,
  run: {
    control: ControlClient;
    spine: SpineAddresses;
    budgets: ScenarioBudgets;
    since: string;
    gateway: GatewayTarget;
    scenario: string;
  },
): Expect {
  const { control, spine, budgets, since, gateway, scenario } = run;
  const rules = budgets.thresholds ?? [];
  return new Expect({
    control,
    settleMs: budgets.settleMs,
    settled: () => world.settled(),
    since,
    internalUrls: [
      control.baseUrl,
      spine.pds,
      spine.sds,
      ...world.practices.map((practice) => practice.endpoint),
    ],
    patient: { name: world.patient.name, birthDate: world.patient.birthDate, address: world.patient.address },
    acceptedParameters: gateway.profile.parameters,
    thresholdOverride: (metric) => overrideFor(rules, scenario, metric),
  });
}

/** Runs the scenario's steps; how it ended, as a result code and the reason. */
async function play(
  scenario: Scenario,
  world: World,
  gateway: Pick<GatewayConsumer, "getRecord" | "send" | "auditTrail">,
  expect: Expect,
  budget: { readonly ms: number; readonly signal?: AbortSignal; readonly load: LoadStep },
): Promise<Outcome | "interrupted"> {
  try {
    await withTimeout(
      scenario.run({
        patient: world.patient,
        practice: world.practice,
        otherPractices: world.otherPractices,
        otherPatients: world.otherPatients,
        gateway,
        world: world.control,
        expect,
        load: budget.load,
      }),
      budget,
    );
    const failures = expect.failures();
    return failures === undefined ? { result: "pass" } : { result: "fail", message: failures };
  } catch (error) {
    if (budget.signal?.aborted) return "interrupted";
    if (error instanceof ExpectationFailure) return { result: "fail", message: error.message };
    if (error instanceof ScenarioTimeout) {
      const failures = expect.failures();
      return { result: "fail", message: failures ? `${error.message}; ${failures}` : error.message };
    }
    if (error instanceof ScenarioSkipped || error instanceof RequestNotPossible) {
      return { result: "skip", message: error.message };
    }
    return {
      result: "error",
      message: `the harness broke while running the scenario: ${(error as Error)?.message ?? String(error)}`,
    };
  }
}

/** The services behind the gateway, which its error answers must not name: PDS, SDS, the practice, control. */
/** Reads the south evidence and undoes the world; a failure of either is added to the outcome's message. */
async function afterwards(
  outcome: Outcome,
  control: ControlClient,
  world: World,
  scope: SouthScope,
): Promise<SouthExchange[]> {
  const note = (text: string) => {
    outcome.message = `${outcome.message ?? ""}${outcome.message ? "; " : ""}${text}`;
  };
  let south: SouthExchange[] = [];
  try {
    south = await southEvidence(control, world, scope);
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

/** What ties a south request to this scenario: when it began, and its north exchanges. */
interface SouthScope {
  readonly since: string;
  readonly north: readonly NorthExchange[];
}

/**
 * What the gateway asked of PDS, SDS and the scenario's practice about this scenario, since it began: every
 * request to the scenario's own practices, and those about its patient to the practice a moved patient left;
 * PDS and SDS requests that name one of its NHS numbers or its practices; and the SDS lookups of the harness's
 * own organisation (a gateway checking its consumer) made for this scenario (other scenarios run beside it).
 * Read with the harness's own decoders.
 */
async function southEvidence(
  control: ControlClient,
  world: World,
  scope: SouthScope,
): Promise<SouthExchange[]> {
  const own = world.practices.map((p) => p.ods);
  const since = scope.since;
  const numbers = [...new Set(world.nhsNumbers())];
  const [practices, pds, sds] = await Promise.all([
    // Every practice: the scenario's own, and a moved patient's old one (requests about the patient).
    control.journal({ target: "practice", since }),
    control.journal({ target: "pds", since }),
    control.journal({ target: "sds", since }),
  ]);
  const entries: JournalEntry[] = [
    ...practices.filter(
      (e) =>
        own.includes(e.ods ?? "") ||
        (e.ods === world.patient.previousPractice?.ods &&
          nhsNumbersAskedFor(e.body).includes(world.patient.nhsNumber)),
    ),
    ...pds.filter((e) => numbers.some((nhsNumber) => requestNames(e, nhsNumber))),
    ...sds.filter((e) => own.some((ods) => requestNames(e, ods))),
    ...consumerLookups(
      sds.filter((e) => requestNames(e, HARNESS_CONSUMER.ods)),
      scope.north,
    ),
  ].sort((a, b) => a.seq - b.seq);
  return entries.map(southExchangeOf);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The lookups of the harness's organisation made for this scenario: those carrying one of its trace ids, when
 * the gateway passes trace ids on; otherwise those made while one of its requests was with the gateway.
 */
function consumerLookups(
  candidates: readonly JournalEntry[],
  north: readonly NorthExchange[],
): JournalEntry[] {
  const traceIds = new Set(
    north.flatMap((x) => Object.values(x.request.headers).filter((value) => UUID.test(value))),
  );
  const traced = candidates.filter((e) => Object.values(e.headers).some((value) => traceIds.has(value)));
  if (traced.length > 0) return traced;
  const windows = north.map((x) => {
    const from = Date.parse(x.startedAt ?? "");
    return [from, from + x.elapsedMs] as const;
  });
  return candidates.filter((e) => {
    const at = Date.parse(e.time);
    return windows.some(([from, to]) => at >= from - 5 && at <= to + 5);
  });
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
    ...(Object.keys(e.query).length === 0 ? {} : { query: e.query }),
    status: e.status,
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    headers: e.headers,
    ...(e.body === undefined ? {} : { body: e.body }),
    ...(token.ok ? { jwtClaims: { ...token.claims } } : {}),
    latencyMs: forPeople(e.latencyMs),
  };
}

/** A time in milliseconds to a tenth: what a reader can use (not 265.86756000000014). */
function forPeople(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A capability in words, with the manifest field that declares it. */
function describeCapability(capability: Capability): string {
  switch (capability) {
    case "point-of-access-consent":
      return "point-of-access consent (capabilities.pointOfAccessConsent)";
    case "emergency-override":
      return "emergency override (capabilities.emergencyOverride)";
    case "audit-trail":
      return "an audit trail (capabilities.audit)";
    case "clinician-authentication":
      return "how clinicians authenticate (capabilities.authentication)";
    case "clinician-roles":
      return "the roles allowed to view records (capabilities.authentication.roles)";
    default:
      return `the clinical area ${capability} (north.parameters, capabilities.clinicalAreas)`;
  }
}

class ScenarioTimeout extends Error {}

/** The scenario's work, ended early by its time budget or by the run's interruption. */
async function withTimeout<T>(
  work: Promise<T>,
  { ms, signal }: { readonly ms: number; readonly signal?: AbortSignal },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout(`the scenario did not finish within ${ms} ms`)), ms);
    onAbort = () => reject(new Error("the run was interrupted"));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  }
}
