/**
 * OperationOutcomes as GP Connect providers write them, built from the error catalogue: what the simulated
 * practices and the reference gateway answer. (The harness reads answers with its own code: see harness/oracle.)
 */
import {
  GPC_ERRORS,
  type GpcErrorCode,
  OPERATION_OUTCOME_PROFILE,
  SPINE_ERROR_SYSTEM,
} from "./error-codes.js";
import type { OperationOutcome } from "./fhir-stu3.js";

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
