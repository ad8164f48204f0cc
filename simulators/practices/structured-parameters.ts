/**
 * The Parameters body of $gpc.getstructuredrecord, checked as GP Connect Access Record Structured 1.6 says:
 * what the consumer asked for, or the error (INVALID_RESOURCE, INVALID_PARAMETER, INVALID_IDENTIFIER_SYSTEM,
 * INVALID_NHS_NUMBER, NOT_IMPLEMENTED) with diagnostics naming the parameter.
 */
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { isIsoDate } from "../population/calendar.js";
import { isValidNhsNumber } from "../population/nhs-number.js";
import { type Checked, fail, ok } from "./failure.js";

export interface StructuredRecordQuery {
  readonly nhsNumber: string;
  /** Present when includeAllergies was sent. */
  readonly allergies?: { readonly includeResolved: boolean };
  /** Present when includeMedication was sent. */
  readonly medication?: { readonly includeIssues: boolean; readonly fromDate?: string };
}

/** Clinical areas of the specification this simulator does not serve yet (answered 501, honestly). */
export const NOT_YET_IMPLEMENTED_PARAMETERS = [
  "includeConsultations",
  "includeProblems",
  "includeImmunisations",
  "includeUncategorisedData",
  "includeInvestigations",
  "includeReferrals",
] as const;

const KNOWN_PARAMETERS: readonly string[] = [
  "patientNHSNumber",
  "includeAllergies",
  "includeMedication",
  ...NOT_YET_IMPLEMENTED_PARAMETERS,
];

interface ParameterEntry {
  readonly name: string;
  readonly fields: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The value[x] fields of a parameter or part ("valueBoolean", "valueIdentifier", ...). */
const valueKeys = (fields: Record<string, unknown>) =>
  Object.keys(fields).filter((key) => key.startsWith("value"));

function entries(list: unknown, where: string): Checked<ParameterEntry[]> {
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

/** Parts of a parameter, each name at most once and among `allowed`. */
function partsOf(
  parameter: ParameterEntry,
  allowed: readonly string[],
): Checked<Map<string, ParameterEntry>> {
  if (valueKeys(parameter.fields).length > 0) {
    return fail("INVALID_PARAMETER", `${parameter.name} takes parts, not a value`);
  }
  const parts = entries(parameter.fields.part, `${parameter.name}.part`);
  if (!parts.ok) return parts;
  const byName = new Map<string, ParameterEntry>();
  for (const part of parts.value) {
    if (!allowed.includes(part.name)) {
      return fail(
        "INVALID_PARAMETER",
        `${parameter.name} has an unknown part "${part.name}" (allowed: ${allowed.join(", ")})`,
      );
    }
    if (byName.has(part.name))
      return fail("INVALID_PARAMETER", `${parameter.name}.${part.name} is given more than once`);
    byName.set(part.name, part);
  }
  return ok(byName);
}

function booleanPart(parameter: string, part: ParameterEntry): Checked<boolean> {
  const value = part.fields.valueBoolean;
  if (typeof value !== "boolean" || valueKeys(part.fields).length !== 1) {
    return fail("INVALID_PARAMETER", `${parameter}.${part.name} must carry a valueBoolean`);
  }
  return ok(value);
}

function nhsNumberOf(parameter: ParameterEntry): Checked<string> {
  const identifier = parameter.fields.valueIdentifier;
  if (!isObject(identifier) || valueKeys(parameter.fields).length !== 1) {
    return fail("INVALID_PARAMETER", "patientNHSNumber must carry a valueIdentifier");
  }
  if (identifier.system !== NHS_NUMBER_SYSTEM) {
    return fail(
      "INVALID_IDENTIFIER_SYSTEM",
      `patientNHSNumber identifier system "${String(identifier.system ?? "")}" is not ${NHS_NUMBER_SYSTEM}`,
    );
  }
  const value = identifier.value;
  if (typeof value !== "string" || !isValidNhsNumber(value)) {
    return fail("INVALID_NHS_NUMBER", `patientNHSNumber "${String(value ?? "")}" is not a valid NHS number`);
  }
  return ok(value);
}

function allergiesOf(parameter: ParameterEntry): Checked<{ includeResolved: boolean }> {
  const parts = partsOf(parameter, ["includeResolvedAllergies"]);
  if (!parts.ok) return parts;
  const resolved = parts.value.get("includeResolvedAllergies");
  if (resolved === undefined)
    return fail("INVALID_PARAMETER", "includeAllergies requires the part includeResolvedAllergies");
  const includeResolved = booleanPart(parameter.name, resolved);
  return includeResolved.ok ? ok({ includeResolved: includeResolved.value }) : includeResolved;
}

function medicationOf(
  parameter: ParameterEntry,
  today: string,
): Checked<{ includeIssues: boolean; fromDate?: string }> {
  const parts = partsOf(parameter, ["includePrescriptionIssues", "medicationSearchFromDate"]);
  if (!parts.ok) return parts;
  const issuesPart = parts.value.get("includePrescriptionIssues");
  // Optional since GP Connect 1.3.2; absent means issues are included.
  const includeIssues = issuesPart === undefined ? ok(true) : booleanPart(parameter.name, issuesPart);
  if (!includeIssues.ok) return includeIssues;
  const fromPart = parts.value.get("medicationSearchFromDate");
  if (fromPart === undefined) return ok({ includeIssues: includeIssues.value });
  const fromDate = fromPart.fields.valueDate;
  if (typeof fromDate !== "string" || valueKeys(fromPart.fields).length !== 1 || !isIsoDate(fromDate)) {
    return fail(
      "INVALID_PARAMETER",
      "includeMedication.medicationSearchFromDate must carry a valueDate (YYYY-MM-DD)",
    );
  }
  if (fromDate > today) {
    return fail(
      "INVALID_PARAMETER",
      `includeMedication.medicationSearchFromDate ${fromDate} is in the future`,
    );
  }
  return ok({ includeIssues: includeIssues.value, fromDate });
}

/** Checks a parsed request body; `today` (YYYY-MM-DD) bounds medicationSearchFromDate. */
export function parseStructuredRecordParameters(
  body: unknown,
  today: string,
): Checked<StructuredRecordQuery> {
  if (!isObject(body) || body.resourceType !== "Parameters") {
    return fail("INVALID_RESOURCE", "The request body must be a FHIR Parameters resource");
  }
  const parameters = entries(body.parameter, "Parameters.parameter");
  if (!parameters.ok) return parameters;
  const byName = new Map<string, ParameterEntry>();
  for (const parameter of parameters.value) {
    if (!KNOWN_PARAMETERS.includes(parameter.name)) {
      return fail("INVALID_PARAMETER", `Unknown parameter "${parameter.name}"`);
    }
    if (byName.has(parameter.name))
      return fail("INVALID_PARAMETER", `Parameter ${parameter.name} is given more than once`);
    byName.set(parameter.name, parameter);
  }

  const nhsParameter = byName.get("patientNHSNumber");
  if (nhsParameter === undefined) return fail("INVALID_PARAMETER", "Parameter patientNHSNumber is required");
  const nhsNumber = nhsNumberOf(nhsParameter);
  if (!nhsNumber.ok) return nhsNumber;

  let query: StructuredRecordQuery = { nhsNumber: nhsNumber.value };
  const allergiesParameter = byName.get("includeAllergies");
  if (allergiesParameter !== undefined) {
    const allergies = allergiesOf(allergiesParameter);
    if (!allergies.ok) return allergies;
    query = { ...query, allergies: allergies.value };
  }
  const medicationParameter = byName.get("includeMedication");
  if (medicationParameter !== undefined) {
    const medication = medicationOf(medicationParameter, today);
    if (!medication.ok) return medication;
    query = { ...query, medication: medication.value };
  }

  const unsupported = NOT_YET_IMPLEMENTED_PARAMETERS.filter((name) => byName.has(name));
  if (unsupported.length > 0) {
    return fail("NOT_IMPLEMENTED", `This simulated provider does not yet serve ${unsupported.join(", ")}`);
  }
  return ok(query);
}

/** The NHS number a request body names, when it names one (for the journal; no validation). */
export function nhsNumberInBody(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.parameter)) return undefined;
  for (const parameter of body.parameter) {
    if (isObject(parameter) && parameter.name === "patientNHSNumber" && isObject(parameter.valueIdentifier)) {
      const value = parameter.valueIdentifier.value;
      return typeof value === "string" ? value : undefined;
    }
  }
  return undefined;
}
