/**
 * The runner: gets a region and a gateway, runs each scenario in a world of its own (several at once),
 * and turns what happened into the run result.
 */

import { ControlClient, startRegion } from "../simulators/index.js";
import { catalogueVersion } from "./catalogue-version.js";
import { CliError, cliError } from "./cli/errors.js";
import { type GatewayTarget, startGateway } from "./gateway-target.js";
import { machineOfRun } from "./machine.js";
import type { LoadedManifest } from "./manifest/load.js";
import { gatewayCapabilityStatement } from "./north/capability-statement.js";
import { redact } from "./north/redaction.js";
import { warmStu3Validator } from "./oracle/stu3-schema.js";
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
import { runsAlone } from "./world.js";

export interface RunOptions extends ScenarioBudgets {
  /** The gateway under test, as its manifest describes it. */
  readonly gateway: LoadedManifest;
  /** Control URL of a region already running (`gp-harness simulate`); otherwise the run starts its own. */
  readonly region?: string;
  /** The bearer token of the region's control API, when it requires one. */
  readonly controlToken?: string;
  /** Base port for the region the run starts (0: ephemeral). */
  readonly port: number;
  /** Seed and reference date of the region the run starts (an attached region has its own). */
  readonly seed: number;
  readonly referenceDate?: string;
  readonly scenarios: readonly Scenario[];
  /** What was asked for (`--scenario`; empty: everything) and how big the catalogue is, for the report. */
  readonly selection?: { readonly asked: readonly string[]; readonly catalogueSize: number };
  /** The whole catalogue the selection came from (default: the scenarios run), for its version. */
  readonly catalogue?: readonly Scenario[];
  /** Scenarios run at once. */
  readonly concurrency: number;
  /**
   * An interruption: no scenario is started after it, those under way have their requests aborted and end
   * unfinished (listed as not run), and the result is marked incomplete.
   */
  readonly signal?: AbortSignal;
  readonly onScenarioStarted?: (scenario: Scenario) => void;
  readonly onScenarioDone?: (result: ScenarioResult) => void;
}

interface RegionHandle {
  readonly control: ControlClient;
  readonly addresses: { control: string; pds: string; sds: string };
  readonly attached: boolean;
  readonly seed: number;
  readonly referenceDate: string;
  close(): Promise<void>;
}

export async function runConformance(options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const region = await openRegion(options);
  let gateway: GatewayTarget | undefined;
  try {
    await registerIdentity(options.gateway, region.control);
    gateway = await startGateway(options.gateway, region.addresses, options.signal);
    const selfDescription = await gatewayCapabilityStatement(gateway.profile);
    const target = gateway;
    warmStu3Validator();
    const secrets = target.secrets;
    const results: ScenarioResult[] = [];
    const run = async (scenario: Scenario) => {
      options.onScenarioStarted?.(scenario);
      const finished = await runScenario(scenario, target, region.control, region.addresses, options);
      // Interrupted before it finished: no result, listed as not run.
      if (finished === undefined) return;
      const result = redact(finished, secrets);
      results.push(result);
      options.onScenarioDone?.(result);
    };
    // Scenarios that fault PDS or SDS run alone, after the others: those faults would reach every scenario.
    const alone = options.scenarios.filter(runsAlone);
    await inPool(
      options.scenarios.filter((s) => !runsAlone(s)),
      options.concurrency,
      options.signal,
      run,
    );
    await inPool(alone, 1, options.signal, run);
    const order = new Map(options.scenarios.map((s, i) => [s.id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const complete = results.length === options.scenarios.length;
    const { verdict, reason } = verdictOf(results, complete);
    const finishedAt = new Date();
    return redact(
      {
        schemaVersion: RUN_RESULT_SCHEMA_VERSION,
        tool: { name: "gp-harness", version: TOOL_VERSION },
        complete,
        verdict,
        verdictReason: reason,
        seed: region.seed,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        gateway: {
          ...gatewayOfResult(target),
          ...(selfDescription === undefined ? {} : { capabilityStatement: selfDescription }),
        },
        region: {
          ...region.addresses,
          attached: region.attached,
          seed: region.seed,
          referenceDate: region.referenceDate,
        },
        selection: {
          asked: options.selection?.asked ?? [],
          selected: options.scenarios.length,
          catalogueSize: options.selection?.catalogueSize ?? options.scenarios.length,
        },
        catalogue: {
          version: catalogueVersion(options.catalogue ?? options.scenarios),
          size: (options.catalogue ?? options.scenarios).length,
        },
        machine: machineOfRun(),
        totals: totalsOf(results),
        scenarios: results,
        notRun: options.scenarios
          .filter((s) => !results.some((r) => r.id === s.id))
          .map(({ id, title, pack, level, hazard }) => ({ id, title, pack, level, hazard })),
      },
      secrets,
    );
  } finally {
    await gateway?.stop();
    await region.close();
  }
}

/** What the run result says of the gateway: what it is, how it was reached, what it printed. */
function gatewayOfResult(target: GatewayTarget): RunResult["gateway"] {
  const logs = target.logs();
  return {
    name: target.name,
    ...(target.version === undefined ? {} : { version: target.version }),
    url: target.url,
    launch: target.launch,
    profile: target.profile.kind,
    capabilities: [...target.profile.capabilities],
    ...(target.manifestPath === undefined ? {} : { manifest: target.manifestPath }),
    ...(logs.length === 0 ? {} : { logs }),
  };
}

/**
 * The gateway's own consumer identity, registered in the region's SDS: without it the practices' Spine
 * Secure Proxy refuses the ASID the gateway sends them. An ASID SDS holds for another organisation stops the
 * run before it starts (exit 2), as a misconfiguration.
 */
async function registerIdentity(gateway: LoadedManifest, control: ControlClient): Promise<void> {
  const identity = gateway.manifest.identity;
  if (identity === undefined) return;
  try {
    await control.addConsumer({ ods: identity.ods, asid: identity.asid, name: gateway.manifest.name });
  } catch (error) {
    throw cliError("MANIFEST_INVALID", `identity: ${(error as Error).message}`);
  }
}

async function openRegion(options: RunOptions): Promise<RegionHandle> {
  if (options.region !== undefined) return attachRegion(options.region, options.controlToken);
  let region: Awaited<ReturnType<typeof startRegion>>;
  try {
    region = await startRegion({
      seed: options.seed,
      port: options.port,
      ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
    });
  } catch (error) {
    throw cliError("REGION_FAILED_TO_START", (error as Error).message);
  }
  const info = region.info();
  return {
    control: new ControlClient(info.control),
    addresses: { control: info.control, pds: info.pds, sds: info.sds },
    attached: false,
    seed: info.seed,
    referenceDate: info.referenceDate,
    close: () => region.close(),
  };
}

/** A region already running: its own seed and reference date are the run's. */
async function attachRegion(url: string, token: string | undefined): Promise<RegionHandle> {
  const control = new ControlClient(url, token === undefined ? {} : { token });
  let info: Awaited<ReturnType<ControlClient["region"]>>;
  try {
    info = await control.region();
  } catch (error) {
    const message = (error as Error).message;
    if (/ failed with 401\b/.test(message)) {
      throw token === undefined
        ? cliError("REGION_TOKEN_MISSING", url)
        : cliError("REGION_TOKEN_REFUSED", url);
    }
    throw message.startsWith("cannot reach")
      ? new CliError("REGION_UNREACHABLE", message)
      : cliError("REGION_UNREACHABLE", url, message);
  }
  return {
    control,
    addresses: { control: info.control, pds: info.pds, sds: info.sds },
    attached: true,
    seed: info.seed,
    referenceDate: info.referenceDate,
    close: async () => {},
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
