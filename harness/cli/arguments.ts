/**
 * The command line's value parsers: each turns a flag's text into a value or refuses it with words that say
 * what it must be (commander prints them as one line, exit 2).
 */
import { existsSync } from "node:fs";
import { InvalidArgumentError, Option } from "commander";

export const wholeNumber =
  (min: number, max: number) =>
  (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };

export const port = wholeNumber(0, 65_535);

export function gatewayArg(value: string): string {
  if (value === "reference") return value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError("is not a URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidArgumentError(`must be an http(s) URL, not ${url.protocol}`);
    }
    return value;
  }
  if (value.endsWith(".json") || existsSync(value)) return value;
  throw new InvalidArgumentError(
    'must be "reference", an http(s) URL such as http://localhost:8080, or a gateway manifest file (.json)',
  );
}

export function urlArg(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("must be an http(s) URL");
}

/** A calendar date written YYYY-MM-DD (2025-02-30 is refused, not rolled over). */
export function isoDateArg(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match === null ? undefined : new Date(`${value}T00:00:00Z`);
  if (date === undefined || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError("must be a date written YYYY-MM-DD, such as 2025-06-01");
  }
  return value;
}

export function shareArg(value: string): number {
  const share = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(share >= 0 && share <= 1))
    throw new InvalidArgumentError("must be a number from 0 to 1, such as 0.6");
  return share;
}

export function tokenArg(value: string): string {
  if (!/^[\x21-\x7e]{8,512}$/.test(value)) {
    throw new InvalidArgumentError("must be 8 to 512 printable characters without spaces");
  }
  return value;
}

export function seedOption(): Option {
  return new Option("--seed <n>", "seed of the synthetic population")
    .default(1)
    .argParser(wholeNumber(0, 2 ** 31 - 1));
}
