/**
 * Reading what a gateway asked a practice for, with the harness's own code: the Parameters body of
 * $gpc.getstructuredrecord (GP Connect 1.6 "Request operation"), where the patient is the valueIdentifier of
 * the `patientNHSNumber` parameter under the NHS number system.
 */
import { NHS_NUMBER_SYSTEM } from "../../gpconnect/identifiers.js";
import { PATIENT_NHS_NUMBER_PARAMETER } from "../../gpconnect/parameters.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A request path naming the structured-record operation, whatever the base before it. */
export const STRUCTURED_RECORD_OPERATION_PATH = /\/Patient\/\$gpc\.getstructuredrecord$/i;

/** The NHS numbers a Parameters body asks about: every patientNHSNumber identifier under the NHS number system. */
export function nhsNumbersAskedFor(body: unknown): string[] {
  if (!isObject(body) || body.resourceType !== "Parameters" || !Array.isArray(body.parameter)) return [];
  return body.parameter.flatMap((parameter: unknown) => {
    if (!isObject(parameter) || parameter.name !== PATIENT_NHS_NUMBER_PARAMETER) return [];
    const identifier = parameter.valueIdentifier;
    if (!isObject(identifier) || identifier.system !== NHS_NUMBER_SYSTEM) return [];
    return typeof identifier.value === "string" ? [identifier.value] : [];
  });
}

/** Whether a request names `text` (an NHS number, an ODS code) in its path or its query. */
export function requestNames(
  request: { readonly path: string; readonly query: Readonly<Record<string, unknown>> },
  text: string,
): boolean {
  return request.path.includes(text) || JSON.stringify(request.query).includes(text);
}
