/**
 * The GP Connect / Spine error catalogue: every error a GP Connect provider (and the reference gateway)
 * can answer, with its HTTP status, FHIR issue type and display, in one place.
 * Codes and statuses as GP Connect 1.6 "Error handling" lists them.
 */
import type { OperationOutcome } from "./fhir-stu3.js";

export const SPINE_ERROR_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1";
export const OPERATION_OUTCOME_PROFILE =
  "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1";

export const GPC_ERRORS = {
  INVALID_IDENTIFIER_SYSTEM: { status: 400, issueCode: "invalid", display: "Invalid identifier system" },
  INVALID_IDENTIFIER_VALUE: { status: 400, issueCode: "invalid", display: "Invalid identifier value" },
  INVALID_NHS_NUMBER: { status: 400, issueCode: "value", display: "Invalid NHS number" },
  INVALID_PATIENT_DEMOGRAPHICS: {
    status: 400,
    issueCode: "invalid",
    display: "Invalid patient demographics",
  },
  BAD_REQUEST: { status: 400, issueCode: "invalid", display: "Bad request" },
  NO_PATIENT_CONSENT: {
    status: 403,
    issueCode: "forbidden",
    display: "Patient has not provided consent to share data",
  },
  NO_ORGANISATION_CONSENT: {
    status: 403,
    issueCode: "forbidden",
    display: "Organisation has not provided consent to share data",
  },
  "ACCESS DENIED": { status: 403, issueCode: "forbidden", display: "Access denied" },
  NO_RELATIONSHIP: { status: 403, issueCode: "forbidden", display: "No legitimate relationship" },
  PATIENT_NOT_FOUND: { status: 404, issueCode: "not-found", display: "Patient not found" },
  ORGANISATION_NOT_FOUND: { status: 404, issueCode: "not-found", display: "Organisation not found" },
  NO_RECORD_FOUND: { status: 404, issueCode: "not-found", display: "No record found" },
  INVALID_RESOURCE: { status: 422, issueCode: "invalid", display: "Invalid resource" },
  INVALID_PARAMETER: { status: 422, issueCode: "invalid", display: "Invalid parameter" },
  REFERENCE_NOT_FOUND: { status: 422, issueCode: "invalid", display: "Reference not found" },
  INTERNAL_SERVER_ERROR: { status: 500, issueCode: "exception", display: "Internal server error" },
  NOT_IMPLEMENTED: { status: 501, issueCode: "not-supported", display: "Not implemented" },
} as const satisfies Record<string, { status: number; issueCode: string; display: string }>;

export type GpcErrorCode = keyof typeof GPC_ERRORS;

export function isGpcErrorCode(code: string): code is GpcErrorCode {
  return Object.hasOwn(GPC_ERRORS, code);
}

/** An OperationOutcome as GP Connect sends one: one issue, the Spine error code, and diagnostics. */
export function operationOutcome(code: GpcErrorCode, diagnostics: string): OperationOutcome {
  const entry = GPC_ERRORS[code];
  return {
    resourceType: "OperationOutcome",
    meta: { profile: [OPERATION_OUTCOME_PROFILE] },
    issue: [
      {
        severity: "error",
        code: entry.issueCode,
        details: { coding: [{ system: SPINE_ERROR_SYSTEM, code, display: entry.display }] },
        diagnostics,
      },
    ],
  };
}

/** One warning of an OperationOutcome: what a consumer shows (`text`) and what it names (`diagnostics`). */
export interface OutcomeWarning {
  readonly text: string;
  readonly diagnostics: string;
}

/**
 * An OperationOutcome of warnings sharing one Spine code, as GP Connect puts one inside a Bundle it answers
 * 200 with (for example the parameters a provider did not process): one issue per warning.
 */
export function warningOutcome(
  code: GpcErrorCode,
  warnings: readonly OutcomeWarning[],
  id?: string,
): OperationOutcome {
  const entry = GPC_ERRORS[code];
  return {
    resourceType: "OperationOutcome",
    ...(id === undefined ? {} : { id }),
    meta: { profile: [OPERATION_OUTCOME_PROFILE] },
    issue: warnings.map(({ text, diagnostics }) => ({
      severity: "warning",
      code: entry.issueCode,
      details: { coding: [{ system: SPINE_ERROR_SYSTEM, code, display: entry.display }], text },
      diagnostics,
    })),
  };
}

/** The Spine error code of an OperationOutcome, or undefined when it carries none. */
export function spineErrorCode(body: unknown): string | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const outcome = body as { resourceType?: unknown; issue?: unknown };
  if (outcome.resourceType !== "OperationOutcome" || !Array.isArray(outcome.issue)) return undefined;
  for (const issue of outcome.issue as Array<{
    details?: { coding?: Array<{ system?: string; code?: string }> };
  }>) {
    const coding =
      issue?.details?.coding?.find((c) => c?.system === SPINE_ERROR_SYSTEM) ?? issue?.details?.coding?.[0];
    if (typeof coding?.code === "string") return coding.code;
  }
  return undefined;
}
