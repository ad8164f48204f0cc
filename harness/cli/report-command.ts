/**
 * `gp-harness report RUN.json --format html|junit|ctrf|md|json [--out FILE]`: any report, written again from a
 * saved run result by the same writer a run uses (to stdout, or atomically to FILE).
 */
import { rename, writeFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { REPORT_WRITERS } from "../../reports/write-reports.js";
import { cliError } from "./errors.js";
import { readRunResult } from "./run-result-file.js";

/** Each format, by the file a run writes it to. */
const FORMAT_FILES: Readonly<Record<string, string>> = {
  html: "report.html",
  junit: "junit.xml",
  ctrf: "ctrf.json",
  md: "summary.md",
  json: "report.json",
};

export function registerReportCommand(cli: Command): void {
  cli
    .command("report")
    .description("write a report again from a saved run result (report.json)")
    .argument("<run>", "a run result: the report.json of a run")
    .addOption(
      new Option("--format <format>", "the report to write")
        .choices(Object.keys(FORMAT_FILES))
        .makeOptionMandatory(),
    )
    .option("--out <file>", "write it here (default: standard output)")
    .action(async (path: string, options: { format: string; out?: string }) => {
      const file = FORMAT_FILES[options.format];
      const writer = REPORT_WRITERS.find((w) => w.file === file);
      if (writer === undefined) {
        const known = REPORT_WRITERS.map((w) => formatOf(w.file)).filter((f) => f !== undefined);
        throw cliError("UNKNOWN_FORMAT", options.format, known.join(", "));
      }
      const text = writer.write(await readRunResult(path));
      if (options.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const temporary = `${options.out}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, text, "utf8");
        await rename(temporary, options.out);
      } catch (error) {
        throw cliError("OUTPUT_NOT_WRITABLE", options.out, (error as Error).message);
      }
    });
}

function formatOf(file: string): string | undefined {
  return Object.entries(FORMAT_FILES).find(([, name]) => name === file)?.[0];
}
