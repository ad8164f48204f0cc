/**
 * Latencies in an HDR histogram (hdr-histogram-js): recorded in microseconds to three significant digits, so a
 * percentile is exact to 0.1 % whatever the spread, in constant memory however long the run.
 */
import { build, type Histogram } from "hdr-histogram-js";

import type { LatencyPercentiles } from "../run-result.js";

/** Percentiles of a latency distribution, in milliseconds (to a microsecond). */
export type LatencySummary = LatencyPercentiles;

export const EMPTY_SUMMARY: LatencySummary = {
  count: 0,
  min: 0,
  mean: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  max: 0,
};

export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one latency in milliseconds (below a microsecond counts as one). */
  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The value at a percentile (0-100), in milliseconds. */
  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    if (this.count === 0) return EMPTY_SUMMARY;
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      min: ms(this.histogram.minNonZeroValue),
      mean: ms(this.histogram.mean),
      p50: ms(this.histogram.getValueAtPercentile(50)),
      p90: ms(this.histogram.getValueAtPercentile(90)),
      p95: ms(this.histogram.getValueAtPercentile(95)),
      p99: ms(this.histogram.getValueAtPercentile(99)),
      max: ms(this.histogram.maxValue),
    };
  }
}

/** The summary of a list of latencies (ms), through a histogram, as the engine's own figures are made. */
export function summarise(values: readonly number[]): LatencySummary {
  const recorder = new LatencyRecorder();
  for (const value of values) recorder.record(value);
  return recorder.summary();
}
