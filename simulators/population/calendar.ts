/** ISO calendar dates ("YYYY-MM-DD") as whole UTC days: the only time unit a GP record needs here. */

let todayDayNumber = Number.NaN;
let today = "";

/** Asked on every structured-record request (to check dates against), so formatted once a day. */
export function todayUtc(): string {
  const day = Math.floor(Date.now() / 86_400_000);
  if (day !== todayDayNumber) {
    today = fromDayNumber(day);
    todayDayNumber = day;
  }
  return today;
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Days since 1970-01-01, by Howard Hinnant's civil-calendar arithmetic: generating a record converts dates
 * thousands of times, and Date parsing and formatting dominated the cost.
 */
export function toDayNumber(isoDate: string): number {
  return civilToDays(yearOf(isoDate), digits2(isoDate, 5), digits2(isoDate, 8));
}

/** The digits of a YYYY-MM-DD date read by char code: slicing and Number() were a tenth of generation. */
const digit = (text: string, at: number) => text.charCodeAt(at) - 48;
const digits2 = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);
const yearOf = (isoDate: string) =>
  digit(isoDate, 0) * 1000 + digit(isoDate, 1) * 100 + digit(isoDate, 2) * 10 + digit(isoDate, 3);

/**
 * The day number of a calendar date given as numbers. A day past the end of a month rolls into the next
 * (29 February of a common year is 1 March), so comparing against it compares (year, month, day) tuples.
 */
export function dayNumberOf(year: number, month: number, day: number): number {
  return civilToDays(year, month, day);
}

function civilToDays(year: number, m: number, d: number): number {
  const y = year - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Formatted dates by day number from 1800-01-01 on, filled as they are asked for: a region's records use
 * a few tens of thousands of distinct days, each formatted thousands of times.
 */
const FORMAT_CACHE_FIRST_DAY = -62_091;
const FORMAT_CACHE_DAYS = 146_097;
const formatted: (string | undefined)[] = new Array<string | undefined>(FORMAT_CACHE_DAYS).fill(undefined);

export function fromDayNumber(day: number): string {
  const slot = day - FORMAT_CACHE_FIRST_DAY;
  if (slot >= 0 && slot < FORMAT_CACHE_DAYS && Number.isInteger(day)) {
    const known = formatted[slot];
    if (known !== undefined) return known;
    const text = formatDayNumber(day);
    formatted[slot] = text;
    return text;
  }
  return formatDayNumber(day);
}

function formatDayNumber(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}`;
}

export function addDays(isoDate: string, days: number): string {
  return fromDayNumber(toDayNumber(isoDate) + days);
}

/** The same day `years` earlier or later (29 February falls back to 28 February). */
export function addYears(isoDate: string, years: number): string {
  const y = yearOf(isoDate) + years;
  const month = digits2(isoDate, 5);
  const day = digits2(isoDate, 8);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return fromDayNumber(civilToDays(y, month, month === 2 && day === 29 && !leap ? 28 : day));
}

/** Whole years from `birthDate` to `onDate`. */
export function ageOn(birthDate: string, onDate: string): number {
  const birthMonthDay = digits2(birthDate, 5) * 100 + digits2(birthDate, 8);
  const onMonthDay = digits2(onDate, 5) * 100 + digits2(onDate, 8);
  return yearOf(onDate) - yearOf(birthDate) - (onMonthDay < birthMonthDay ? 1 : 0);
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}
