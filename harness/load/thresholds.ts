/**
 * Thresholds in k6's syntax: `p(95)<800`, `p(99)<=1500`, `avg<300`, `med<400`, `min>0`, `max<2000` on a
 * latency in milliseconds, and `rate<0.01` on the error rate (failed requests / requests sent), as k6 writes
 * them for http_req_duration and http_req_failed. One that does not parse is a ThresholdError quoting it.
 */
import type { LatencyPercentiles, LoadFigures } from "../run-result.js";
import { ThresholdError } from "./errors.js";

export type ThresholdOperator = "<" | "<=" | ">" | ">=" | "==" | "===" | "!=";
export type Aggregation = "avg" | "min" | "max" | "med" | "rate" | `p(${number})`;

export interface Threshold {
  /** As written. */
  readonly text: string;
  readonly aggregation: Aggregation;
  readonly operator: ThresholdOperator;
  readonly value: number;
}

/** The percentiles the figures keep (an HDR histogram's, summarised). */
const PERCENTILES: Readonly<Record<string, keyof LatencyPercentiles>> = {
  "50": "p50",
  "90": "p90",
  "95": "p95",
  "99": "p99",
};

const SYNTAX =
  /^\s*(avg|min|max|med|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses one threshold; a ThresholdError naming it when it does not parse or asks for what is not measured. */
export function parseThreshold(text: string): Threshold {
  const match = SYNTAX.exec(String(text));
  if (match === null)
    throw new ThresholdError(
      `threshold "${text}" does not parse: write it as k6 does, e.g. p(95)<800, p(99)<=1500, avg<300, max<2000 or rate<0.01`,
    );
  const [, head, percentile, operator, value] = match;
  let aggregation = head as Aggregation;
  if (percentile !== undefined) {
    const key = String(Number(percentile));
    if (PERCENTILES[key] === undefined)
      throw new ThresholdError(
        `threshold "${text}" asks for p(${percentile}), which is not measured: use p(50), p(90), p(95) or p(99)`,
      );
    aggregation = `p(${Number(percentile)})`;
  }
  return {
    text: String(text).trim(),
    aggregation,
    operator: operator as ThresholdOperator,
    value: Number(value),
  };
}

/** Parses every threshold, failing on the first that does not parse. */
export function parseThresholds(texts: readonly string[]): Threshold[] {
  return texts.map(parseThreshold);
}

/** What a threshold is judged on: a latency of the figures, or the error rate. */
export type ThresholdMetric = "latency" | "endToEnd" | "overhead";

/** The figure a threshold is judged on (ms, or a rate from 0 to 1). */
export function measured(
  threshold: Threshold,
  figures: LoadFigures,
  metric: ThresholdMetric = "latency",
): number {
  if (threshold.aggregation === "rate") return figures.errorRate;
  const latency = figures[metric];
  switch (threshold.aggregation) {
    case "avg":
      return latency.mean;
    case "min":
      return latency.min;
    case "max":
      return latency.max;
    case "med":
      return latency.p50;
    default:
      return latency[PERCENTILES[threshold.aggregation.slice(2, -1)]!];
  }
}

export function holds(threshold: Threshold, value: number): boolean {
  switch (threshold.operator) {
    case "<":
      return value < threshold.value;
    case "<=":
      return value <= threshold.value;
    case ">":
      return value > threshold.value;
    case ">=":
      return value >= threshold.value;
    case "!=":
      return value !== threshold.value;
    default:
      return value === threshold.value;
  }
}
