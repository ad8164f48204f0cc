/**
 * The SDS error catalogue: every error the SDS simulator answers, with its HTTP status, FHIR issue type
 * and display, as the SDS FHIR API's service (NHS Digital's spine-directory-service) gives them.
 */
import type { R4OperationOutcome } from "./fhir-r4.js";

/** The real SDS codes its errors in this value set (STU3 naming, although the API is R4). */
export const SDS_ERROR_SYSTEM = "https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1";

export const SDS_ERRORS = {
  /** A query parameter is missing, unknown, or lacks its identifier system. */
  BAD_REQUEST: { status: 400, issueCode: "required", display: "Bad request" },
  /** No `apikey` header: the API platform refuses the call before SDS sees it. */
  ACCESS_DENIED: {
    status: 401,
    issueCode: "security",
    display: "Access has been denied to process this request",
  },
  /** A path SDS does not serve. */
  NO_RECORD_FOUND: { status: 404, issueCode: "not-found", display: "No record found" },
  /** A method other than GET. */
  NOT_IMPLEMENTED: { status: 405, issueCode: "not-supported", display: "Not implemented" },
  /** A request body larger than the simulator reads (SDS takes none). */
  PAYLOAD_TOO_LARGE: { status: 413, issueCode: "too-long", display: "Request body too large" },
  // The failures below are the API's documented 5xx answers; only a fault set on the SDS simulator
  // produces them.
  /** "Unhandled internal server error". */
  INTERNAL_SERVER_ERROR: { status: 500, issueCode: "exception", display: "Internal server error" },
  /** "Upstream LDAP returned an unsupported response". */
  BAD_GATEWAY: { status: 502, issueCode: "exception", display: "Bad gateway" },
  /** "Upstream LDAP server request has timed out". */
  GATEWAY_TIMEOUT: { status: 504, issueCode: "timeout", display: "Gateway timeout" },
} as const satisfies Record<string, { status: number; issueCode: string; display: string }>;

export type SdsErrorCode = keyof typeof SDS_ERRORS;

export function sdsOperationOutcome(code: SdsErrorCode, diagnostics: string): R4OperationOutcome {
  const entry = SDS_ERRORS[code];
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "error",
        code: entry.issueCode,
        details: { coding: [{ system: SDS_ERROR_SYSTEM, code, display: entry.display }] },
        diagnostics,
      },
    ],
  };
}
