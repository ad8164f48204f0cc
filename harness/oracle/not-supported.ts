/**
 * The clinical areas a record says it left out, read with the harness's own code from GP Connect 1.6
 * ("Configuration for supported clinical areas"): a provider answering 200 puts in its Bundle a single
 * OperationOutcome with an issue for each parameter it did not process — severity `warning`, code
 * `not-supported`, a coding NOT_IMPLEMENTED under Spine-ErrorOrWarningCode-1 — whose `diagnostics` names the
 * parameter ("includeProblems").
 */
import { SPINE_ERROR_SYSTEM } from "../../gpconnect/error-codes.js";
import { resourcesOfType } from "./bundle.js";

/** One not-supported warning: the parameter it names and what it says. */
export interface NotSupportedWarning {
  readonly parameter: string;
  readonly text: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function isNotImplemented(details: unknown): boolean {
  if (!isObject(details) || !Array.isArray(details.coding)) return false;
  return details.coding.some(
    (coding) => isObject(coding) && coding.system === SPINE_ERROR_SYSTEM && coding.code === "NOT_IMPLEMENTED",
  );
}

/** Every not-supported warning of the Bundle's OperationOutcomes, in order. */
export function notSupportedWarnings(bundle: fhir.Bundle): NotSupportedWarning[] {
  return resourcesOfType<fhir.OperationOutcome>(bundle, "OperationOutcome").flatMap((outcome) =>
    (Array.isArray(outcome.issue) ? outcome.issue : []).flatMap((issue: unknown) => {
      if (!isObject(issue) || issue.severity !== "warning" || issue.code !== "not-supported") return [];
      if (!isNotImplemented(issue.details) || typeof issue.diagnostics !== "string") return [];
      const details = issue.details as { text?: unknown };
      return [
        { parameter: issue.diagnostics, text: typeof details.text === "string" ? details.text : undefined },
      ];
    }),
  );
}
