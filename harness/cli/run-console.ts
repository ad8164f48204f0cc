/**
 * What `gp-harness run` tells the person or the CI log watching it: a line per scenario as it finishes (a
 * failed one pointing at its evidence in the reports), on a terminal a live line of what is still running,
 * and the summary; `--quiet` keeps only the summary. Output to a closed pipe (`gp-harness run | head -1`) ends
 * quietly: the run goes on, its reports are written, and nothing more is printed.
 */
import { relative } from "node:path";
import type { RunResult, ScenarioResult } from "../run-result.js";

const LABELS = { pass: "PASS ", fail: "FAIL ", skip: "SKIP ", omit: "OMIT ", error: "ERROR" } as const;

export class RunConsole {
  private closed = false;
  private readonly live: boolean;
  private readonly running = new Set<string>();
  private done = 0;
  private total = 0;
  private liveShown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly options: { readonly quiet: boolean; readonly reportDir: string },
  ) {
    // A terminal gets a live line; a CI log (not a TTY) gets plain lines only.
    this.live = out.isTTY === true && !options.quiet && process.env.CI === undefined;
    out.on("error", (error: NodeJS.ErrnoException) => {
      // The reader went away (a closed pipe): stop printing, carry on with the run.
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") this.closed = true;
    });
  }

  /** The run's first line: what runs against what. */
  header(line: string, total: number): void {
    this.total = total;
    if (!this.options.quiet) this.write(`${line}\n`);
  }

  started(scenario: { readonly id: string }): void {
    this.running.add(scenario.id);
    this.showLive();
  }

  finished(s: ScenarioResult): void {
    this.running.delete(s.id);
    this.done++;
    if (this.options.quiet) return;
    this.clearLive();
    this.write(
      `  ${LABELS[s.result]} ${s.id.padEnd(14)} ${s.level.padEnd(6)} ${oneLine(s.title)} (${s.durationMs} ms)\n`,
    );
    if (s.result !== "pass" && s.message) this.write(`         ${oneLine(s.message)}\n`);
    if (s.result === "fail" || s.result === "error") {
      this.write(
        `         evidence: ${relative(process.cwd(), this.options.reportDir) || "."}/report.html#${s.id}\n`,
      );
    }
    this.showLive();
  }

  /** A message to the person running it, as a line of its own (standard error). */
  notice(text: string): void {
    this.clearLive();
    process.stderr.write(`${text}\n`);
  }

  summary(result: RunResult, written: readonly string[]): void {
    this.clearLive();
    const t = result.totals;
    const notRun = result.notRun.length > 0 ? `, ${result.notRun.length} not run (interrupted)` : "";
    this.write(
      `\n${t.pass} passed, ${t.fail} failed, ${t.skip} skipped, ${t.omit} omitted, ${t.error} errors${notRun} in ${(result.durationMs / 1000).toFixed(1)} s\n`,
    );
    this.write(`verdict: ${result.verdict.toUpperCase()} — ${result.verdictReason}\n`);
    this.write(
      `region: seed ${result.region.seed}, reference date ${result.region.referenceDate}${result.region.attached ? ` (attached: ${result.region.control})` : ""}\n`,
    );
    this.write(`reports: ${written.join(", ")}\n`);
  }

  private showLive(): void {
    if (!this.live || this.running.size === 0) return;
    const names = [...this.running].slice(0, 4).join(", ");
    const more = this.running.size > 4 ? ` and ${this.running.size - 4} more` : "";
    const columns = this.out.columns ?? 100;
    const line = `  … ${this.done}/${this.total} done; running ${names}${more}`.slice(0, columns - 1);
    this.write(`\r\x1b[K${line}`);
    this.liveShown = true;
  }

  private clearLive(): void {
    if (!this.liveShown) return;
    this.write("\r\x1b[K");
    this.liveShown = false;
  }

  private write(text: string): void {
    if (this.closed || this.out.destroyed) return;
    try {
      this.out.write(text);
    } catch {
      this.closed = true;
    }
  }
}

/** Text from a scenario (a gateway's words among it) on one terminal line: no control characters. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ");
}
