/**
 * A bounded LRU cache of serialised structured-record Bundles. A Bundle is a pure function of (population,
 * practice, NHS number, the request's parameters, reference date), so a cached answer is the answer: nothing
 * but the key invalidates an entry (faults are applied outside the handler). Bounded in entries and in bytes,
 * so a load test across a whole region cannot grow it without limit.
 */
import type { Population } from "../population/types.js";

export interface BundleCacheLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** Enough for a load test that rotates through a few hundred patients: about 44 KB a typical full record. */
export const DEFAULT_BUNDLE_CACHE_LIMITS: BundleCacheLimits = {
  maxEntries: 1024,
  maxBytes: 64 * 1024 * 1024,
};

export class SerialisedBundleCache {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, Buffer>();
  private totalBytes = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(limits: BundleCacheLimits = DEFAULT_BUNDLE_CACHE_LIMITS) {
    if (!Number.isInteger(limits.maxEntries) || limits.maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number ≥ 1, got ${limits.maxEntries}`);
    if (!Number.isInteger(limits.maxBytes) || limits.maxBytes < 1)
      throw new RangeError(`maxBytes must be a whole number ≥ 1, got ${limits.maxBytes}`);
    this.maxEntries = limits.maxEntries;
    this.maxBytes = limits.maxBytes;
  }

  /** The most recently used key: asked again (as under load), it needs no move to the back. */
  private newestKey: string | undefined;

  get(key: string): Buffer | undefined {
    const body = this.entries.get(key);
    if (body !== undefined && key !== this.newestKey) {
      this.entries.delete(key);
      this.entries.set(key, body);
      this.newestKey = key;
    }
    return body;
  }

  /** Keeps `body` unless it alone would take more than a quarter of the byte budget (a large record). */
  set(key: string, body: Buffer): void {
    if (body.length > this.maxBytes / 4) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.totalBytes -= previous.length;
    }
    this.entries.set(key, body);
    this.newestKey = key;
    this.totalBytes += body.length;
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest[0]);
      this.totalBytes -= oldest[1].length;
      if (oldest[0] === this.newestKey) this.newestKey = undefined;
    }
  }

  /** Drops every entry whose key passes the test (a record that can no longer be asked for, or not the same). */
  deleteWhere(test: (key: string) => boolean): void {
    for (const [key, body] of this.entries) {
      if (!test(key)) continue;
      this.entries.delete(key);
      this.totalBytes -= body.length;
      if (key === this.newestKey) this.newestKey = undefined;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  clear(): void {
    this.entries.clear();
    this.newestKey = undefined;
    this.totalBytes = 0;
  }
}

/** One cache for every practice app of the process, so its bound holds for a whole region. */
export const sharedBundleCache = new SerialisedBundleCache();

const populationIds = new WeakMap<Population, number>();
let nextPopulationId = 1;

/**
 * Names a population within the process: two populations with the same seed but other options give the
 * same NHS number to different patients, so the seed alone does not identify the record.
 */
export function populationKey(population: Population): number {
  let id = populationIds.get(population);
  if (id === undefined) {
    id = nextPopulationId++;
    populationIds.set(population, id);
  }
  return id;
}
