/**
 * `gp-harness compare BASE.json NEW.json [--tolerance 20%] [--min-change 5]`: lists the scenarios that newly
 * fail or regress, and, with --tolerance, the latency figures under load that got worse beyond it; exits 1 when
 * there are any (or the new run was interrupted), 0 when none, 2 when either file is not a run result or the two ran
 * different catalogues.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { compareLatency, DEFAULT_LATENCY_TOLERANCE, type LatencyChange } from "../compare-latency.js";
import { compareRuns } from "../compare-runs.js";
import { cliError } from "./errors.js";
import { oneLine } from "./run-console.js";
import { readRunResult } from "./run-result-file.js";

interface CompareFlags {
  tolerance?: number;
  minChange: number;
}

/** "20%" or "20": a percentage from 0 to 1000, as a fraction. */
function percentArg(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  const percent = match === null ? Number.NaN : Number(match[1]);
  if (!(percent >= 0 && percent <= 1000)) throw new InvalidArgumentError("must be a percentage such as 20%");
  return percent / 100;
}

function millisecondsArg(value: string): number {
  const ms = Number(value);
  if (value.trim() === "" || !(ms >= 0 && ms <= 600_000))
    throw new InvalidArgumentError("must be milliseconds, from 0 to 600000");
  return ms;
}

export function registerCompareCommand(cli: Command): void {
  cli
    .command("compare")
    .description("compare two saved runs (report.json): exit 1 when the new one is worse")
    .argument("<base>", "the run result to compare against (e.g. the last release's report.json)")
    .argument("<new>", "the run result of this build")
    .addOption(
      new Option(
        "--tolerance <percent>",
        "compare latency under load too: how much slower a figure (latency p50 and p95, gateway overhead p50 and p95) or higher an error rate may get before it is a regression, e.g. 20%",
      ).argParser(percentArg),
    )
    .addOption(
      new Option("--min-change <ms>", "a latency change smaller than this is never a regression")
        .default(DEFAULT_LATENCY_TOLERANCE.floorMs)
        .argParser(millisecondsArg),
    )
    .action(async (basePath: string, nextPath: string, flags: CompareFlags) => {
      const [base, next] = await Promise.all([readRunResult(basePath), readRunResult(nextPath)]);
      if (base.catalogue.version !== next.catalogue.version) {
        throw cliError("DIFFERENT_CATALOGUES", base.catalogue.version, next.catalogue.version);
      }
      const comparison = compareRuns(base, next);
      // Latency is compared only when asked: two runs' figures differ by noise alone, more on a shared CI machine.
      const latency =
        flags.tolerance === undefined
          ? undefined
          : compareLatency(base, next, { fraction: flags.tolerance, floorMs: flags.minChange });
      const out = (line: string) => process.stdout.write(`${line}\n`);
      for (const r of comparison.regressions) {
        out(
          `  WORSE  ${r.id.padEnd(14)} ${r.level.padEnd(6)} ${r.before ?? "not run"} → ${r.after ?? "not run"}: ${oneLine(r.evidence ?? r.title).slice(0, 300)}`,
        );
      }
      for (const change of latency?.slower ?? []) out(`  SLOWER ${latencyLine(change)}`);
      for (const i of comparison.improvements) {
        out(`  BETTER ${i.id.padEnd(14)} ${i.level.padEnd(6)} ${i.before ?? "not run"} → ${i.after}`);
      }
      for (const change of latency?.faster ?? []) out(`  FASTER ${latencyLine(change)}`);
      if (latency?.caveat !== undefined) out(`  ${latency.caveat}`);
      if (comparison.incomplete !== undefined) out(`  ${comparison.incomplete}`);
      const worse = comparison.regressions.length;
      const latencyWords =
        latency === undefined || flags.tolerance === undefined
          ? "latency not compared (--tolerance compares it)"
          : `${latency.slower.length} latency figure${latency.slower.length === 1 ? "" : "s"} slower beyond ${Math.round(flags.tolerance * 1000) / 10}% over ${latency.comparedLoads} load${latency.comparedLoads === 1 ? "" : "s"} compared`;
      out(
        `${worse} worse, ${comparison.improvements.length} better, ${comparison.unchanged} unchanged; ${latencyWords} (${basePath} → ${nextPath})`,
      );
      const slower = latency?.slower.length ?? 0;
      const regressed = worse > 0 || slower > 0 || comparison.incomplete !== undefined;
      process.exitCode = regressed ? 1 : 0;
    });
}

function latencyLine(change: LatencyChange): string {
  const figure = (n: number) =>
    change.unit === "ms" ? `${Math.round(n * 10) / 10}` : `${Math.round(n * 10_000) / 10_000}`;
  const percent =
    change.before === 0
      ? ""
      : ` (${change.after >= change.before ? "+" : ""}${Math.round(((change.after - change.before) / change.before) * 100)}%)`;
  return `${change.id.padEnd(14)} ${change.measure}: ${figure(change.before)} → ${figure(change.after)}${change.unit === "ms" ? " ms" : ""}${percent} [${oneLine(change.load)}]`;
}
