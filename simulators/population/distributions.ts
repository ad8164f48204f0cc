/** Random draws shaped for a record beyond Random's own: a date uniformly within a range, a normal value. */
import { fromDayNumber, toDayNumber } from "./calendar.js";
import type { Random } from "./random.js";

export function uniformDate(random: Random, from: string, to: string): string {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  return end <= start ? from : fromDayNumber(random.int(start, end));
}

/** A normal draw (Box-Muller), for test results. */
export function gaussian(random: Random, mean: number, sd: number): number {
  const u = 1 - random.next();
  const v = random.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A Poisson draw: how many events happen where `mean` are expected. Knuth's product of uniforms for small
 * means; above 30, the normal approximation (rounded, never below 0), which is close there and costs one draw.
 */
export function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(gaussian(random, mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count++;
    product *= random.next();
  }
  return count;
}
