/**
 * The answers the gateway gives when it does not pass a practice's answer through. Every one is a GP Connect
 * OperationOutcome carrying a Spine error code: the catalogue's own (gpconnect/error-codes.ts) with the
 * catalogue's status, or, for what the catalogue has no entry for (HTTP-level refusals, south failures), the
 * nearest catalogue code under the HTTP status that says what happened.
 */
import { GPC_ERRORS, type GpcErrorCode, SPINE_ERROR_SYSTEM } from "../gpconnect/error-codes.js";
import type { OperationOutcome } from "../gpconnect/fhir-stu3.js";
import { operationOutcome } from "../gpconnect/outcomes.js";

/** Thrown anywhere while handling a request; the app's error handler turns it into the reply. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome,
  ) {
    super(outcome.issue[0]?.diagnostics ?? `gateway error ${status}`);
    this.name = "GatewayError";
  }

  /** The Spine error code the answer carries. */
  get spineCode(): string | undefined {
    return spineCodeOf(this.outcome);
  }
}

/** A GP Connect catalogue error, with the catalogue's status. */
export function gpcError(code: GpcErrorCode, diagnostics: string): GatewayError {
  return new GatewayError(GPC_ERRORS[code].status, operationOutcome(code, diagnostics));
}

/** FHIR issue types the gateway uses where they say more than the catalogue's. */
export type GatewayIssueCode =
  | "transient"
  | "timeout"
  | "exception"
  | "not-found"
  | "not-supported"
  | "too-long"
  | "invalid";

/**
 * A catalogue code under another HTTP status and FHIR issue type, for what the catalogue does not list. By
 * default the nearest code: INTERNAL_SERVER_ERROR for a 5xx, NOT_IMPLEMENTED for no such route or method,
 * BAD_REQUEST for the rest.
 */
export function gatewayError(
  status: number,
  issueCode: GatewayIssueCode,
  diagnostics: string,
  code: GpcErrorCode = nearestCode(status),
): GatewayError {
  const outcome = operationOutcome(code, diagnostics);
  const [issue] = outcome.issue;
  return new GatewayError(status, { ...outcome, issue: issue ? [{ ...issue, code: issueCode }] : [] });
}

function nearestCode(status: number): GpcErrorCode {
  if (status >= 500) return "INTERNAL_SERVER_ERROR";
  return status === 404 || status === 405 ? "NOT_IMPLEMENTED" : "BAD_REQUEST";
}

/*
 * South failures. GP Connect's catalogue has no code for "the system behind me failed" or "it did not answer
 * in time": INTERNAL_SERVER_ERROR is its one code for a failure that is not the consumer's. The HTTP status
 * says which failure it was, as HTTP defines for a gateway (RFC 9110 §15.6.3 and §15.6.5) and as the Spine
 * Secure Proxy answers itself: 502 for no usable answer, 504 for no answer in time. A consumer reads either as
 * "try again later", where a 500 would suggest a defect in the gateway.
 */

/** A south service could not be reached (connection refused or reset): 502, transient. */
export function southUnreachable(diagnostics: string): GatewayError {
  return gatewayError(502, "transient", diagnostics);
}

/** A south service did not answer within its timeout, or the request's budget ran out: 504, timeout. */
export function southTimeout(diagnostics: string): GatewayError {
  return gatewayError(504, "timeout", diagnostics);
}

/** A south service answered something the gateway cannot use (malformed JSON, unexpected status): 502. */
export function southBadAnswer(diagnostics: string): GatewayError {
  return gatewayError(502, "exception", diagnostics);
}

const SPINE_CODE_SHAPE = /^[A-Z][A-Z_ ]{0,49}$/;

/** The Spine error code of an OperationOutcome's first issue that has one. */
export function spineCodeOf(outcome: unknown): string | undefined {
  const issues = (outcome as Partial<OperationOutcome> | null)?.issue;
  if (!Array.isArray(issues)) return undefined;
  for (const issue of issues) {
    const coding = issue?.details?.coding?.find((c) => c?.system === SPINE_ERROR_SYSTEM);
    // A code from another system is only repeated when it looks like one: it may be quoted in diagnostics.
    if (typeof coding?.code === "string" && SPINE_CODE_SHAPE.test(coding.code)) return coding.code;
  }
  return undefined;
}
