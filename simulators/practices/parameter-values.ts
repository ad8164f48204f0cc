/**
 * The parameters and part parameters of a FHIR Parameters body, and their values, each read and checked:
 * a body whose parameters or parts are not objects is INVALID_RESOURCE; a nameless parameter, a repeated
 * part or a value of the wrong type, form or date is INVALID_PARAMETER, with diagnostics naming it.
 */
import { isIsoDate } from "../population/calendar.js";
import { type Checked, fail, ok } from "./failure.js";
import type { SearchPeriod, UnrecognisedParameter } from "./structured-query.js";

/** A parameter or part parameter, by its name, with all its fields. */
export interface ParameterEntry {
  readonly name: string;
  readonly fields: Record<string, unknown>;
}

/** A JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The value[x] fields of a parameter or part ("valueBoolean", "valueIdentifier", ...). */
export const valueKeys = (fields: Record<string, unknown>) =>
  Object.keys(fields).filter((key) => key.startsWith("value"));

export function entries(list: unknown, where: string): Checked<ParameterEntry[]> {
  if (list === undefined) return ok([]);
  if (!Array.isArray(list)) return fail("INVALID_RESOURCE", `${where} must be an array`);
  const result: ParameterEntry[] = [];
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return fail("INVALID_RESOURCE", `${where}[${i}] is not an object`);
    if (typeof item.name !== "string" || item.name === "") {
      return fail("INVALID_PARAMETER", `${where}[${i}] has no name`);
    }
    result.push({ name: item.name, fields: item });
  }
  return ok(result);
}

/**
 * Parts of a parameter, each known name at most once. A part whose name is not among `allowed` is not
 * processed: it is noted in `unrecognised` as "parameter.part" (GP Connect forwards compatibility).
 */
export function partsOf(
  parameter: ParameterEntry,
  allowed: readonly string[],
  unrecognised: Set<UnrecognisedParameter>,
): Checked<Map<string, ParameterEntry>> {
  if (valueKeys(parameter.fields).length > 0) {
    return fail("INVALID_PARAMETER", `${parameter.name} takes parts, not a value`);
  }
  const parts = entries(parameter.fields.part, `${parameter.name}.part`);
  if (!parts.ok) return parts;
  const byName = new Map<string, ParameterEntry>();
  for (const part of parts.value) {
    if (!allowed.includes(part.name)) {
      unrecognised.add(`${parameter.name}.${part.name}`);
      continue;
    }
    if (byName.has(part.name))
      return fail("INVALID_PARAMETER", `${parameter.name}.${part.name} is given more than once`);
    byName.set(part.name, part);
  }
  return ok(byName);
}

export function booleanPart(parameter: string, part: ParameterEntry): Checked<boolean> {
  const value = part.fields.valueBoolean;
  if (typeof value !== "boolean" || valueKeys(part.fields).length !== 1) {
    return fail("INVALID_PARAMETER", `${parameter}.${part.name} must carry a valueBoolean`);
  }
  return ok(value);
}

/** A whole date (no partial date, time or offset), no later than `today` unless `notBefore` says otherwise. */
function wholeDate(
  where: string,
  value: unknown,
  today: string,
  rule: "not-after-today" | "not-before-today",
): Checked<string> {
  if (typeof value !== "string" || !isIsoDate(value)) {
    return fail(
      "INVALID_PARAMETER",
      `${where} must be a whole date (YYYY-MM-DD), got ${JSON.stringify(value)}`,
    );
  }
  if (rule === "not-after-today" && value > today)
    return fail("INVALID_PARAMETER", `${where} ${value} is in the future`);
  if (rule === "not-before-today" && value < today)
    return fail("INVALID_PARAMETER", `${where} ${value} is in the past`);
  return ok(value);
}

export function datePart(
  parameter: string,
  part: ParameterEntry,
  today: string,
  rule: "not-after-today" | "not-before-today",
): Checked<string> {
  const where = `${parameter}.${part.name}`;
  if (valueKeys(part.fields).length !== 1 || part.fields.valueDate === undefined) {
    return fail("INVALID_PARAMETER", `${where} must carry a valueDate (YYYY-MM-DD)`);
  }
  return wholeDate(where, part.fields.valueDate, today, rule);
}

export function periodPart(parameter: string, part: ParameterEntry, today: string): Checked<SearchPeriod> {
  const where = `${parameter}.${part.name}`;
  const period = part.fields.valuePeriod;
  if (!isObject(period) || valueKeys(part.fields).length !== 1) {
    return fail("INVALID_PARAMETER", `${where} must carry a valuePeriod`);
  }
  let result: SearchPeriod = {};
  for (const end of ["start", "end"] as const) {
    if (period[end] === undefined) continue;
    const date = wholeDate(`${where}.${end}`, period[end], today, "not-after-today");
    if (!date.ok) return date;
    result = { ...result, [end]: date.value };
  }
  if (result.start === undefined && result.end === undefined) {
    return fail("INVALID_PARAMETER", `${where} has neither a start nor an end`);
  }
  if (result.start !== undefined && result.end !== undefined && result.start > result.end) {
    return fail("INVALID_PARAMETER", `${where} starts (${result.start}) after it ends (${result.end})`);
  }
  return ok(result);
}

export function codePart<T extends string>(
  parameter: string,
  part: ParameterEntry,
  allowed: readonly T[],
): Checked<T> {
  const value = part.fields.valueCode;
  if (
    valueKeys(part.fields).length !== 1 ||
    typeof value !== "string" ||
    !(allowed as readonly string[]).includes(value)
  ) {
    return fail(
      "INVALID_PARAMETER",
      `${parameter}.${part.name} must carry a valueCode of ${allowed.join(" or ")}, got ${JSON.stringify(value)}`,
    );
  }
  return ok(value as T);
}
