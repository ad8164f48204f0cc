/**
 * The runner: gets a region and a gateway, runs each scenario in a world of its own (several at once),
 * and turns what happened into the run result.
 */

import type { JournalEntry } from "../simulators/index.js";
import { ControlClient, startRegion } from "../simulators/index.js";
import { CliError, cliError } from "./cli-errors.js";
import { GatewayConsumer } from "./consumer.js";
import { Expect, ExpectationFailure, ScenarioSkipped } from "./expectations.js";
import { attachToGateway, type GatewayTarget, startReferenceGateway } from "./gateway-target.js";
import {
  type NorthExchange,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type ScenarioResult,
  type SouthExchange,
  totalsOf,
  verdictOf,
} from "./run-result.js";
import type { Scenario } from "./scenario.js";
import { TOOL_VERSION } from "./version.js";
import { buildWorld, type World } from "./world.js";

export interface RunOptions {
  /** "reference" for the bundled gateway, or the URL of one already running. */
  readonly gateway: string;
  /** Control URL of a region already running (`gp-harness simulate`); otherwise the run starts its own. */
  readonly region?: string;
  /** Base port for the region the run starts (0: ephemeral). */
  readonly port: number;
  readonly seed: number;
  readonly scenarios: readonly Scenario[];
  /** Scenarios run at once. */
  readonly concurrency: number;
  /** Budget for one request to the gateway. */
  readonly requestTimeoutMs: number;
  /** Budget for one whole scenario. */
  readonly scenarioTimeoutMs: number;
  /** Wait before concluding that something did not happen south. */
  readonly settleMs: number;
  /** Stop starting scenarios when aborted; the result is then marked incomplete. */
  readonly signal?: AbortSignal;
  readonly onScenarioDone?: (result: ScenarioResult) => void;
}

interface RegionHandle {
  readonly control: ControlClient;
  readonly addresses: { control: string; pds: string; sds: string };
  readonly attached: boolean;
  close(): Promise<void>;
}

export async function runConformance(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const region = await openRegion(options);
  let gateway: GatewayTarget | undefined;
  try {
    gateway =
      options.gateway === "reference"
        ? await startReferenceGateway(region.addresses)
        : await attachToGateway(options.gateway);
    const target = gateway;
    const results: ScenarioResult[] = [];
    await inPool(options.scenarios, options.concurrency, options.signal, async (scenario) => {
      const result = await runScenario(scenario, target, region.control, options);
      results.push(result);
      options.onScenarioDone?.(result);
    });
    const order = new Map(options.scenarios.map((s, i) => [s.id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const complete = results.length === options.scenarios.length;
    const { verdict, reason } = verdictOf(results, complete);
    const finishedAt = new Date();
    return {
      schemaVersion: RUN_RESULT_SCHEMA_VERSION,
      tool: { name: "gp-harness", version: TOOL_VERSION },
      complete,
      verdict,
      verdictReason: reason,
      seed: options.seed,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      gateway: { name: target.name, url: target.url, launch: target.launch },
      region: { ...region.addresses, attached: region.attached },
      totals: totalsOf(results),
      scenarios: results,
    };
  } finally {
    await gateway?.stop();
    await region.close();
  }
}

async function openRegion(options: RunOptions): Promise<RegionHandle> {
  if (options.region !== undefined) {
    const control = new ControlClient(options.region);
    let info: Awaited<ReturnType<ControlClient["region"]>>;
    try {
      info = await control.region();
    } catch (error) {
      const message = (error as Error).message;
      throw message.startsWith("cannot reach")
        ? new CliError("REGION_UNREACHABLE", message)
        : cliError("REGION_UNREACHABLE", options.region, message);
    }
    return {
      control,
      addresses: { control: info.control, pds: info.pds, sds: info.sds },
      attached: true,
      close: async () => {},
    };
  }
  let region: Awaited<ReturnType<typeof startRegion>>;
  try {
    region = await startRegion({ seed: options.seed, port: options.port });
  } catch (error) {
    throw cliError("REGION_FAILED_TO_START", (error as Error).message);
  }
  const info = region.info();
  return {
    control: new ControlClient(info.control),
    addresses: { control: info.control, pds: info.pds, sds: info.sds },
    attached: false,
    close: () => region.close(),
  };
}

async function runScenario(
  scenario: Scenario,
  gateway: GatewayTarget,
  control: ControlClient,
  options: RunOptions,
): Promise<ScenarioResult> {
  const started = performance.now();
  const north: NorthExchange[] = [];
  const expect = new Expect({ control, settleMs: options.settleMs });
  const base = {
    id: scenario.id,
    title: scenario.title,
    pack: scenario.pack,
    level: scenario.level,
    hazard: scenario.hazard,
  };
  const finish = (
    result: ScenarioResult["result"],
    message: string | undefined,
    world: Record<string, unknown>,
    south: SouthExchange[],
  ): ScenarioResult => ({
    ...base,
    result,
    ...(message === undefined ? {} : { message }),
    checks: expect.checks,
    durationMs: Math.round(performance.now() - started),
    evidence: { world, north, south },
  });

  const missing = (scenario.requires ?? []).filter((c) => !gateway.capabilities.includes(c));
  if (missing.length > 0) {
    return finish("omit", `the gateway does not declare: ${missing.join(", ")}`, {}, []);
  }

  let world: World;
  try {
    world = await buildWorld(control, scenario.world);
  } catch (error) {
    return finish(
      "error",
      `the harness could not set up the scenario's world: ${(error as Error).message}`,
      {},
      [],
    );
  }

  const consumer = new GatewayConsumer({
    baseUrl: gateway.url,
    consent: gateway.consent,
    timeoutMs: options.requestTimeoutMs,
    onExchange: (exchange) => north.push(exchange),
  });
  let result: ScenarioResult["result"] = "pass";
  let message: string | undefined;
  try {
    await withTimeout(
      scenario.run({
        patient: world.patient,
        practice: world.practice,
        gateway: consumer,
        world: world.control,
        expect,
      }),
      options.scenarioTimeoutMs,
    );
  } catch (error) {
    if (error instanceof ExpectationFailure) {
      result = "fail";
      message = error.message;
    } else if (error instanceof ScenarioSkipped) {
      result = "skip";
      message = error.message;
    } else if (error instanceof ScenarioTimeout) {
      result = "fail";
      message = error.message;
    } else {
      result = "error";
      message = `the harness broke while running the scenario: ${(error as Error)?.message ?? String(error)}`;
    }
  }
  const description = world.describe();
  let south: SouthExchange[] = [];
  try {
    south = await southEvidence(control, world);
  } catch (error) {
    message = `${message ?? ""}${message ? "; " : ""}the journal could not be read: ${(error as Error).message}`;
  }
  try {
    await world.tearDown();
  } catch (error) {
    if (result === "pass") result = "error";
    message = `${message ?? ""}${message ? "; " : ""}the world could not be restored: ${(error as Error).message}`;
  }
  return finish(result, message, description, south);
}

/** What the gateway asked of PDS, SDS and the scenario's practice about this scenario's patient. */
async function southEvidence(control: ControlClient, world: World): Promise<SouthExchange[]> {
  const ods = world.practice.ods;
  // PDS is asked only about this scenario's numbers; SDS entries name the practice only in their query.
  const [practice, sds, ...pds] = await Promise.all([
    control.journal({ target: "practice", ods }),
    control.journal({ target: "sds" }),
    ...[...new Set(world.nhsNumbers())].map((nhsNumber) => control.journal({ target: "pds", nhsNumber })),
  ]);
  const entries: JournalEntry[] = [
    ...practice,
    ...pds.flat(),
    ...sds.filter((e) => JSON.stringify(e.query).includes(ods)),
  ].sort((a, b) => a.seq - b.seq);
  return entries.map((e) => ({
    time: e.time,
    target: e.target,
    ...(e.ods === undefined ? {} : { ods: e.ods }),
    method: e.method,
    path: e.path,
    status: e.status,
    ...(e.nhsNumber === undefined ? {} : { nhsNumber: e.nhsNumber }),
    headers: e.headers,
    ...(e.jwtClaims === undefined ? {} : { jwtClaims: e.jwtClaims }),
    latencyMs: e.latencyMs,
  }));
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

async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  each: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      await each(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
