/**
 * Two runs' latency under load, compared load by load (a scenario's loads matched by their label): a figure
 * that grew by more than the tolerance, and by more than a floor in milliseconds so that noise on small figures
 * is not a regression, is one; so is an error rate that grew past the tolerance by at least one point.
 */
import type { LatencyPercentiles, LoadFigures, RunResult } from "./run-result.js";

export interface LatencyTolerance {
  /** How much worse a figure may get, as a fraction (0.2: 20% slower). */
  readonly fraction: number;
  /** A change smaller than this many milliseconds is never a regression. */
  readonly floorMs: number;
}

export const DEFAULT_LATENCY_TOLERANCE: LatencyTolerance = { fraction: 0.2, floorMs: 5 };

/**
 * The figures compared: each a percentile of a latency the load measured. Not p99: a performance scenario's
 * load is tens of requests, whose p99 is its slowest one, noise more than a measure.
 */
const MEASURES: readonly {
  readonly words: string;
  readonly of: keyof LoadFigures;
  readonly at: keyof LatencyPercentiles;
}[] = [
  { words: "latency p50", of: "latency", at: "p50" },
  { words: "latency p95", of: "latency", at: "p95" },
  { words: "gateway overhead p50", of: "overhead", at: "p50" },
  { words: "gateway overhead p95", of: "overhead", at: "p95" },
];

/** The smallest rise of the error rate that counts, whatever the tolerance: one request in a hundred. */
const ERROR_RATE_FLOOR = 0.01;

export interface LatencyChange {
  readonly id: string;
  /** The load's label. */
  readonly load: string;
  /** "latency p95", "gateway overhead p50", "error rate". */
  readonly measure: string;
  readonly before: number;
  readonly after: number;
  /** "ms" for latencies, "" for a rate. */
  readonly unit: "ms" | "";
}

export interface LatencyComparison {
  readonly slower: readonly LatencyChange[];
  readonly faster: readonly LatencyChange[];
  /** Loads measured in both runs and compared. */
  readonly comparedLoads: number;
  /** Why the figures may not be comparable (the runs were on different machines), if so. */
  readonly caveat?: string;
}

export function compareLatency(
  base: RunResult,
  next: RunResult,
  tolerance: LatencyTolerance = DEFAULT_LATENCY_TOLERANCE,
): LatencyComparison {
  const slower: LatencyChange[] = [];
  const faster: LatencyChange[] = [];
  let comparedLoads = 0;
  const after = new Map(next.scenarios.map((s) => [s.id, s]));
  for (const old of base.scenarios) {
    const loads = new Map((after.get(old.id)?.latency ?? []).map((l) => [l.label, l]));
    for (const before of old.latency ?? []) {
      const now = loads.get(before.label);
      if (now === undefined) continue;
      comparedLoads++;
      for (const change of loadChanges(old.id, before, now)) {
        if (worse(change, tolerance)) slower.push(change);
        else if (worse({ ...change, before: change.after, after: change.before }, tolerance))
          faster.push(change);
      }
    }
  }
  const caveat = machineCaveat(base, next);
  return { slower, faster, comparedLoads, ...(caveat === undefined ? {} : { caveat }) };
}

function loadChanges(id: string, before: LoadFigures, now: LoadFigures): LatencyChange[] {
  const changes: LatencyChange[] = MEASURES.map(({ words, of, at }) => ({
    id,
    load: before.label,
    measure: words,
    before: (before[of] as LatencyPercentiles)[at],
    after: (now[of] as LatencyPercentiles)[at],
    unit: "ms",
  }));
  changes.push({
    id,
    load: before.label,
    measure: "error rate",
    before: before.errorRate,
    after: now.errorRate,
    unit: "",
  });
  return changes;
}

function worse(change: LatencyChange, tolerance: LatencyTolerance): boolean {
  const floor = change.unit === "ms" ? tolerance.floorMs : ERROR_RATE_FLOOR;
  return change.after > change.before * (1 + tolerance.fraction) && change.after - change.before >= floor;
}

function machineCaveat(base: RunResult, next: RunResult): string | undefined {
  const describe = (run: RunResult) =>
    `${run.machine.cpus} × ${run.machine.cpuModel}, Node ${run.machine.node}`;
  return describe(base) === describe(next)
    ? undefined
    : `the two runs were on different machines (${describe(base)}; ${describe(next)}): their latencies are compared all the same`;
}
