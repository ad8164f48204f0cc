/**
 * The fullest structured-record request the simulated practices accept: every clinical area of GP Connect
 * Access Record Structured 1.6, each with the widest options, minus any area the practices do not serve yet
 * (tried one by one, so the benchmarks follow the practices as they grow).
 */
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import {
  flavourOf,
  type Population,
  type Practice,
  parseStructuredRecordParameters,
  type StructuredRecordQuery,
  structuredRecordBundle,
} from "../simulators/index.js";
import { EVERY_CLINICAL_AREA } from "../test/support/gpconnect-request.js";

/** Everything, with no filters: resolved allergies, prescription issues, all problems, all consultations... */
const CLINICAL_AREAS = EVERY_CLINICAL_AREA;

export interface FullRecordRequest {
  readonly body: fhir.Parameters;
  readonly query: StructuredRecordQuery;
  /** Clinical areas asked for. */
  readonly areas: readonly string[];
  /** Clinical areas left out because the practices refuse them (e.g. not implemented yet). */
  readonly refused: readonly string[];
}

export function fullRecordRequest(nhsNumber: string, today: string): FullRecordRequest {
  const patientParameter: fhir.ParametersParameter = {
    name: "patientNHSNumber",
    valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
  };
  const parameters = (areas: readonly fhir.ParametersParameter[]): fhir.Parameters => ({
    resourceType: "Parameters",
    parameter: [patientParameter, ...areas],
  });
  const accepted = CLINICAL_AREAS.filter(
    (area) => parseStructuredRecordParameters(parameters([area]), today).ok,
  );
  const body = parameters(accepted);
  const parsed = parseStructuredRecordParameters(body, today);
  if (!parsed.ok) throw new Error(`the practices refuse the full-record request: ${JSON.stringify(parsed)}`);
  return {
    body,
    query: parsed.value,
    areas: accepted.map((area) => area.name),
    refused: CLINICAL_AREAS.filter((area) => !accepted.includes(area)).map((area) => area.name),
  };
}

/** The Bundle `practice` serves for `request` about its patient at `index` in the list, as objects. */
export function fullRecordBundle(
  population: Population,
  request: FullRecordRequest,
  practice: Practice,
  index: number,
): fhir.Bundle {
  const patient = population.patient(practice.ods, index);
  return structuredRecordBundle({
    seed: population.seed,
    practice,
    patient,
    query: { ...request.query, nhsNumber: patient.nhsNumber },
    flavour: flavourOf(practice.system),
    asOf: population.referenceDate,
  });
}
