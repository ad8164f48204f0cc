/**
 * `gp-harness run`: the scenarios against a gateway, a line per scenario as each finishes, then the reports.
 * Ctrl-C lets the scenarios under way finish and writes a report marked incomplete (exit 130).
 */
import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ensureDirectory, setAsidePreviousReports, writeReports } from "../../reports/write-reports.js";
import {
  defaultManifest,
  type LoadedManifest,
  loadManifestFile,
  ManifestError,
  referenceManifestPath,
} from "../manifest/load.js";
import { nearestName } from "../manifest/suggest.js";
import { redactText } from "../north/redaction.js";
import type { RunResult, ScenarioResult } from "../run-result.js";
import { runConformance } from "../runner.js";
import { PACKS, type Scenario } from "../scenario.js";
import { TOOL_VERSION } from "../version.js";
import { gatewayArg, isoDateArg, port, seedOption, tokenArg, urlArg, wholeNumber } from "./arguments.js";
import { catalogue } from "./catalogue.js";
import { cliError } from "./errors.js";
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
}

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
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write(
      "gp-harness: interrupted — finishing the scenarios under way, then writing an incomplete report (Ctrl-C again to quit now)\n",
    );
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A gateway already running was configured for `simulate`'s fixed ports; one the harness starts is told.
  const regionPort =
    flags.port ??
    (gateway.manifest.launch.kind === "url" && flags.region === undefined ? DEFAULT_SIMULATE_PORT : 0);
  process.stdout.write(
    `gp-harness ${TOOL_VERSION}: ${scenarios.length} scenarios against ${describeGateway(flags.gateway, gateway)}\n`,
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
    signal: interrupt.signal,
    onScenarioDone: printScenario,
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await printSummary(result, await writeReports(out, result));
  return exitStatusOf(result);
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

function printScenario(s: ScenarioResult): void {
  const label = { pass: "PASS ", fail: "FAIL ", skip: "SKIP ", omit: "OMIT ", error: "ERROR" }[s.result];
  process.stdout.write(
    `  ${label} ${s.id.padEnd(14)} ${s.level.padEnd(6)} ${s.title} (${s.durationMs} ms)\n`,
  );
  if (s.result !== "pass" && s.message) process.stdout.write(`         ${s.message}\n`);
}

async function printSummary(result: RunResult, written: readonly string[]): Promise<void> {
  const t = result.totals;
  process.stdout.write(
    `\n${t.pass} passed, ${t.fail} failed, ${t.skip} skipped, ${t.omit} omitted, ${t.error} errors in ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(`verdict: ${result.verdict.toUpperCase()} — ${result.verdictReason}\n`);
  process.stdout.write(
    `region: seed ${result.region.seed}, reference date ${result.region.referenceDate}${result.region.attached ? ` (attached: ${result.region.control})` : ""}\n`,
  );
  process.stdout.write(`reports: ${written.join(", ")}\n`);
}
