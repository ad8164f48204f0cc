/**
 * Reading a gateway's OperationOutcome as GP Connect 1.6 specifies it ("Error handling"), with the harness's
 * own code: a Spine error or warning code is the `code` of a `details.coding` whose `system` is exactly
 * Spine-ErrorOrWarningCode-1. A code under any other system, or with no system, is not a Spine code, however
 * familiar it looks: a consumer keyed on the system would not recognise it.
 */
import { SPINE_ERROR_SYSTEM } from "../../gpconnect/error-codes.js";

interface Coding {
  readonly system?: unknown;
  readonly code?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The issues of an OperationOutcome, or undefined when the body is not one. */
function issuesOf(body: unknown): readonly unknown[] | undefined {
  if (!isObject(body) || body.resourceType !== "OperationOutcome" || !Array.isArray(body.issue))
    return undefined;
  return body.issue;
}

/** The Spine codes of one issue: codings under the Spine system with a non-empty string code. */
function spineCodesOf(issue: unknown): string[] {
  if (!isObject(issue) || !isObject(issue.details) || !Array.isArray(issue.details.coding)) return [];
  return (issue.details.coding as unknown[])
    .filter((coding): coding is Coding => isObject(coding) && coding.system === SPINE_ERROR_SYSTEM)
    .flatMap((coding) => (typeof coding.code === "string" && coding.code !== "" ? [coding.code] : []));
}

/**
 * The Spine error code of an OperationOutcome: the first issue's code under the Spine system. Undefined when
 * the body is not an OperationOutcome or no issue carries a code under that system.
 */
export function spineErrorCode(body: unknown): string | undefined {
  for (const issue of issuesOf(body) ?? []) {
    const [code] = spineCodesOf(issue);
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * Codes that look like Spine codes but are not, for the evidence: `code` of codings under another system or
 * none ("INVALID_NHS_NUMBER under http://example.org").
 */
export function codesUnderOtherSystems(body: unknown): string[] {
  const seen: string[] = [];
  for (const issue of issuesOf(body) ?? []) {
    if (!isObject(issue) || !isObject(issue.details) || !Array.isArray(issue.details.coding)) continue;
    for (const coding of issue.details.coding as unknown[]) {
      if (!isObject(coding) || coding.system === SPINE_ERROR_SYSTEM || typeof coding.code !== "string")
        continue;
      seen.push(`${coding.code} under ${typeof coding.system === "string" ? coding.system : "no system"}`);
    }
  }
  return seen;
}
