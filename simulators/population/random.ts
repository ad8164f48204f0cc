/**
 * A small seeded PRNG (sfc32), seeded by hashing a tuple such as (seed, practice ordinal, patient index),
 * so every patient is generated on its own, identically on every run, without generating the others.
 */

/**
 * Mixes a tuple of integers into the generator's four 32-bit words (splitmix32 over a running hash).
 * Writes into `into` rather than returning an array: a generator is made per patient, and the garbage
 * of its seeding showed in profiles.
 */
function seedInto(into: Random, parts: readonly number[]): void {
  let h = 0x811c9dc5;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? 0;
    // Split into two 32-bit halves so large integers (seeds, serials) keep all their bits.
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = Math.imul(h ^ low, 0x01000193);
    h = Math.imul(h ^ high, 0x01000193);
    h ^= h >>> 16;
  }
  let state = h >>> 0;
  state = (state + 0x9e3779b9) >>> 0;
  const a = splitmixWord(state);
  state = (state + 0x9e3779b9) >>> 0;
  const b = splitmixWord(state);
  state = (state + 0x9e3779b9) >>> 0;
  const c = splitmixWord(state);
  state = (state + 0x9e3779b9) >>> 0;
  into.reseed(a, b, c, splitmixWord(state));
}

function splitmixWord(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** A generator for this tuple, e.g. `new Random(seed, ordinal, index, STREAM)`. */
  constructor(...parts: number[]) {
    seedInto(this, parts);
    // Discard the first outputs: sfc32 is weak right after seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Sets the state words (for seeding only). */
  reseed(a: number, b: number, c: number, d: number): void {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; weights need not sum to 1. Indexed loops: called several times per patient. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (let i = 0; i < items.length; i++) total += (items[i] as readonly [T, number])[1];
    let target = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      const entry = items[i] as readonly [T, number];
      target -= entry[1];
      if (target < 0) return entry[0];
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError("cannot pick from an empty list");
    return last[0];
  }

  /**
   * `count` distinct items, in the order drawn: each draw picks a position among the items not yet
   * chosen. Positions are mapped back to the list without copying it (names are drawn from lists of
   * hundreds, for a third of all patients).
   */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen: T[] = [];
    /** Indices already chosen, ascending. */
    const taken: number[] = [];
    while (chosen.length < count && taken.length < items.length) {
      let index = Math.floor(this.next() * (items.length - taken.length));
      let at = 0;
      while (at < taken.length && (taken[at] as number) <= index) {
        index++;
        at++;
      }
      taken.splice(at, 0, index);
      chosen.push(items[index] as T);
    }
    return chosen;
  }
}
