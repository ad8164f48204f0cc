/**
 * The runner: gets a region and a gateway, runs each scenario in a world of its own (several at once),
 * and turns what happened into the run result.
 */

import { ControlClient, startRegion } from "../simulators/index.js";
import { CliError, cliError } from "./cli/errors.js";
import { attachToGateway, type GatewayTarget, startReferenceGateway } from "./gateway-target.js";
import {
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type ScenarioResult,
  totalsOf,
  verdictOf,
} from "./run-result.js";
import type { Scenario } from "./scenario.js";
import { runScenario, type ScenarioBudgets } from "./scenario-run.js";
import { TOOL_VERSION } from "./version.js";

export interface RunOptions extends ScenarioBudgets {
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
