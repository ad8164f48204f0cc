/**
 * The warning a GP Connect provider adds to the Bundle it answers when the request carried parameters or
 * part parameters it did not process (GP Connect 1.6 "API Version Compatibility", forwards compatibility;
 * the same shape as the example consultations_forwards_response1.json of the specification).
 */
import { createHash } from "node:crypto";
import { warningOutcome } from "../gpconnect/errors.js";
import type { Bundle, OperationOutcome } from "../gpconnect/fhir-stu3.js";
import type { UnrecognisedParameter } from "./structured-parameters.js";

/**
 * "include a single OperationOutcome with an issue for each unsupported parameter or part parameter where
 * issue.code = not-supported, issue.severity = warning, [...] issue.details.coding.code = NOT_IMPLEMENTED,
 * issue.details.coding.display = Not implemented"; "issue.details.text = <parameter-name> is an
 * unrecognised parameter, issue.diagnostics = <parameter-name>" (for a part, <parameter-name>.<part-name>).
 */
export function unrecognisedParametersOutcome(
  unrecognised: readonly UnrecognisedParameter[],
  id: string,
): OperationOutcome {
  return warningOutcome(
    "NOT_IMPLEMENTED",
    unrecognised.map((name) => ({ text: `${name} is an unrecognised parameter`, diagnostics: name })),
    id,
  );
}

/**
 * `bundle` with the warning as its last entry (or `bundle` itself when nothing went unrecognised). The
 * OperationOutcome's id is derived from the Bundle's and the names, so the same request gets the same answer.
 */
export function withUnrecognisedParameters(
  bundle: Bundle,
  unrecognised: readonly UnrecognisedParameter[],
): Bundle {
  if (unrecognised.length === 0) return bundle;
  const hex = createHash("sha256")
    .update(JSON.stringify([bundle.id ?? "", ...unrecognised]))
    .digest("hex");
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return {
    ...bundle,
    entry: [...(bundle.entry ?? []), { resource: unrecognisedParametersOutcome(unrecognised, id) }],
  };
}
