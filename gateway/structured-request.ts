/**
 * The north request of Access Record Structured, checked before any south call: a Parameters resource with
 * exactly one patientNHSNumber whose NHS number is well formed. The other parameters are the practice's to
 * judge, and its answer is passed through.
 */

import type { Parameters } from "../gpconnect/fhir-stu3.js";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { PATIENT_NHS_NUMBER_PARAMETER } from "../gpconnect/parameters.js";
import { isJsonObject, parseJson } from "./json-values.js";
import { gpcError } from "./outcomes.js";

export interface StructuredRecordRequest {
  readonly nhsNumber: string;
  /** The consumer's Parameters, forwarded to the practice unchanged. */
  readonly parameters: Parameters;
}

/** Checks the raw north body; throws the GP Connect catalogue error for the first problem found. */
export function readStructuredRecordRequest(body: unknown): StructuredRecordRequest {
  if (typeof body !== "string" || body.trim() === "") {
    throw gpcError("BAD_REQUEST", "The request body must be a FHIR Parameters resource in JSON");
  }
  const parsed = parseJson(body);
  if (!parsed.ok) throw gpcError("BAD_REQUEST", "The request body is not valid JSON");
  const resource = parsed.value;
  if (!isJsonObject(resource) || resource.resourceType !== "Parameters") {
    throw gpcError("INVALID_RESOURCE", "The request body must be a FHIR Parameters resource");
  }
  if (
    !Array.isArray(resource.parameter) ||
    !resource.parameter.every((p) => isJsonObject(p) && typeof p.name === "string")
  ) {
    throw gpcError("INVALID_RESOURCE", "Parameters.parameter must be a list of named parameters");
  }
  const parameters = resource as unknown as Parameters;
  const nhsNumberParameters = (parameters.parameter ?? []).filter(
    (p) => p.name === PATIENT_NHS_NUMBER_PARAMETER,
  );
  if (nhsNumberParameters.length !== 1) {
    throw gpcError(
      "INVALID_PARAMETER",
      `Exactly one patientNHSNumber parameter is required, found ${nhsNumberParameters.length}`,
    );
  }
  const identifier: unknown = nhsNumberParameters[0]?.valueIdentifier;
  if (!isJsonObject(identifier)) {
    throw gpcError("INVALID_PARAMETER", "patientNHSNumber must carry a valueIdentifier");
  }
  if (identifier.system !== NHS_NUMBER_SYSTEM) {
    throw gpcError("INVALID_IDENTIFIER_SYSTEM", `patientNHSNumber must use the system ${NHS_NUMBER_SYSTEM}`);
  }
  const nhsNumber = identifier.value;
  if (typeof nhsNumber !== "string" || !isValidNhsNumber(nhsNumber)) {
    throw gpcError("INVALID_NHS_NUMBER", `"${String(nhsNumber).slice(0, 20)}" is not a valid NHS number`);
  }
  return { nhsNumber, parameters };
}

/** Ten digits whose last is the modulus-11 check digit of the first nine (weights 10..2; 11 → 0; 10 → invalid). */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  let weightedSum = 0;
  for (let position = 0; position < 9; position++) weightedSum += Number(value[position]) * (10 - position);
  const check = 11 - (weightedSum % 11);
  const checkDigit = check === 11 ? 0 : check;
  return checkDigit !== 10 && checkDigit === Number(value[9]);
}

/** The Parameters asking for `nhsNumber` instead: the consumer's, with the patient's identifier replaced. */
export function forPatient(parameters: Parameters, nhsNumber: string): Parameters {
  return {
    ...parameters,
    parameter: (parameters.parameter ?? []).map((parameter) =>
      parameter.name === PATIENT_NHS_NUMBER_PARAMETER
        ? { ...parameter, valueIdentifier: { ...parameter.valueIdentifier, value: nhsNumber } }
        : parameter,
    ),
  };
}
