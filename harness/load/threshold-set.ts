/**
 * Thresholds a user sets for the performance pack, from `--threshold` or the manifest's `thresholds`, in the
 * shape of k6's `options.thresholds`: a metric name, optionally scoped to one scenario as k6 scopes by tag, and
 * its thresholds.
 *
 *   http_req_duration                     latency of each request, from its intended send time (ms)
 *   gateway_overhead                      the gateway's own time: latency less the NHS side's on its critical path
 *   http_req_failed                       the error rate (only `rate`)
 *   http_req_duration{scenario:PERFORMANCE-01}   the same, for that scenario's loads only
 *
 * Each performance scenario judges some of these metrics with budgets of its own; a user's thresholds for a
 * metric replace the scenario's budget for that metric (to tighten or relax it), in this order of precedence:
 * `--threshold` scoped to the scenario, `--threshold`, the manifest scoped to the scenario, the manifest.
 */
import { ThresholdError } from "./errors.js";
import { parseThreshold, type Threshold, type ThresholdMetric } from "./thresholds.js";

export const THRESHOLD_METRICS = ["http_req_duration", "gateway_overhead", "http_req_failed"] as const;
export type ThresholdMetricName = (typeof THRESHOLD_METRICS)[number];

export type ThresholdSource = "--threshold" | "the manifest";

export interface ThresholdRule {
  readonly metric: ThresholdMetricName;
  /** Only this scenario's loads; undefined: every performance scenario's. */
  readonly scenario?: string;
  readonly thresholds: readonly Threshold[];
  readonly source: ThresholdSource;
}

/** The thresholds that replace a scenario's budget for one metric, and where they came from. */
export interface ThresholdOverride {
  readonly thresholds: readonly Threshold[];
  readonly source: ThresholdSource;
}

/** The metric a scenario's threshold judges: the error rate, or the latency it was asked about. */
export function metricOf(threshold: Threshold, of: ThresholdMetric): ThresholdMetricName | undefined {
  if (threshold.aggregation === "rate") return "http_req_failed";
  if (of === "latency") return "http_req_duration";
  if (of === "overhead") return "gateway_overhead";
  return undefined;
}

const KEY = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{\s*([^{}:]*?)\s*:\s*([^{}]*?)\s*\})?\s*$/;

/** Reads a metric key as k6 writes it: `http_req_duration` or `http_req_duration{scenario:PERFORMANCE-01}`. */
export function parseMetricKey(key: string): { metric: ThresholdMetricName; scenario?: string } {
  const match = KEY.exec(key);
  if (match === null)
    throw new ThresholdError(
      `"${key}" is not a metric: write http_req_duration, gateway_overhead or http_req_failed, optionally scoped as http_req_duration{scenario:PERFORMANCE-01}`,
    );
  const [, name, tag, value] = match;
  if (!(THRESHOLD_METRICS as readonly string[]).includes(name!))
    throw new ThresholdError(`unknown metric "${name}": use ${THRESHOLD_METRICS.join(", ")}`);
  if (tag !== undefined && tag !== "scenario")
    throw new ThresholdError(`"${key}": the only tag a threshold can be scoped by is scenario`);
  if (tag !== undefined && value === "") throw new ThresholdError(`"${key}": the scenario tag has no value`);
  return { metric: name as ThresholdMetricName, ...(value === undefined ? {} : { scenario: value }) };
}

/** Parses the thresholds of one metric, refusing an aggregation the metric does not have. */
function thresholdsFor(metric: ThresholdMetricName, texts: readonly string[]): Threshold[] {
  return texts.map((text) => {
    const threshold = parseThreshold(text);
    const rate = threshold.aggregation === "rate";
    if (rate !== (metric === "http_req_failed"))
      throw new ThresholdError(
        rate
          ? `threshold "${threshold.text}" is a rate: it belongs to http_req_failed, not ${metric}`
          : `threshold "${threshold.text}" is a latency: http_req_failed takes only rate<…`,
      );
    return threshold;
  });
}

/**
 * One `--threshold`: `[METRIC[{scenario:ID}]:]THRESHOLD`. Without a metric, `rate<…` is http_req_failed and any
 * other is http_req_duration.
 */
export function parseThresholdFlag(text: string): ThresholdRule {
  const split = /^(.*?\}|[A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/.exec(text);
  const expression = split === null ? text : split[2]!;
  const bare = parseThreshold(expression);
  const key =
    split === null ? { metric: metricOf(bare, "latency") as ThresholdMetricName } : parseMetricKey(split[1]!);
  return { ...key, thresholds: thresholdsFor(key.metric, [expression]), source: "--threshold" };
}

/** The manifest's `thresholds`: `{ "http_req_duration": ["p(95)<800"], ... }`; errors name the field. */
export function parseThresholdObject(value: unknown, field = "thresholds"): ThresholdRule[] {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ThresholdError(
      `${field}: must be an object of metric → list of thresholds, as k6's options.thresholds`,
    );
  return Object.entries(value).map(([key, texts]) => {
    const where = `${field}["${key}"]`;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string") || texts.length === 0)
      throw new ThresholdError(`${where}: must be a list of thresholds such as ["p(95)<800"]`);
    try {
      const parsed = parseMetricKey(key);
      return { ...parsed, thresholds: thresholdsFor(parsed.metric, texts), source: "the manifest" as const };
    } catch (error) {
      if (error instanceof ThresholdError) throw new ThresholdError(`${where}: ${error.message}`);
      throw error;
    }
  });
}

/** Every rule names a scenario that judges thresholds, or none: a misspelt scope must not go unnoticed. */
export function checkScopes(rules: readonly ThresholdRule[], scenarios: readonly string[]): void {
  for (const rule of rules) {
    if (rule.scenario !== undefined && !scenarios.includes(rule.scenario))
      throw new ThresholdError(
        `${rule.metric}{scenario:${rule.scenario}} (${rule.source}): no such performance scenario; there are ${scenarios.join(", ")}`,
      );
  }
}

const PRECEDENCE: readonly ((rule: ThresholdRule, scenario: string) => boolean)[] = [
  (rule, scenario) => rule.source === "--threshold" && rule.scenario === scenario,
  (rule) => rule.source === "--threshold" && rule.scenario === undefined,
  (rule, scenario) => rule.source === "the manifest" && rule.scenario === scenario,
  (rule) => rule.source === "the manifest" && rule.scenario === undefined,
];

/** What replaces one scenario's budget for one metric, if anything does. */
export function overrideFor(
  rules: readonly ThresholdRule[],
  scenario: string,
  metric: ThresholdMetricName,
): ThresholdOverride | undefined {
  for (const applies of PRECEDENCE) {
    const chosen = rules.filter((rule) => rule.metric === metric && applies(rule, scenario));
    if (chosen.length > 0)
      return { thresholds: chosen.flatMap((r) => r.thresholds), source: chosen[0]!.source };
  }
  return undefined;
}
