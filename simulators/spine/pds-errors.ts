/**
 * The PDS error catalogue: every error the PDS simulator answers, with its HTTP status, FHIR issue type
 * and display, as the PDS FHIR R4 API (personal-demographics.yaml and its sandbox) gives them.
 */
import type { R4OperationOutcome } from "./fhir-r4.js";

/** PDS answers R4 OperationOutcomes coded in the R4 Spine code system, version "1". */
export const PDS_ERROR_SYSTEM = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";

export const PDS_ERRORS = {
  /**
   * X-Request-ID missing. The contract (and PDS's sandbox) answer 412 PRECONDITION_FAILED; the newest
   * PDS table answers 400 MISSING_VALUE instead, which a gateway sending the header never meets.
   */
  PRECONDITION_FAILED: {
    status: 412,
    issueCode: "structure",
    display: "Required condition was not fulfilled",
  },
  /** A header has a value of the wrong form (X-Request-ID not a UUID). */
  INVALID_VALUE: { status: 400, issueCode: "value", display: "Provided value is invalid" },
  /** The NHS number in the path is not ten digits with a valid modulus-11 check digit. */
  INVALID_RESOURCE_ID: { status: 400, issueCode: "value", display: "Resource Id is invalid" },
  /** No NHS number in the path (a search, which the simulator does not offer). */
  UNSUPPORTED_SERVICE: { status: 400, issueCode: "processing", display: "Unsupported Service" },
  /** A valid NHS number that no patient has, or a path PDS does not serve. */
  RESOURCE_NOT_FOUND: { status: 404, issueCode: "not-found", display: "Resource not found" },
  /** A method the path does not support (PDS reads are GET only here). */
  METHOD_NOT_ALLOWED: { status: 405, issueCode: "not-supported", display: "Method not allowed" },
  /** A request body larger than the simulator reads. */
  PAYLOAD_TOO_LARGE: { status: 413, issueCode: "too-long", display: "Request body too large" },
  // The failures below are what the API platform answers when PDS itself is in trouble; only a fault
  // set on the PDS simulator produces them.
  /** The caller sent too many requests (spike arrest). */
  TOO_MANY_REQUESTS: { status: 429, issueCode: "throttled", display: "Too many requests" },
  /** PDS failed while answering. */
  INTERNAL_SERVER_ERROR: { status: 500, issueCode: "exception", display: "Internal server error" },
  /** PDS is down or overloaded. */
  SERVICE_UNAVAILABLE: { status: 503, issueCode: "transient", display: "Service unavailable" },
  /** The Spine back end did not answer in time. */
  TIMEOUT: { status: 504, issueCode: "timeout", display: "Request timed out" },
} as const satisfies Record<string, { status: number; issueCode: string; display: string }>;

export type PdsErrorCode = keyof typeof PDS_ERRORS;

/** An OperationOutcome as PDS sends one: one issue, the PDS error code, and diagnostics when given. */
export function pdsOperationOutcome(code: PdsErrorCode, diagnostics?: string): R4OperationOutcome {
  const entry = PDS_ERRORS[code];
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "error",
        code: entry.issueCode,
        details: { coding: [{ system: PDS_ERROR_SYSTEM, version: "1", code, display: entry.display }] },
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
    ],
  };
}
