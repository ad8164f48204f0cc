/**
 * A load profile as k6 writes one: an arrival-rate executor (`constant-arrival-rate` or `ramping-arrival-rate`)
 * with its rate, time unit, duration or stages, and the bounded pool of requests in flight (preAllocatedVUs,
 * maxVUs). The open model: requests arrive on the schedule whatever the gateway does, so a slow answer cannot
 * slow the arrivals down and hide itself.
 */
import { LoadProfileError } from "./errors.js";

export interface ConstantArrivalRate {
  readonly executor: "constant-arrival-rate";
  /** Requests per timeUnit. */
  readonly rate: number;
  /** k6 duration ("1s", "500ms", "2m"); default "1s". */
  readonly timeUnit?: string;
  /** k6 duration: how long arrivals go on. */
  readonly duration: string;
  /** Requests in flight allowed at first (k6's preAllocatedVUs); default the expected concurrency. */
  readonly preAllocatedVUs?: number;
  /** Most requests in flight at once; an arrival finding the pool full is dropped. Default preAllocatedVUs. */
  readonly maxVUs?: number;
}

export interface RampingStage {
  /** The rate (per timeUnit) reached at the end of the stage, changing linearly from the one before. */
  readonly target: number;
  readonly duration: string;
}

export interface RampingArrivalRate {
  readonly executor: "ramping-arrival-rate";
  /** The rate at the start (per timeUnit); default 0. */
  readonly startRate?: number;
  readonly timeUnit?: string;
  readonly stages: readonly RampingStage[];
  readonly preAllocatedVUs?: number;
  readonly maxVUs?: number;
}

export type ArrivalProfile = ConstantArrivalRate | RampingArrivalRate;

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A k6 duration ("1m30s", "500ms", "2s") in milliseconds; LoadProfileError naming the field otherwise. */
export function parseDuration(text: string, field = "duration"): number {
  const trimmed = String(text).trim();
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed)
    throw new LoadProfileError(`${field} "${text}" is not a duration (say 500ms, 30s, 2m or 1m30s)`);
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS_MS[p[2]!]!, 0);
  if (!(ms > 0)) throw new LoadProfileError(`${field} "${text}" must be longer than nothing`);
  return ms;
}

/** A stage of the schedule in milliseconds and requests per millisecond. */
interface Segment {
  readonly fromMs: number;
  readonly ms: number;
  readonly startPerMs: number;
  readonly endPerMs: number;
}

function segmentsOf(profile: ArrivalProfile): Segment[] {
  const unitMs = parseDuration(profile.timeUnit ?? "1s", "timeUnit");
  const perMs = (rate: number, field: string): number => {
    if (!(Number.isFinite(rate) && rate >= 0)) throw new LoadProfileError(`${field} ${rate} is not a rate`);
    return rate / unitMs;
  };
  if (profile.executor === "constant-arrival-rate") {
    const rate = perMs(profile.rate, "rate");
    if (rate === 0) throw new LoadProfileError("rate must be above 0");
    return [{ fromMs: 0, ms: parseDuration(profile.duration), startPerMs: rate, endPerMs: rate }];
  }
  if (profile.stages.length === 0) throw new LoadProfileError("stages must name at least one stage");
  const segments: Segment[] = [];
  let fromMs = 0;
  let start = perMs(profile.startRate ?? 0, "startRate");
  profile.stages.forEach((stage, i) => {
    const end = perMs(stage.target, `stages[${i}].target`);
    const ms = parseDuration(stage.duration, `stages[${i}].duration`);
    segments.push({ fromMs, ms, startPerMs: start, endPerMs: end });
    fromMs += ms;
    start = end;
  });
  return segments;
}

/** Each stage of a profile: where it begins and ends (ms from the start) and its rates per second. */
export interface ProfileStage {
  readonly fromMs: number;
  readonly toMs: number;
  readonly fromRate: number;
  readonly toRate: number;
}

export function profileStages(profile: ArrivalProfile): ProfileStage[] {
  return segmentsOf(profile).map((s) => ({
    fromMs: s.fromMs,
    toMs: s.fromMs + s.ms,
    fromRate: s.startPerMs * 1000,
    toRate: s.endPerMs * 1000,
  }));
}

/** How long the profile's arrivals go on, in milliseconds. */
export function profileDurationMs(profile: ArrivalProfile): number {
  return segmentsOf(profile).reduce((sum, s) => sum + s.ms, 0);
}

/** The highest arrival rate of the profile, per second. */
export function peakRatePerSecond(profile: ArrivalProfile): number {
  return Math.max(...segmentsOf(profile).flatMap((s) => [s.startPerMs, s.endPerMs])) * 1000;
}

/**
 * The intended send times, in milliseconds from the start: the k-th request (k = 0, 1, ...) is due when the
 * integral of the rate reaches k, as k6's arrival-rate executors schedule (a linear rate within each stage).
 */
export function arrivalOffsets(profile: ArrivalProfile): number[] {
  const offsets: number[] = [];
  let done = 0;
  for (const segment of segmentsOf(profile)) {
    const { startPerMs: a, endPerMs: b, ms } = segment;
    const slope = (b - a) / ms;
    const total = a * ms + (slope * ms * ms) / 2;
    // Arrivals k with done <= k < done + total fall in this segment.
    for (let k = Math.ceil(done - 1e-9); k < done + total - 1e-9; k += 1) {
      const need = k - done;
      const t =
        Math.abs(slope) < 1e-15 ? need / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * slope * need))) / slope;
      offsets.push(segment.fromMs + t);
    }
    done += total;
  }
  return offsets;
}

/** The pool of requests in flight: k6's maxVUs (at least preAllocatedVUs), or enough for the peak by default. */
export function poolSize(profile: ArrivalProfile, expectedLatencyMs = 1000): number {
  const pre = profile.preAllocatedVUs;
  const max = profile.maxVUs;
  for (const [field, value] of [
    ["preAllocatedVUs", pre],
    ["maxVUs", max],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new LoadProfileError(`${field} ${value} must be a whole number above 0`);
  }
  if (max !== undefined) return Math.max(max, pre ?? 0);
  if (pre !== undefined) return pre;
  return Math.max(1, Math.ceil((peakRatePerSecond(profile) * expectedLatencyMs) / 1000) * 2);
}
