/**
 * `gp-harness run`: the scenarios against a gateway, a line per scenario as each finishes, then the reports.
 * Ctrl-C lets the scenarios under way finish and writes a report marked incomplete (exit 130).
 */
import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ensureDirectory, writeReports } from "../../reports/write-reports.js";
import type { RunResult, ScenarioResult } from "../run-result.js";
import { runConformance } from "../runner.js";
import type { Scenario } from "../scenario.js";
import { TOOL_VERSION } from "../version.js";
import { gatewayArg, port, seedOption, urlArg, wholeNumber } from "./arguments.js";
import { catalogue } from "./catalogue.js";
import { cliError } from "./errors.js";
import { DEFAULT_SIMULATE_PORT } from "./simulate-command.js";

interface RunFlags {
  gateway: string;
  region?: string;
  out: string;
  seed: number;
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
        "--gateway <reference|url>",
        'the gateway under test: "reference" (bundled) or the URL of a running one',
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
    .option("--out <dir>", "where to write the reports", "harness-report")
    .addOption(seedOption())
    .addOption(
      new Option(
        "--port <p>",
        "base port of the region the run starts (0: any free ports; default 0 with the reference gateway, 4300 with a URL)",
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
    .action(async (options: RunFlags) => {
      process.exitCode = await run(options);
    });
}

async function run(flags: RunFlags): Promise<number> {
  const scenarios = selected(await catalogue(), flags.scenario);
  const out = resolve(flags.out);
  await checkWritable(out);
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
  const regionPort =
    flags.port ?? (flags.gateway === "reference" || flags.region !== undefined ? 0 : DEFAULT_SIMULATE_PORT);
  process.stdout.write(
    `gp-harness ${TOOL_VERSION}: ${scenarios.length} scenarios against ${flags.gateway === "reference" ? "the reference gateway" : flags.gateway}, seed ${flags.seed}\n`,
  );
  const result = await runConformance({
    gateway: flags.gateway,
    ...(flags.region === undefined ? {} : { region: flags.region }),
    port: regionPort,
    seed: flags.seed,
    scenarios,
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
  if (!result.complete) return 130;
  return result.verdict === "pass" ? 0 : 1;
}

/** The scenarios asked for by id or pack (all when none are named). */
function selected(
  scenarios: readonly Scenario[],
  wanted: readonly string[] | undefined,
): readonly Scenario[] {
  if (wanted === undefined) return scenarios;
  const chosen = scenarios.filter((s) => wanted.some((name) => name === s.id || name === s.pack));
  if (chosen.length === 0) throw cliError("NO_SCENARIOS", wanted.join(", "));
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
  process.stdout.write(`reports: ${written.join(", ")}\n`);
}
