/**
 * A load's figures in words, one line for the load and one per stage of a ramping load, for the reports that
 * are text (junit.xml's output, summary.md's table): what was sent, what failed, latency from the intended send
 * time and the gateway's own overhead, in milliseconds.
 */
import type { LatencyPercentiles, LoadFigures, LoadStageFigures } from "../harness/run-result.js";

export function ms(value: number): string {
  return `${Math.round(value * 10) / 10}`;
}

/** "p50 12.3, p95 40, p99 88.1 ms". */
export function percentilesText(p: LatencyPercentiles, marks: readonly ("p50" | "p95" | "p99")[]): string {
  return `${marks.map((mark) => `${mark} ${ms(p[mark])}`).join(", ")} ms`;
}

export function errorRateText(failed: number, sent: number): string {
  return `${sent === 0 ? "0.00" : ((failed / sent) * 100).toFixed(2)}%`;
}

function figuresLine(
  label: string,
  f: Pick<LoadStageFigures, "sent" | "failed" | "dropped" | "latency" | "overhead">,
): string {
  return `${label}: ${f.sent} sent, ${f.failed} failed (${errorRateText(f.failed, f.sent)}), ${f.dropped} dropped; latency ${percentilesText(f.latency, ["p50", "p95", "p99"])}; gateway overhead ${percentilesText(f.overhead, ["p50", "p95"])}`;
}

/** The load's line, then its stages' lines (indented). */
export function loadLines(f: LoadFigures): string[] {
  return [
    figuresLine(f.label, { ...f.counts, latency: f.latency, overhead: f.overhead }),
    ...(f.stages ?? []).map((stage) => `  stage ${figuresLine(stage.label, stage)}`),
  ];
}
