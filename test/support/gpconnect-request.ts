/**
 * Builders for GP Connect Access Record Structured requests, as a consumer (or a gateway) sends them:
 * the Parameters body and the Ssp headers with an unsigned JWT. Reusable by every test that plays a consumer.
 */
import { randomUUID } from "node:crypto";
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_ROLE_PROFILE_SYSTEM,
  SDS_USER_ID_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../../gpconnect/identifiers.js";

export interface StructuredRecordRequestOptions {
  readonly nhsNumber: string;
  /** Default https://fhir.nhs.uk/Id/nhs-number. */
  readonly nhsNumberSystem?: string;
  /** `true` means includeResolvedAllergies false. */
  readonly includeAllergies?: boolean | { readonly includeResolvedAllergies: boolean };
  /** `true` means the parameter with no parts. */
  readonly includeMedication?:
    | boolean
    | { readonly includePrescriptionIssues?: boolean; readonly medicationSearchFromDate?: string };
  /** Appended as given (other clinical areas, or deliberately wrong parameters). */
  readonly extraParameters?: readonly fhir.ParametersParameter[];
}

/**
 * Every clinical area of GP Connect Access Record Structured 1.6, unfiltered and with the widest options that
 * may all go in one request (the immunisation parts are left out: GP Connect forbids them beside consultations).
 */
export const EVERY_CLINICAL_AREA: readonly fhir.ParametersParameter[] = [
  { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: true }] },
  { name: "includeMedication", part: [{ name: "includePrescriptionIssues", valueBoolean: true }] },
  { name: "includeConsultations" },
  { name: "includeProblems" },
  { name: "includeImmunisations" },
  { name: "includeUncategorisedData" },
  { name: "includeInvestigations" },
  { name: "includeReferrals" },
  { name: "includeDiaryEntries" },
];

/**
 * The clinical-area parameters asked of every patient where answers are checked whole (the served bytes, the
 * answers' digest): every area alone, then every area at once, then narrower options (resolved allergies and
 * prescription issues left out, immunisations not given and dissent status asked for). The digest is over
 * the answers in this order: add to the end, or the figure changes.
 */
export const STRUCTURED_RECORD_QUESTIONS: readonly (readonly fhir.ParametersParameter[])[] = [
  ...EVERY_CLINICAL_AREA.map((area) => [area]),
  EVERY_CLINICAL_AREA,
  [
    { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: false }] },
    { name: "includeMedication", part: [{ name: "includePrescriptionIssues", valueBoolean: false }] },
    {
      name: "includeImmunisations",
      part: [
        { name: "includeNotGiven", valueBoolean: true },
        { name: "includeDissentStatus", valueBoolean: true },
      ],
    },
  ],
];

export function structuredRecordRequest(options: StructuredRecordRequestOptions): fhir.Parameters {
  const parameter: fhir.ParametersParameter[] = [
    {
      name: "patientNHSNumber",
      valueIdentifier: { system: options.nhsNumberSystem ?? NHS_NUMBER_SYSTEM, value: options.nhsNumber },
    },
  ];
  const allergies = options.includeAllergies;
  if (allergies !== undefined && allergies !== false) {
    const includeResolved = allergies === true ? false : allergies.includeResolvedAllergies;
    parameter.push({
      name: "includeAllergies",
      part: [{ name: "includeResolvedAllergies", valueBoolean: includeResolved }],
    });
  }
  const medication = options.includeMedication;
  if (medication !== undefined && medication !== false) {
    const part: fhir.ParametersParameter[] = [];
    if (medication !== true && medication.includePrescriptionIssues !== undefined) {
      part.push({ name: "includePrescriptionIssues", valueBoolean: medication.includePrescriptionIssues });
    }
    if (medication !== true && medication.medicationSearchFromDate !== undefined) {
      part.push({ name: "medicationSearchFromDate", valueDate: medication.medicationSearchFromDate });
    }
    parameter.push(part.length === 0 ? { name: "includeMedication" } : { name: "includeMedication", part });
  }
  parameter.push(...(options.extraParameters ?? []));
  return { resourceType: "Parameters", parameter };
}

export interface GpConnectHeaderOptions {
  readonly fromAsid: string;
  readonly toAsid: string;
  /** The provider endpoint the token is for (the JWT aud). */
  readonly audience: string;
  readonly traceId?: string;
  /** The consumer organisation's ODS code (default the harness's, Y99001). */
  readonly consumerOds?: string;
  /** Seconds since the epoch (default now). */
  readonly issuedAt?: number;
  /** Claims to add or replace (`undefined` removes one), for tests of bad tokens. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** JOSE header to use instead of {"alg":"none","typ":"JWT"}. */
  readonly jwtHeader?: Readonly<Record<string, unknown>>;
}

/** The claims GP Connect 1.6 requires, for a synthetic practitioner at the consumer organisation. */
export function gpConnectClaims(options: GpConnectHeaderOptions): Record<string, unknown> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const practitionerId = "gp-harness-clinician-1";
  const claims: Record<string, unknown> = {
    iss: "https://gp-harness.invalid",
    sub: practitionerId,
    aud: options.audience,
    exp: iat + 300,
    iat,
    reason_for_request: "directcare",
    requested_scope: "patient/*.read",
    requesting_device: {
      resourceType: "Device",
      identifier: [{ system: "https://gp-harness.invalid/Id/device", value: "gp-harness" }],
      model: "gp-harness",
      version: "0.1.0",
    },
    requesting_organization: {
      resourceType: "Organization",
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: options.consumerOds ?? "Y99001" }],
      name: "gp-harness consumer",
    },
    requesting_practitioner: {
      resourceType: "Practitioner",
      id: practitionerId,
      identifier: [
        { system: SDS_USER_ID_SYSTEM, value: "G9999991" },
        { system: SDS_ROLE_PROFILE_SYSTEM, value: "999999999991" },
      ],
      name: [{ family: "Harness", given: ["Clinician"], prefix: ["Dr"] }],
    },
  };
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}

/** An unsigned JWT ("header.payload." with alg none), as GP Connect consumers send. */
export function unsignedJwt(
  claims: Readonly<Record<string, unknown>>,
  jwtHeader: Readonly<Record<string, unknown>> = { alg: "none", typ: "JWT" },
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode(jwtHeader)}.${encode(claims)}.`;
}

/** Headers of a valid structured-record request to a provider. */
export function gpConnectHeaders(options: GpConnectHeaderOptions): Record<string, string> {
  return {
    "Content-Type": "application/fhir+json;charset=utf-8",
    Accept: "application/fhir+json",
    "Ssp-TraceID": options.traceId ?? randomUUID(),
    "Ssp-From": options.fromAsid,
    "Ssp-To": options.toAsid,
    "Ssp-InteractionID": STRUCTURED_RECORD_INTERACTION,
    Authorization: `Bearer ${unsignedJwt(gpConnectClaims(options), options.jwtHeader)}`,
  };
}
