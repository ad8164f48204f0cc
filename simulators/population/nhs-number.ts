/**
 * NHS numbers: the modulus-11 check digit, and a deterministic allocation of synthetic numbers in the
 * 999 range (never issued to real people). A number is found from a serial and reversed to it without
 * generating anyone else, so a region of a million patients costs memory only for what is asked for.
 */

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first nine digits, or undefined when the remainder makes the number invalid (10). */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/** True for ten digits whose last is the modulus-11 check digit of the first nine. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return nhsCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

/** True for a valid NHS number in the synthetic 999 range. */
export function isSyntheticNhsNumber(value: string): boolean {
  return value.startsWith("999") && isValidNhsNumber(value);
}

/**
 * The six middle digits (after "999") of every valid 999-range number, ascending. Built once (~1M loop,
 * a few ms); about 909k entries because a tenth of the prefixes give check digit 10.
 */
let validMiddles: Int32Array | undefined;

/** The modulus-11 weighted sum of "999" followed by the six digits of `middle`. */
function weightedSumOfMiddle(middle: number): number {
  // "999" contributes 9*10 + 9*9 + 9*8 = 243 to the weighted sum.
  let sum = 243;
  let rest = middle;
  for (let weight = 2; weight <= 7; weight++) {
    sum += (rest % 10) * weight;
    rest = Math.floor(rest / 10);
  }
  return sum;
}

function validMiddleTable(): Int32Array {
  if (validMiddles !== undefined) return validMiddles;
  const table = new Int32Array(1_000_000);
  let count = 0;
  for (let middle = 0; middle < 1_000_000; middle++) {
    if (11 - (weightedSumOfMiddle(middle) % 11) !== 10) table[count++] = middle;
  }
  validMiddles = table.slice(0, count);
  return validMiddles;
}

/** How many distinct synthetic numbers exist: the capacity of the serial space. */
export function syntheticNhsNumberCount(): number {
  return validMiddleTable().length;
}

/** The number at a table index, its check digit from the middle digits' weighted sum (no string parsing). */
function numberAt(tableIndex: number): string {
  const middle = (validMiddles ?? validMiddleTable())[tableIndex];
  if (middle === undefined) throw new RangeError(`no synthetic NHS number at table index ${tableIndex}`);
  const remainder = weightedSumOfMiddle(middle) % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return `999${String(middle).padStart(6, "0")}${check}`;
}

function tableIndexOf(nhsNumber: string): number | undefined {
  if (!isSyntheticNhsNumber(nhsNumber)) return undefined;
  const middle = Number(nhsNumber.slice(3, 9));
  const table = validMiddleTable();
  let low = 0;
  let high = table.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = table[mid] ?? 0;
    if (value === middle) return mid;
    if (value < middle) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** Half-width in bits of the Feistel network: 2 * 10 bits = 1,048,576 ≥ the ~909k table entries. */
const HALF_BITS = 10;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 4;

function roundFunction(value: number, key: number): number {
  let x = Math.imul(value ^ key, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  return x & HALF_MASK;
}

function roundKeys(seed: number): number[] {
  const keys: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < ROUNDS; i++) {
    state = (Math.imul(state ^ (state >>> 16), 0x45d9f3b) + 0x6d2b79f5 + i) >>> 0;
    keys.push(state);
  }
  return keys;
}

function feistelForward(value: number, keys: readonly number[]): number {
  let left = value >>> HALF_BITS;
  let right = value & HALF_MASK;
  for (const key of keys) {
    const next = left ^ roundFunction(right, key);
    left = right;
    right = next;
  }
  return (left << HALF_BITS) | right;
}

function feistelBackward(value: number, keys: readonly number[]): number {
  let left = value >>> HALF_BITS;
  let right = value & HALF_MASK;
  for (let i = keys.length - 1; i >= 0; i--) {
    const previous = right ^ roundFunction(left, keys[i] ?? 0);
    right = left;
    left = previous;
  }
  return (left << HALF_BITS) | right;
}

/**
 * A seeded bijection between serials (0..count-1) and synthetic NHS numbers. A Feistel network permutes
 * the 2^20 domain; cycle walking keeps the result inside the table, so the mapping stays a bijection.
 */
export class NhsNumberAllocator {
  private readonly keys: readonly number[];
  readonly capacity: number;

  constructor(seed: number) {
    this.keys = roundKeys(seed);
    this.capacity = syntheticNhsNumberCount();
  }

  numberForSerial(serial: number): string {
    if (!Number.isInteger(serial) || serial < 0 || serial >= this.capacity) {
      throw new RangeError(`NHS number serial ${serial} is outside 0..${this.capacity - 1}`);
    }
    let value = feistelForward(serial, this.keys);
    while (value >= this.capacity) value = feistelForward(value, this.keys);
    return numberAt(value);
  }

  /** The serial that gives this number, or undefined when it is not a synthetic NHS number. */
  serialForNumber(nhsNumber: string): number | undefined {
    const tableIndex = tableIndexOf(nhsNumber);
    if (tableIndex === undefined) return undefined;
    let value = feistelBackward(tableIndex, this.keys);
    while (value >= this.capacity) value = feistelBackward(value, this.keys);
    return value;
  }
}
