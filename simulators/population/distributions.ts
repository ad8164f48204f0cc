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
