/**
 * The parts of an Access Record Structured request that a consumer profile shapes: the Parameters body (the
 * patient, the clinical areas asked for, point-of-access consent as a part), and the headers (the profile's
 * own, point-of-access consent, then the manifest's templates expanded per request).
 */
import { SSP_FROM, SSP_INTERACTION_ID, SSP_TRACE_ID } from "../../gpconnect/headers.js";
import { FHIR_JSON, NHS_NUMBER_SYSTEM, STRUCTURED_RECORD_INTERACTION } from "../../gpconnect/identifiers.js";
import { type ClinicalAreaParameter, PATIENT_NHS_NUMBER_PARAMETER } from "../../gpconnect/parameters.js";
import { expand } from "../manifest/placeholders.js";
import type { ResolvedConsentPlacement } from "./profile.js";

export type ConsentAnswer = "granted" | "refused" | "emergency" | "not-asked";

/** What a scenario asks for when it names no clinical areas: allergies and medication. */
export const DEFAULT_AREAS: readonly ClinicalAreaParameter[] = ["includeAllergies", "includeMedication"];

/** Each clinical area's parameter as the harness asks for it. */
const AREA_PARAMETERS: Readonly<Record<ClinicalAreaParameter, fhir.ParametersParameter>> = {
  includeAllergies: {
    name: "includeAllergies",
    part: [{ name: "includeResolvedAllergies", valueBoolean: false }],
  },
  includeMedication: {
    name: "includeMedication",
    part: [{ name: "includePrescriptionIssues", valueBoolean: true }],
  },
  includeConsultations: { name: "includeConsultations" },
  includeProblems: { name: "includeProblems" },
  includeImmunisations: { name: "includeImmunisations" },
  includeUncategorisedData: { name: "includeUncategorisedData" },
  includeInvestigations: { name: "includeInvestigations" },
  includeReferrals: { name: "includeReferrals" },
  includeDiaryEntries: { name: "includeDiaryEntries" },
};

/** Whether the profile's accepted parameters (`"all"` or a list of names) include `name`. */
export function accepts(accepted: "all" | readonly string[], name: string): boolean {
  return accepted === "all" || accepted.includes(name);
}

/**
 * The Parameters resource of Access Record Structured: the patient and the clinical areas asked for (default:
 * allergies without resolved ones, medication with issues), leaving out every parameter the gateway does not
 * accept; then `extra` parts (point-of-access consent), which the profile itself declared.
 */
export function structuredRecordParameters(
  nhsNumber: string,
  areas: readonly ClinicalAreaParameter[] = DEFAULT_AREAS,
  accepted: "all" | readonly string[] = "all",
  extra: readonly fhir.ParametersParameter[] = [],
): fhir.Parameters {
  const patient: fhir.ParametersParameter = {
    name: PATIENT_NHS_NUMBER_PARAMETER,
    valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
  };
  const asked = [patient, ...[...new Set(areas)].map((area) => AREA_PARAMETERS[area])];
  return {
    resourceType: "Parameters",
    parameter: [...asked.filter((p) => accepts(accepted, p.name ?? "")), ...extra],
  };
}

export interface ConsentStatement {
  readonly consent: ConsentAnswer;
  readonly reason?: string;
}

/** Point-of-access consent as Parameters parts (placement `parameter`); none when not asked. */
export function consentParameters(
  placement: ResolvedConsentPlacement | undefined,
  statement: ConsentStatement,
): fhir.ParametersParameter[] {
  if (placement?.in !== "parameter" || statement.consent === "not-asked") return [];
  const parts: fhir.ParametersParameter[] = [
    { name: placement.name, valueCode: placement.values[statement.consent] },
  ];
  if (statement.reason !== undefined && placement.reasonName !== undefined) {
    parts.push({ name: placement.reasonName, valueString: statement.reason });
  }
  return parts;
}

/** Point-of-access consent as headers (placement `headers`); none when not asked. */
export function consentHeaders(
  placement: ResolvedConsentPlacement | undefined,
  statement: ConsentStatement,
): Record<string, string> {
  if (placement?.in !== "headers" || statement.consent === "not-asked") return {};
  return {
    [placement.header.toLowerCase()]: placement.values[statement.consent],
    ...(statement.reason === undefined ? {} : { [placement.reasonHeader.toLowerCase()]: statement.reason }),
  };
}

/** The values a header template may use, per request. */
export interface HeaderValues {
  readonly traceId: string;
  readonly jwt: string;
  readonly consumer: { readonly ods: string; readonly asid: string };
}

/** The profile's own headers (lower-case names): GP Connect's, with the consumer's identity and JWT. */
export function profileHeaders(values: HeaderValues): Record<string, string> {
  return {
    "content-type": FHIR_JSON,
    accept: FHIR_JSON,
    [SSP_TRACE_ID]: values.traceId,
    [SSP_FROM]: values.consumer.asid,
    [SSP_INTERACTION_ID]: STRUCTURED_RECORD_INTERACTION,
    "ods-from": values.consumer.ods,
    authorization: `Bearer ${values.jwt}`,
  };
}

export interface ComposedHeaders {
  readonly headers: Record<string, string>;
  /** The values `${env:...}` gave: secrets. */
  readonly secrets: readonly string[];
}

/**
 * `base` with the manifest's header templates applied, names compared case-insensitively: a template replaces
 * the header of the same name, `null` removes it. Each template is expanded with the request's values.
 */
export function applyHeaderTemplates(
  base: Readonly<Record<string, string>>,
  templates: Readonly<Record<string, string | null>>,
  values: HeaderValues,
  env: NodeJS.ProcessEnv = process.env,
): ComposedHeaders {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) headers[name.toLowerCase()] = value;
  const secrets: string[] = [];
  const known = {
    traceId: values.traceId,
    jwt: values.jwt,
    "consumer.ods": values.consumer.ods,
    "consumer.asid": values.consumer.asid,
  };
  for (const [name, template] of Object.entries(templates)) {
    const key = name.toLowerCase();
    if (template === null) {
      delete headers[key];
      continue;
    }
    const expansion = expand(template, known, `north.headers.${name}`, env);
    headers[key] = expansion.text;
    secrets.push(...expansion.secrets);
  }
  return { headers, secrets };
}
