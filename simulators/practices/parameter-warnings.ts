/**
 * The warning a GP Connect provider adds to the Bundle it answers 200 when it did not process everything it
 * was asked for: parameters or part parameters it does not recognise (GP Connect 1.6 "API Version
 * Compatibility", forwards compatibility; the shape of the specification's example
 * consultations_forwards_response1.json) and clinical areas switched off at the practice (GP Connect 1.6
 * "Configuration for supported clinical areas"). Both go in the same single OperationOutcome.
 */
import { createHash } from "node:crypto";
import type { Bundle, OperationOutcome } from "../../gpconnect/fhir-stu3.js";
import { type OutcomeWarning, warningOutcome } from "../../gpconnect/outcomes.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { UnrecognisedParameter } from "./structured-query.js";

/** What a request asked for that the answer leaves out. */
export interface UnprocessedParameters {
  /** Unknown parameters and parts, named "includeFoo" or "includeMedication.someNewPart". */
  readonly unrecognised: readonly UnrecognisedParameter[];
  /** Clinical areas asked for and switched off at the practice. */
  readonly disabled: readonly ClinicalAreaParameter[];
}

/**
 * "include a single OperationOutcome with an issue for each unsupported parameter or part parameter where
 * issue.code = not-supported, issue.severity = warning, [...] issue.details.coding.code = NOT_IMPLEMENTED,
 * issue.details.coding.display = Not implemented"; an unknown one has "issue.details.text = <parameter-name>
 * is an unrecognised parameter, issue.diagnostics = <parameter-name>" (for a part, <parameter-name>.<part>),
 * a disabled area the text "<parameter-name> has been disabled" (the specification's includeProblems example).
 * Unknown names come first, then disabled areas.
 */
export function parameterWarningsOutcome(unprocessed: UnprocessedParameters, id: string): OperationOutcome {
  const warnings: OutcomeWarning[] = [
    ...unprocessed.unrecognised.map((name) => ({
      text: `${name} is an unrecognised parameter`,
      diagnostics: name,
    })),
    ...unprocessed.disabled.map((name) => ({ text: `${name} has been disabled`, diagnostics: name })),
  ];
  return warningOutcome("NOT_IMPLEMENTED", warnings, id);
}

/**
 * `bundle` with the warning as its last entry (or `bundle` itself when everything was processed). The
 * OperationOutcome's id is derived from the Bundle's and the warnings, so the same request to the same
 * configuration gets the same answer.
 */
export function withParameterWarnings(bundle: Bundle, unprocessed: UnprocessedParameters): Bundle {
  if (unprocessed.unrecognised.length === 0 && unprocessed.disabled.length === 0) return bundle;
  const hex = createHash("sha256")
    .update(JSON.stringify([bundle.id ?? "", unprocessed.unrecognised, unprocessed.disabled]))
    .digest("hex");
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return {
    ...bundle,
    entry: [...(bundle.entry ?? []), { resource: parameterWarningsOutcome(unprocessed, id) }],
  };
}
