/**
 * Thresholds in k6's syntax, judged on what a load measured; and the arrival schedules of k6's arrival-rate
 * executors.
 */
import { expect, it } from "vitest";
import { ThresholdError } from "../harness/load/errors.js";
import { summarise } from "../harness/load/histogram.js";
import { consentSequence } from "../harness/load/load-step.js";
import { arrivalOffsets, parseDuration } from "../harness/load/profile.js";
import { holds, measured, parseThreshold } from "../harness/load/thresholds.js";
import type { LoadFigures } from "../harness/run-result.js";

const latencies = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
const figures = {
  latency: summarise(latencies),
  overhead: summarise(latencies.map((ms) => ms / 10)),
  errorRate: 0.02,
} as unknown as LoadFigures;

it("judges p(N), avg, med, min and max on the latency and rate on the error rate, as k6 does", () => {
  const verdict = (text: string, of?: "overhead") => {
    const threshold = parseThreshold(text);
    return holds(threshold, measured(threshold, figures, of));
  };
  expect(verdict("p(95)<800")).toBe(false);
  expect(verdict("p(95)<1000")).toBe(true);
  expect(verdict("p(99)<=1000")).toBe(true);
  expect(verdict("avg<300")).toBe(false);
  expect(verdict("med<600")).toBe(true);
  expect(verdict("max<2000")).toBe(true);
  expect(verdict("min>=10")).toBe(true);
  expect(verdict("rate<0.01")).toBe(false);
  expect(verdict("rate<0.05")).toBe(true);
  expect(verdict("p(95)<100", "overhead")).toBe(true);
  expect(parseThreshold(" p( 99.0 ) <= 1500 ")).toMatchObject({
    aggregation: "p(99)",
    operator: "<=",
    value: 1500,
  });
});

it("a threshold that does not parse is an error quoting it", () => {
  for (const text of ["p95<800", "p(95)<<800", "avg<", "mean<300", "rate<1%", ""])
    expect(() => parseThreshold(text)).toThrow(
      new ThresholdError(`threshold "${text}" does not parse`).message,
    );
  expect(() => parseThreshold("p(97)<800")).toThrow(/p\(97\), which is not measured/);
});

it("arrivals follow k6's constant and ramping arrival rates", () => {
  expect(arrivalOffsets({ executor: "constant-arrival-rate", rate: 10, duration: "2s" })).toHaveLength(20);
  expect(
    arrivalOffsets({ executor: "constant-arrival-rate", rate: 30, timeUnit: "1m", duration: "1m" }),
  ).toHaveLength(30);
  // From 0 to 20/s over 2 s, then 20/s for 1 s: 20 + 20 arrivals, denser towards the end of the ramp.
  const ramp = arrivalOffsets({
    executor: "ramping-arrival-rate",
    startRate: 0,
    stages: [
      { target: 20, duration: "2s" },
      { target: 20, duration: "1s" },
    ],
  });
  expect(ramp).toHaveLength(40);
  expect(ramp.filter((t) => t < 990)).toHaveLength(5);
  expect(ramp.every((t, i) => i === 0 || t >= ramp[i - 1]!)).toBe(true);
  expect(parseDuration("1m30s")).toBe(90_000);
  expect(() => parseDuration("soon")).toThrow(/duration "soon" is not a duration/);
});

it("consent answers follow the stated mix, spread through the run", () => {
  const answers = consentSequence(20, { granted: 8, refused: 1, emergency: 1 });
  expect(answers.filter((a) => a === "granted")).toHaveLength(16);
  expect(answers.filter((a) => a === "refused")).toHaveLength(2);
  expect(answers.slice(0, 10).filter((a) => a === "refused")).toHaveLength(1);
});
