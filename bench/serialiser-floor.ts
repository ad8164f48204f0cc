/**
 * The serialiser's floor: `JSON.stringify` alone of records already built, per CPU-second of this process.
 * Nothing is generated or built, so it is the most a practice that builds records as objects and hands them to
 * V8's serialiser can reach. Shared by the record-generation and serving benchmarks.
 */

export interface SerialisedAlone {
  /** Records serialised in the time measured. */
  readonly records: number;
  /** How many times the whole set was serialised. */
  readonly rounds: number;
  readonly elapsedMs: number;
  readonly cpuMs: number;
  /** Characters of JSON made in all. */
  readonly characters: number;
}

/** Serialises `values` round after round: for `warmUpMs`, then for `measureMs`, timed. */
export function serialiseAlone(
  values: readonly unknown[],
  warmUpMs: number,
  measureMs: number,
): SerialisedAlone {
  const round = () => {
    let characters = 0;
    for (const value of values) characters += JSON.stringify(value).length;
    return characters;
  };
  const warmUntil = performance.now() + warmUpMs;
  while (performance.now() < warmUntil) round();
  let rounds = 0;
  let characters = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < measureMs) {
    characters += round();
    rounds += 1;
  }
  const cpu = process.cpuUsage(cpuStart);
  return {
    records: rounds * values.length,
    rounds,
    elapsedMs: performance.now() - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    characters,
  };
}

/** Records per CPU-second of whatever was timed: serialised alone, or generated, built and serialised. */
export const perCpuSecond = (timed: { readonly records: number; readonly cpuMs: number }) =>
  (timed.records / timed.cpuMs) * 1000;
