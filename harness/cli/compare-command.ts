/**
 * `gp-harness compare BASE.json NEW.json`: lists the scenarios that newly fail or regress, and exits 1 when
 * there are any (or the new run was interrupted), 0 when none, 2 when either file is not a run result or the
 * two ran different catalogues.
 */
import type { Command } from "commander";
import { compareRuns } from "../compare-runs.js";
import { cliError } from "./errors.js";
import { oneLine } from "./run-console.js";
import { readRunResult } from "./run-result-file.js";

export function registerCompareCommand(cli: Command): void {
  cli
    .command("compare")
    .description("compare two saved runs (report.json): exit 1 when the new one is worse")
    .argument("<base>", "the run result to compare against (e.g. the last release's report.json)")
    .argument("<new>", "the run result of this build")
    .action(async (basePath: string, nextPath: string) => {
      const [base, next] = await Promise.all([readRunResult(basePath), readRunResult(nextPath)]);
      if (base.catalogue.version !== next.catalogue.version) {
        throw cliError("DIFFERENT_CATALOGUES", base.catalogue.version, next.catalogue.version);
      }
      const comparison = compareRuns(base, next);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      for (const r of comparison.regressions) {
        out(
          `  WORSE  ${r.id.padEnd(14)} ${r.level.padEnd(6)} ${r.before ?? "not run"} → ${r.after ?? "not run"}: ${oneLine(r.evidence ?? r.title).slice(0, 300)}`,
        );
      }
      for (const i of comparison.improvements) {
        out(`  BETTER ${i.id.padEnd(14)} ${i.level.padEnd(6)} ${i.before ?? "not run"} → ${i.after}`);
      }
      if (comparison.incomplete !== undefined) out(`  ${comparison.incomplete}`);
      const worse = comparison.regressions.length;
      out(
        `${worse} worse, ${comparison.improvements.length} better, ${comparison.unchanged} unchanged (${basePath} → ${nextPath})`,
      );
      process.exitCode = worse > 0 || comparison.incomplete !== undefined ? 1 : 0;
    });
}
