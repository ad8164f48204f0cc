/**
 * The GP Connect / Spine error catalogue: every error a GP Connect provider (and the reference gateway)
 * can answer, with its HTTP status, FHIR issue type and display, in one place.
 * Codes and statuses as GP Connect 1.6 "Error handling" lists them.
 */

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
