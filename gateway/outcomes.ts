/**
 * The answers the gateway gives when it does not pass a practice's answer through: GP Connect catalogue
 * errors (gpconnect/outcomes.ts), and the gateway's own HTTP-level and south-failure outcomes,
 * which have no Spine error code because GP Connect defines none for them.
 */
import { GPC_ERRORS, type GpcErrorCode, OPERATION_OUTCOME_PROFILE } from "../gpconnect/error-codes.js";
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
}

/** A GP Connect catalogue error, with the catalogue's status. */
export function gpcError(code: GpcErrorCode, diagnostics: string): GatewayError {
  return new GatewayError(GPC_ERRORS[code].status, operationOutcome(code, diagnostics));
}

/** FHIR issue types the gateway uses for errors outside the GP Connect catalogue. */
export type GatewayIssueCode =
  | "transient"
  | "timeout"
  | "exception"
  | "not-found"
  | "not-supported"
  | "too-long"
  | "invalid";

/** An OperationOutcome in the GP Connect shape but without a Spine error code. */
export function gatewayError(status: number, issueCode: GatewayIssueCode, diagnostics: string): GatewayError {
  return new GatewayError(status, {
    resourceType: "OperationOutcome",
    meta: { profile: [OPERATION_OUTCOME_PROFILE] },
    issue: [{ severity: "error", code: issueCode, diagnostics }],
  });
}

/** A south service could not be reached (connection refused or reset): 502, transient. */
export function southUnreachable(diagnostics: string): GatewayError {
  return gatewayError(502, "transient", diagnostics);
}

/** A south service did not answer within its budget: 504, timeout. */
export function southTimeout(diagnostics: string): GatewayError {
  return gatewayError(504, "timeout", diagnostics);
}

/** A south service answered something the gateway cannot use (malformed JSON, unexpected status): 502. */
export function southBadAnswer(diagnostics: string): GatewayError {
  return gatewayError(502, "exception", diagnostics);
}
