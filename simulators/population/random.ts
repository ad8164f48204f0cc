/**
 * A small seeded PRNG (sfc32), seeded by hashing a tuple such as (seed, practice ordinal, patient index),
 * so every patient is generated on its own, identically on every run, without generating the others.
 */

/** Mixes a tuple of integers into four 32-bit words (splitmix32 over a running hash). */
function seedWords(parts: readonly number[]): [number, number, number, number] {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // Split into two 32-bit halves so large integers (seeds, serials) keep all their bits.
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = Math.imul(h ^ low, 0x01000193);
    h = Math.imul(h ^ high, 0x01000193);
    h ^= h >>> 16;
  }
  const words: number[] = [];
  let state = h >>> 0;
  for (let i = 0; i < 4; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    words.push((z ^ (z >>> 15)) >>> 0);
  }
  return [words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0];
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for this tuple, e.g. `new Random(seed, ordinal, index, STREAM)`. */
  constructor(...parts: number[]) {
    [this.a, this.b, this.c, this.d] = seedWords(parts);
    // Discard the first outputs: sfc32 is weak right after seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
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

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let target = this.next() * total;
    for (const [item, weight] of items) {
      target -= weight;
      if (target < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError("cannot pick from an empty list");
    return last[0];
  }

  /** `count` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0) {
      const [item] = pool.splice(Math.floor(this.next() * pool.length), 1);
      chosen.push(item as T);
    }
    return chosen;
  }
}
