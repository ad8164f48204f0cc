/**
 * `gp-harness run`: the scenarios against a gateway, a line per scenario as each finishes, then the reports.
 * Ctrl-C (SIGINT) or SIGTERM aborts the scenarios under way and writes every report, marked incomplete, then
 * exits 130 or 143; a second signal quits at once, leaving nothing running.
 */
import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import {
  ensureDirectory,
  ReportsIncompleteError,
  setAsidePreviousReports,
  writeReports,
} from "../../reports/write-reports.js";
import { ThresholdError } from "../load/errors.js";
import {
  checkScopes,
  parseThresholdFlag,
  parseThresholdObject,
  type ThresholdRule,
} from "../load/threshold-set.js";
import {
  defaultManifest,
  type LoadedManifest,
  loadManifestFile,
  ManifestError,
  referenceManifestPath,
} from "../manifest/load.js";
import { nearestName } from "../manifest/suggest.js";
import { redactText } from "../north/redaction.js";
import type { RunResult } from "../run-result.js";
import { runConformance } from "../runner.js";
import { PACKS, type Scenario } from "../scenario.js";
import { TOOL_VERSION } from "../version.js";
import { gatewayArg, isoDateArg, port, seedOption, tokenArg, urlArg, wholeNumber } from "./arguments.js";
import { catalogue } from "./catalogue.js";
import { cliError } from "./errors.js";
import { RunConsole } from "./run-console.js";
import { DEFAULT_SIMULATE_PORT } from "./simulate-command.js";

interface RunFlags {
  gateway: string;
  region?: string;
  controlToken?: string;
  out: string;
  seed: number;
  referenceDate?: string;
  port?: number;
  concurrency: number;
  timeout: number;
  scenario?: string[];
  quiet?: boolean;
  maxAnswer: number;
  threshold?: ThresholdRule[];
}

/** The exit status of a run ended by a signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export function registerRunCommand(cli: Command): void {
  cli
    .command("run")
    .description("run the conformance scenarios against a gateway and write reports")
    .addOption(
      new Option(
        "--gateway <reference|url|manifest>",
        'the gateway under test: "reference" (bundled), the URL of a running one (default profile), or a gateway manifest (.json)',
      )
        .default("reference")
        .argParser(gatewayArg),
    )
    .addOption(
      new Option(
        "--region <control-url>",
        "attach to a region already running (gp-harness simulate) instead of starting one",
      ).argParser(urlArg),
    )
    .addOption(
      new Option(
        "--control-token <token>",
        "the control token of the region given by --region, when it was started with one",
      )
        .env("GP_HARNESS_CONTROL_TOKEN")
        .argParser(tokenArg),
    )
    .option("--out <dir>", "where to write the reports", "harness-report")
    .addOption(seedOption())
    .addOption(
      new Option(
        "--reference-date <YYYY-MM-DD>",
        "the synthetic records' today, for the region the run starts (default: the region's own)",
      ).argParser(isoDateArg),
    )
    .addOption(
      new Option(
        "--port <p>",
        "base port of the region the run starts (0: any free ports; default 4300 for a gateway already running at a URL, which was configured for `simulate`'s ports; 0 for one the harness starts)",
      ).argParser(port),
    )
    .addOption(
      new Option("--concurrency <n>", "scenarios run at once").default(4).argParser(wholeNumber(1, 64)),
    )
    .addOption(
      new Option("--timeout <ms>", "budget for one request to the gateway")
        .default(30_000)
        .argParser(wholeNumber(100, 600_000)),
    )
    .option("--scenario <ids...>", "run only these scenarios (ids or packs)")
    .option("--quiet", "print only the summary (no line per scenario)")
    .addOption(
      new Option(
        "--max-answer <MiB>",
        "the most of one gateway answer read; a larger answer is a named failure, not read",
      )
        .default(16)
        .argParser(wholeNumber(1, 1024)),
    )
    .addOption(
      new Option(
        "--threshold <threshold>",
        "a performance threshold in k6's syntax, replacing the scenarios' budget for its metric: p(95)<800, rate<0.01, gateway_overhead:p(95)<200, http_req_duration{scenario:PERFORMANCE-01}:p(99)<1500 (repeatable)",
      ).argParser(thresholdArg),
    )
    .action(async (options: RunFlags, command: Command) => {
      const given = (name: string) => command.getOptionValueSource(name) === "cli";
      if (options.region !== undefined && (given("seed") || options.referenceDate !== undefined)) {
        throw cliError(
          "BAD_FLAG_VALUE",
          given("seed") ? "--seed" : "--reference-date",
          "applies to the region the run starts; a region given by --region has its own (the report records it)",
        );
      }
      process.exitCode = await run(options);
    });
}

async function run(flags: RunFlags): Promise<number> {
  const out = resolve(flags.out);
  await checkWritable(out);
  // A run that fails to start must not leave the last run's reports looking like its own.
  await setAsidePreviousReports(out);
  const everything = await catalogue();
  const scenarios = selected(everything, flags.scenario);
  const gateway = await gatewayManifest(flags.gateway);
  const thresholds = userThresholds(gateway, flags.threshold ?? [], everything);
  const screen = new RunConsole(process.stdout, { quiet: flags.quiet === true, reportDir: out });
  const interrupt = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT) => {
    // A second signal: quit now (the exit hooks stop the gateway's processes and containers).
    if (interrupt.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
    stoppedBy = signal;
    screen.notice(
      "gp-harness: interrupted — stopping the scenarios under way and writing an incomplete report (interrupt again to quit now)",
    );
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A gateway already running was configured for `simulate`'s fixed ports; one the harness starts is told.
  const regionPort =
    flags.port ??
    (gateway.manifest.launch.kind === "url" && flags.region === undefined ? DEFAULT_SIMULATE_PORT : 0);
  screen.header(
    `gp-harness ${TOOL_VERSION}: ${scenarios.length} scenarios against ${describeGateway(flags.gateway, gateway)}`,
    scenarios.length,
  );
  const result = await runConformance({
    gateway,
    ...(flags.region === undefined ? {} : { region: flags.region }),
    ...(flags.controlToken === undefined ? {} : { controlToken: flags.controlToken }),
    port: regionPort,
    seed: flags.seed,
    ...(flags.referenceDate === undefined ? {} : { referenceDate: flags.referenceDate }),
    scenarios,
    selection: { asked: flags.scenario ?? [], catalogueSize: everything.length },
    catalogue: everything,
    concurrency: flags.concurrency,
    requestTimeoutMs: flags.timeout,
    scenarioTimeoutMs: Math.max(60_000, flags.timeout * 3),
    settleMs: 250,
    maxAnswerBytes: flags.maxAnswer * 1024 * 1024,
    thresholds,
    signal: interrupt.signal,
    onScenarioStarted: (scenario) => screen.started(scenario),
    onScenarioDone: (scenario) => screen.finished(scenario),
  });
  let written: readonly string[];
  let unwritten: ReportsIncompleteError | undefined;
  try {
    written = await writeReports(out, result);
  } catch (error) {
    if (!(error instanceof ReportsIncompleteError)) throw error;
    ({ written } = error);
    unwritten = error;
  }
  screen.summary(result, written);
  if (unwritten !== undefined) {
    // A writer's bug: the other reports stand, and the exit status says the harness broke.
    screen.notice(
      `gp-harness: internal error: ${unwritten.message}; the other reports were written (exit 3)`,
    );
    return 3;
  }
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  return !result.complete && stoppedBy !== undefined ? SIGNAL_EXIT[stoppedBy] : exitStatusOf(result);
}

function thresholdArg(value: string, previous: ThresholdRule[] | undefined): ThresholdRule[] {
  try {
    return [...(previous ?? []), parseThresholdFlag(value)];
  } catch (error) {
    if (error instanceof ThresholdError) throw cliError("BAD_FLAG_VALUE", "--threshold", error.message);
    throw error;
  }
}

/** The manifest's thresholds, then the flags' (which take precedence); a scope naming no scenario is exit 2. */
function userThresholds(
  gateway: LoadedManifest,
  flags: readonly ThresholdRule[],
  everything: readonly Scenario[],
): ThresholdRule[] {
  try {
    const rules = [...parseThresholdObject(gateway.manifest.thresholds ?? {}), ...flags];
    checkScopes(
      rules,
      everything.filter((s) => s.pack === "performance").map((s) => s.id),
    );
    return rules;
  } catch (error) {
    if (error instanceof ThresholdError) throw cliError("THRESHOLD_INVALID", error.message);
    throw error;
  }
}

/**
 * The run's exit status: 130 interrupted; 3 when the harness itself broke in a scenario (an `error` result: a
 * bug of ours, never the gateway's failure, so CI can tell them apart); else 0 for a passing verdict, 1 not.
 */
export function exitStatusOf(result: Pick<RunResult, "complete" | "verdict" | "totals">): number {
  if (!result.complete) return 130;
  if (result.totals.error > 0) return 3;
  return result.verdict === "pass" ? 0 : 1;
}

/** `--gateway`: the reference gateway's own manifest, the default profile for a URL, or a manifest file. */
async function gatewayManifest(gateway: string): Promise<LoadedManifest> {
  try {
    if (gateway === "reference") return await loadManifestFile(referenceManifestPath());
    if (/^https?:\/\//i.test(gateway)) return defaultManifest(gateway);
    return await loadManifestFile(gateway);
  } catch (error) {
    if (error instanceof ManifestError) throw cliError("MANIFEST_INVALID", error.message);
    throw error;
  }
}

function describeGateway(flag: string, loaded: LoadedManifest): string {
  if (flag === "reference") return "the reference gateway";
  if (loaded.path === undefined) return redactText(flag);
  const version = loaded.manifest.version === undefined ? "" : ` ${loaded.manifest.version}`;
  return `${loaded.manifest.name}${version} (${flag})`;
}

/** The scenarios asked for by id or pack (all when none are named). */
function selected(
  scenarios: readonly Scenario[],
  wanted: readonly string[] | undefined,
): readonly Scenario[] {
  if (wanted === undefined) return scenarios;
  const names = wanted
    .flatMap((name) => name.split(","))
    .map((name) => name.trim())
    .filter(Boolean);
  const known = new Set<string>([...scenarios.map((s) => s.id), ...PACKS]);
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => {
      const near = nearestName(name, [...known]);
      return near === undefined ? `"${name}"` : `"${name}" (did you mean ${near}?)`;
    });
    throw cliError("UNKNOWN_SCENARIO", hints.join(", "));
  }
  const chosen = scenarios.filter((s) => names.some((name) => name === s.id || name === s.pack));
  if (chosen.length === 0) throw cliError("NO_SCENARIOS", names.join(", "));
  return chosen;
}

async function checkWritable(out: string): Promise<void> {
  try {
    await ensureDirectory(out);
    await access(out, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const why =
      {
        ENOENT: "the folder cannot be created there",
        EACCES: "permission denied",
        EPERM: "permission denied",
        EROFS: "the file system is read-only",
        ENOTDIR: "a file is in the way of the folder",
      }[code] ?? (error as Error).message;
    throw cliError("OUTPUT_NOT_WRITABLE", out, why);
  }
}
