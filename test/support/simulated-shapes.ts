/**
 * The shape paths the simulated practices of one supplier write, over a sample of patients: every trait on
 * its own, and ordinary patients of every age, each asked for the fullest structured record.
 */
import { fullRecordRequest } from "../../bench/full-record-request.js";
import { createPopulation } from "../../simulators/population/population.js";
import { type ClinicalSystem, TRAITS } from "../../simulators/population/types.js";
import { flavourOf } from "../../simulators/practices/index.js";
import { structuredRecordBundle } from "../../simulators/practices/structured-bundle.js";
import { shapePaths } from "./shape-paths.js";

/**
 * Traits left out of the sample: those whose patients a practice answers with an error, not a record, and
 * `unusual-content`, which writes what real records do not carry by design (extensions and code systems no
 * supplier uses).
 */
const REFUSED_TRAITS = new Set([
  "dissent",
  "deceased",
  "sensitive-patient",
  "inactive-registration",
  "unusual-content",
]);

export function simulatedShapes(system: ClinicalSystem, ordinaryPatients = 80): Set<string> {
  const population = createPopulation({ seed: 7, practices: 4, patientsPerPractice: ordinaryPatients });
  const practice = population.practices().find((p) => p.system === system) ?? population.addPractice(system);
  const patients = [
    ...Array.from({ length: Math.min(ordinaryPatients, practice.listSize) }, (_, i) =>
      population.patient(practice.ods, i),
    ),
    ...TRAITS.filter((t) => !REFUSED_TRAITS.has(t)).map((trait) =>
      population.addPatient(practice.ods, [trait]),
    ),
  ];
  const paths = new Set<string>();
  for (const patient of patients) {
    const { query } = fullRecordRequest(patient.nhsNumber, population.referenceDate);
    const bundle = structuredRecordBundle({
      seed: population.seed,
      practice,
      patient,
      query: { ...query, nhsNumber: patient.nhsNumber },
      flavour: flavourOf(practice.system),
      asOf: population.referenceDate,
    });
    for (const path of shapePaths(bundle)) paths.add(path);
  }
  return paths;
}
