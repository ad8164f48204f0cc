/**
 * The Parameters body of $gpc.getstructuredrecord, checked as GP Connect Access Record Structured 1.6 says:
 * what the consumer asked for and the parameters this provider does not recognise (answered with a warning,
 * not refused), or the error (INVALID_RESOURCE, INVALID_PARAMETER, INVALID_IDENTIFIER_SYSTEM,
 * INVALID_NHS_NUMBER) with diagnostics naming the parameter.
 */
import { NHS_NUMBER_SYSTEM } from "../../gpconnect/identifiers.js";
import {
  CLINICAL_AREA_PARAMETERS,
  CLINICAL_AREA_PARTS,
  type ClinicalAreaParameter,
  PATIENT_NHS_NUMBER_PARAMETER,
  REPEATABLE_PARAMETERS,
} from "../../gpconnect/parameters.js";
import { isValidNhsNumber } from "../population/nhs-number.js";
import { type Checked, fail, type GpcFailure, ok } from "./failure.js";
import {
  booleanPart,
  codePart,
  datePart,
  entries,
  isObject,
  type ParameterEntry,
  partsOf,
  periodPart,
  valueKeys,
} from "./parameter-values.js";
import type {
  ProblemFilter,
  SearchPeriod,
  StructuredRecordQuery,
  UnrecognisedParameter,
} from "./structured-query.js";

/** A checked request: what it asked for, and what it sent that this provider does not process. */
export interface CheckedParameters {
  readonly query: StructuredRecordQuery;
  /** Each once: unknown parameters in the order sent, then unknown parts, parameter by parameter. */
  readonly unrecognised: readonly UnrecognisedParameter[];
}

/** Where each clinical area's parameter lands in the query. */
const AREA_QUERY_FIELDS = {
  includeAllergies: "allergies",
  includeMedication: "medication",
  includeConsultations: "consultations",
  includeProblems: "problems",
  includeImmunisations: "immunisations",
  includeUncategorisedData: "uncategorised",
  includeInvestigations: "investigations",
  includeReferrals: "referrals",
  includeDiaryEntries: "diaryEntries",
} as const satisfies Record<ClinicalAreaParameter, Exclude<keyof StructuredRecordQuery, "nhsNumber">>;

const KNOWN_PARAMETERS: readonly string[] = [PATIENT_NHS_NUMBER_PARAMETER, ...CLINICAL_AREA_PARAMETERS];

/**
 * Part parameters that must not be combined with consultations or problems, because a filtered clinical area
 * beside them could hide linked items (GP Connect 1.6 "Not permitted parameter combinations").
 */
const NOT_WITH_CONSULTATIONS = [
  "includeMedication.medicationSearchFromDate",
  "includeUncategorisedData.uncategorisedDataSearchPeriod",
  "includeProblems.filterSignificance",
  "includeProblems.filterStatus",
  "includeReferrals.referralSearchPeriod",
  "includeDiaryEntries.diaryEntriesSearchDate",
  "includeImmunisations.includeNotGiven",
  "includeImmunisations.includeStatus",
];
const NOT_WITH_PROBLEMS = [
  "includeMedication.medicationSearchFromDate",
  "includeUncategorisedData.uncategorisedDataSearchPeriod",
  "includeReferrals.referralSearchPeriod",
  "includeDiaryEntries.diaryEntriesSearchDate",
  "includeImmunisations.includeNotGiven",
  "includeImmunisations.includeStatus",
];

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

function allergiesOf(
  parameter: ParameterEntry,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<{ includeResolved: boolean }> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeAllergies, unrecognised);
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
  unrecognised: Set<UnrecognisedParameter>,
): Checked<{ includeIssues: boolean; fromDate?: string }> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeMedication, unrecognised);
  if (!parts.ok) return parts;
  const issuesPart = parts.value.get("includePrescriptionIssues");
  // Optional since GP Connect 1.3.2; absent means issues are included.
  const includeIssues = issuesPart === undefined ? ok(true) : booleanPart(parameter.name, issuesPart);
  if (!includeIssues.ok) return includeIssues;
  const fromPart = parts.value.get("medicationSearchFromDate");
  if (fromPart === undefined) return ok({ includeIssues: includeIssues.value });
  const fromDate = datePart(parameter.name, fromPart, today, "not-after-today");
  if (!fromDate.ok) return fromDate;
  return ok({ includeIssues: includeIssues.value, fromDate: fromDate.value });
}

function consultationsOf(
  parameter: ParameterEntry,
  today: string,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<NonNullable<StructuredRecordQuery["consultations"]>> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeConsultations, unrecognised);
  if (!parts.ok) return parts;
  const periodEntry = parts.value.get("consultationSearchPeriod");
  const recentEntry = parts.value.get("includeNumberOfMostRecent");
  if (periodEntry !== undefined && recentEntry !== undefined) {
    return fail(
      "INVALID_RESOURCE",
      "includeConsultations: consultationSearchPeriod and includeNumberOfMostRecent cannot both be given",
    );
  }
  if (periodEntry !== undefined) {
    const period = periodPart(parameter.name, periodEntry, today);
    return period.ok ? ok({ period: period.value }) : period;
  }
  if (recentEntry !== undefined) {
    const value = recentEntry.fields.valuePositiveInt ?? recentEntry.fields.valueInteger;
    if (
      valueKeys(recentEntry.fields).length !== 1 ||
      typeof value !== "number" ||
      !Number.isInteger(value) ||
      value < 1
    ) {
      return fail(
        "INVALID_PARAMETER",
        "includeConsultations.includeNumberOfMostRecent must carry a valuePositiveInt (1 or more)",
      );
    }
    return ok({ mostRecent: value });
  }
  return ok({});
}

function problemFilterOf(
  parameter: ParameterEntry,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<ProblemFilter> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeProblems, unrecognised);
  if (!parts.ok) return parts;
  let filter: ProblemFilter = {};
  const status = parts.value.get("filterStatus");
  if (status !== undefined) {
    const code = codePart(parameter.name, status, ["active", "inactive"] as const);
    if (!code.ok) return code;
    filter = { ...filter, status: code.value };
  }
  const significance = parts.value.get("filterSignificance");
  if (significance !== undefined) {
    const code = codePart(parameter.name, significance, ["major", "minor"] as const);
    if (!code.ok) return code;
    filter = { ...filter, significance: code.value };
  }
  return ok(filter);
}

function immunisationsOf(
  parameter: ParameterEntry,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<{ includeNotGiven: boolean; includeStatus: boolean }> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeImmunisations, unrecognised);
  if (!parts.ok) return parts;
  const notGiven = parts.value.get("includeNotGiven");
  const status = parts.value.get("includeStatus");
  const includeNotGiven = notGiven === undefined ? ok(false) : booleanPart(parameter.name, notGiven);
  if (!includeNotGiven.ok) return includeNotGiven;
  const includeStatus = status === undefined ? ok(true) : booleanPart(parameter.name, status);
  if (!includeStatus.ok) return includeStatus;
  return ok({ includeNotGiven: includeNotGiven.value, includeStatus: includeStatus.value });
}

function searchPeriodOf(
  parameter: ParameterEntry,
  partName: string,
  today: string,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<{ period?: SearchPeriod }> {
  const parts = partsOf(parameter, [partName], unrecognised);
  if (!parts.ok) return parts;
  const entry = parts.value.get(partName);
  if (entry === undefined) return ok({});
  const period = periodPart(parameter.name, entry, today);
  return period.ok ? ok({ period: period.value }) : period;
}

function diaryEntriesOf(
  parameter: ParameterEntry,
  today: string,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<{ searchDate?: string }> {
  const parts = partsOf(parameter, CLINICAL_AREA_PARTS.includeDiaryEntries, unrecognised);
  if (!parts.ok) return parts;
  const entry = parts.value.get("diaryEntriesSearchDate");
  if (entry === undefined) return ok({});
  const date = datePart(parameter.name, entry, today, "not-before-today");
  return date.ok ? ok({ searchDate: date.value }) : date;
}

/** The "parameter.part" names present, to check the combinations GP Connect forbids. */
function partNames(parameters: readonly ParameterEntry[]): Set<string> {
  const names = new Set<string>();
  for (const parameter of parameters) {
    const parts = parameter.fields.part;
    if (!Array.isArray(parts)) continue;
    for (const part of parts)
      if (isObject(part) && typeof part.name === "string") names.add(`${parameter.name}.${part.name}`);
  }
  return names;
}

/**
 * Checks a parsed request body; `today` (YYYY-MM-DD) bounds the search dates.
 *
 * GP Connect 1.6 "API Version Compatibility" (forwards compatibility): "a provider MUST be able to warn a
 * consumer when they don't support a requested parameter or part parameter", answering 200 with the
 * resources "for supported parameters" and a warning for each one it did not process. So a parameter or
 * part whose name this provider does not know is left out of the query and listed in `unrecognised`;
 * "unsupported part parameters MUST only be reported when their top level parameter is supported", so the
 * parts of an unknown parameter are not looked at. Everything else keeps the error table of "Retrieve a
 * patient's structured record": a known parameter with a bad value, a part without a value, a repeated
 * parameter, a forbidden combination or a missing patientNHSNumber (which is also "No recognised parameters
 * are provided": every other parameter is optional) is INVALID_PARAMETER; a body that is not a Parameters
 * resource, or whose parameters or parts are not objects, is INVALID_RESOURCE. A request naming the patient
 * and no clinical area is answered, with the Patient and the practice's directory alone.
 */
export function checkStructuredRecordParameters(body: unknown, today: string): Checked<CheckedParameters> {
  if (!isObject(body) || body.resourceType !== "Parameters") {
    return fail("INVALID_RESOURCE", "The request body must be a FHIR Parameters resource");
  }
  const parameters = entries(body.parameter, "Parameters.parameter");
  if (!parameters.ok) return parameters;
  const unrecognised = new Set<UnrecognisedParameter>();
  const byName = knownParameters(parameters.value, unrecognised);
  if (!byName.ok) return byName;
  const nhsNumber = requestedNhsNumber(byName.value);
  if (!nhsNumber.ok) return nhsNumber;
  const combination = forbiddenCombination(byName.value, parameters.value);
  if (combination !== undefined) return combination;
  const query = areasAsked(byName.value, nhsNumber.value, today, unrecognised);
  if (!query.ok) return query;
  return ok({ query: query.value, unrecognised: [...unrecognised] });
}

/**
 * The known parameters by name, in the order sent, each at most once unless it may repeat; the names of
 * unknown ones go into `unrecognised`.
 */
function knownParameters(
  parameters: readonly ParameterEntry[],
  unrecognised: Set<UnrecognisedParameter>,
): Checked<Map<string, ParameterEntry[]>> {
  const byName = new Map<string, ParameterEntry[]>();
  for (const parameter of parameters) {
    if (!KNOWN_PARAMETERS.includes(parameter.name)) {
      unrecognised.add(parameter.name);
      continue;
    }
    const same = byName.get(parameter.name) ?? [];
    if (same.length > 0 && !REPEATABLE_PARAMETERS.includes(parameter.name))
      return fail("INVALID_PARAMETER", `Parameter ${parameter.name} is given more than once`);
    byName.set(parameter.name, [...same, parameter]);
  }
  return ok(byName);
}

/**
 * The patient's NHS number. A request may name no clinical area: every include… parameter is optional (0..1,
 * problems 0..*), the error table has no row for it, and the Bundle always holds the Patient, their practice
 * and their usual GP, so such a request is answered with those alone.
 */
function requestedNhsNumber(byName: ReadonlyMap<string, readonly ParameterEntry[]>): Checked<string> {
  const nhsParameter = byName.get(PATIENT_NHS_NUMBER_PARAMETER)?.[0];
  if (nhsParameter === undefined) return fail("INVALID_PARAMETER", "Parameter patientNHSNumber is required");
  return nhsNumberOf(nhsParameter);
}

/** The failure for a part parameter sent beside consultations or problems that GP Connect forbids there. */
function forbiddenCombination(
  byName: ReadonlyMap<string, readonly ParameterEntry[]>,
  parameters: readonly ParameterEntry[],
): { ok: false; failure: GpcFailure } | undefined {
  const present = partNames(parameters);
  for (const [area, forbidden] of [
    ["includeConsultations", NOT_WITH_CONSULTATIONS],
    ["includeProblems", NOT_WITH_PROBLEMS],
  ] as const) {
    if (!byName.has(area)) continue;
    const clash = forbidden.find((name) => present.has(name));
    if (clash !== undefined) {
      return fail(
        "INVALID_PARAMETER",
        `${clash} may not be combined with ${area} (GP Connect: not permitted parameter combination)`,
      );
    }
  }
  return undefined;
}

/** Reads one clinical area's parameter (given at most once) into its field of the query. */
type AreaReader = (
  parameter: ParameterEntry,
  today: string,
  unrecognised: Set<UnrecognisedParameter>,
) => Checked<Partial<StructuredRecordQuery>>;

/** The areas given at most once, in the order they are read (and their fields appear in the query). */
const AREA_READERS: readonly (readonly [ClinicalAreaParameter, AreaReader])[] = [
  [
    "includeAllergies",
    (p, _today, unrecognised) => map(allergiesOf(p, unrecognised), (allergies) => ({ allergies })),
  ],
  [
    "includeMedication",
    (p, today, unrecognised) => map(medicationOf(p, today, unrecognised), (medication) => ({ medication })),
  ],
  [
    "includeConsultations",
    (p, today, unrecognised) =>
      map(consultationsOf(p, today, unrecognised), (consultations) => ({ consultations })),
  ],
  [
    "includeImmunisations",
    (p, _today, unrecognised) =>
      map(immunisationsOf(p, unrecognised), (immunisations) => ({ immunisations })),
  ],
  [
    "includeUncategorisedData",
    (p, today, unrecognised) =>
      map(searchPeriodOf(p, "uncategorisedDataSearchPeriod", today, unrecognised), (uncategorised) => ({
        uncategorised,
      })),
  ],
  [
    "includeInvestigations",
    (p, today, unrecognised) =>
      map(searchPeriodOf(p, "investigationSearchPeriod", today, unrecognised), (investigations) => ({
        investigations,
      })),
  ],
  [
    "includeReferrals",
    (p, today, unrecognised) =>
      map(searchPeriodOf(p, "referralSearchPeriod", today, unrecognised), (referrals) => ({ referrals })),
  ],
  [
    "includeDiaryEntries",
    (p, today, unrecognised) =>
      map(diaryEntriesOf(p, today, unrecognised), (diaryEntries) => ({ diaryEntries })),
  ],
];

/**
 * The query: the patient and each clinical area asked for. Its fields keep one order (the areas read once,
 * then problems), as the Bundle's id is made from it.
 */
function areasAsked(
  byName: ReadonlyMap<string, readonly ParameterEntry[]>,
  nhsNumber: string,
  today: string,
  unrecognised: Set<UnrecognisedParameter>,
): Checked<StructuredRecordQuery> {
  let query: StructuredRecordQuery = { nhsNumber };
  for (const [name, read] of AREA_READERS) {
    const parameter = byName.get(name)?.[0];
    if (parameter === undefined) continue;
    const parsed = read(parameter, today, unrecognised);
    if (!parsed.ok) return parsed;
    query = { ...query, ...parsed.value };
  }
  const problemParameters = byName.get("includeProblems");
  if (problemParameters !== undefined) {
    const filters: ProblemFilter[] = [];
    for (const parameter of problemParameters) {
      const filter = problemFilterOf(parameter, unrecognised);
      if (!filter.ok) return filter;
      filters.push(filter.value);
    }
    query = { ...query, problems: filters };
  }
  return ok(query);
}

/** A checked request with the practice's disabled clinical areas taken out. */
export interface ServedParameters extends CheckedParameters {
  /** The disabled areas the request asked for, in CLINICAL_AREA_PARAMETERS order. */
  readonly disabled: readonly ClinicalAreaParameter[];
}

/**
 * The request as a practice with these clinical areas switched off serves it (GP Connect 1.6 "Configuration
 * for supported clinical areas"): each disabled area asked for is left out of the query, as if its
 * parameter had not been sent, and named in `disabled`; the unknown parts of a disabled parameter are not
 * reported, as a parameter's unknown parts are reported only when the parameter itself is supported.
 */
export function withoutDisabledAreas(
  checked: CheckedParameters,
  disabledAreas: ReadonlySet<ClinicalAreaParameter>,
): ServedParameters {
  if (disabledAreas.size === 0) return { ...checked, disabled: [] };
  const disabled = CLINICAL_AREA_PARAMETERS.filter(
    (area) => disabledAreas.has(area) && checked.query[AREA_QUERY_FIELDS[area]] !== undefined,
  );
  if (disabled.length === 0) return { ...checked, disabled };
  const query: { -readonly [K in keyof StructuredRecordQuery]: StructuredRecordQuery[K] } = {
    ...checked.query,
  };
  for (const area of disabled) delete query[AREA_QUERY_FIELDS[area]];
  const unrecognised = checked.unrecognised.filter(
    (name) => !disabled.some((area) => name.startsWith(`${area}.`)),
  );
  return { query, unrecognised, disabled };
}

/** The query of a request body, without the parameters it did not recognise (see checkStructuredRecordParameters). */
export function parseStructuredRecordParameters(
  body: unknown,
  today: string,
): Checked<StructuredRecordQuery> {
  return map(checkStructuredRecordParameters(body, today), (checked) => checked.query);
}

function map<T, U>(checked: Checked<T>, f: (value: T) => U): Checked<U> {
  return checked.ok ? ok(f(checked.value)) : checked;
}

/** The NHS number a request body names, when it names one (for the journal; no validation). */
export function nhsNumberInBody(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.parameter)) return undefined;
  for (const parameter of body.parameter) {
    if (
      isObject(parameter) &&
      parameter.name === PATIENT_NHS_NUMBER_PARAMETER &&
      isObject(parameter.valueIdentifier)
    ) {
      const value = parameter.valueIdentifier.value;
      return typeof value === "string" ? value : undefined;
    }
  }
  return undefined;
}
