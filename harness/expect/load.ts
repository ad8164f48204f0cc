/**
 * Expectations about latency under load (the performance pack): thresholds in k6's syntax judged on what the
 * scenario's `load.run` measured, each threshold one check with the measured figure.
 */
import { metricOf, type ThresholdSource } from "../load/threshold-set.js";
import {
  holds,
  measured,
  parseThresholds,
  type Threshold,
  type ThresholdMetric,
} from "../load/thresholds.js";
import type { LoadFigures } from "../run-result.js";
import { PracticeRecordExpectations } from "./practice-record.js";

const METRIC_WORDS: Readonly<Record<ThresholdMetric, string>> = {
  latency: "latency",
  endToEnd: "end-to-end time",
  overhead: "gateway's own overhead",
};

export class LoadExpectations extends PracticeRecordExpectations {
  /**
   * Each threshold holds for the load (`p(95)<800` on the latency from each request's intended send time,
   * `rate<0.01` on the error rate); `of: "overhead"` judges the latencies on the gateway's own time instead.
   * The thresholds are the scenario's budget: a user's own for the same metric (from `--threshold` or the
   * manifest) replace them, and the check says where they came from.
   */
  thresholds(figures: LoadFigures, thresholds: readonly string[], of: ThresholdMetric = "latency"): void {
    for (const { threshold, source } of this.judged(parseThresholds(thresholds), of)) {
      const value = measured(threshold, figures, of);
      const rate = threshold.aggregation === "rate";
      const seen = rate
        ? `${figures.counts.failed} of ${figures.counts.sent} requests failed (rate ${round(value, 4)})`
        : `${threshold.aggregation} was ${round(value, 1)} ms over ${figures[of].count} requests`;
      this.check(
        `the ${rate ? "error rate" : METRIC_WORDS[of]} met ${threshold.text}${source === undefined ? "" : ` (from ${source})`}`,
        holds(threshold, value),
        `${seen} (${figures.label})`,
        false,
        source,
      );
    }
  }

  /** The scenario's thresholds, each metric's replaced by the user's where they set that metric. */
  private judged(
    own: readonly Threshold[],
    of: ThresholdMetric,
  ): { threshold: Threshold; source?: ThresholdSource }[] {
    const judged: { threshold: Threshold; source?: ThresholdSource }[] = [];
    const replaced = new Set<string>();
    for (const threshold of own) {
      const metric = metricOf(threshold, of);
      const override = metric === undefined ? undefined : this.options.thresholdOverride?.(metric);
      if (override === undefined) judged.push({ threshold });
      else if (!replaced.has(metric!)) {
        replaced.add(metric!);
        judged.push(...override.thresholds.map((threshold) => ({ threshold, source: override.source })));
      }
    }
    return judged;
  }

  /** Every arrival of the load was sent: none dropped for want of room (requests in flight piling up). */
  loadDelivered(figures: LoadFigures): void {
    this.check(
      "every request of the load was sent",
      figures.counts.dropped === 0,
      figures.counts.dropped === 0
        ? `${figures.counts.sent} of ${figures.counts.scheduled} sent, ${figures.counts.late} of them late (${figures.label})`
        : `${figures.counts.dropped} of ${figures.counts.scheduled} dropped: ${figures.profile.pool} requests were already waiting on the gateway (${figures.label})`,
    );
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
