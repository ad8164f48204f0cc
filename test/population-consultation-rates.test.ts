/**
 * How often a record shows the patient consulting: in the last three years, as often as patients of that age
 * and sex consult in English general practice (about 5.5 a year overall, about 13.5 at 85 and over; women
 * more than men between 16 and 60, alike in old age), counted from the structured records the practices serve.
 */
import { describe, expect, it } from "vitest";
import { fullRecordRequest } from "../bench/full-record-request.js";
import { createPopulation, flavourOf, structuredRecordBundle } from "../simulators/index.js";
import type { Practice, SyntheticPatient } from "../simulators/population/types.js";

const REFERENCE_DATE = "2026-06-01";
const THREE_YEARS_BEFORE = "2023-06-01";

const population = createPopulation({
  seed: 33,
  referenceDate: REFERENCE_DATE,
  practices: 4,
  patientsPerPractice: 600,
  emisShare: 0.5,
});

interface Sampled {
  readonly age: number;
  readonly gender: string;
  /** Encounters in the served record dated within the last three years, per year. */
  readonly perYear: number;
}

/** Registered for the whole three years and born before them, so three full years are on record. */
function sampled(practice: Practice, patient: SyntheticPatient): Sampled | undefined {
  if (patient.registeredSince > THREE_YEARS_BEFORE || patient.birthDate > THREE_YEARS_BEFORE)
    return undefined;
  const bundle = structuredRecordBundle({
    seed: population.seed,
    practice,
    patient,
    query: fullRecordRequest(patient.nhsNumber, REFERENCE_DATE).query,
    flavour: flavourOf(practice.system),
    asOf: REFERENCE_DATE,
  });
  const encounters = (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((r): r is fhir.Encounter => r?.resourceType === "Encounter")
    .filter((e) => (e.period?.start ?? "").slice(0, 10) >= THREE_YEARS_BEFORE);
  const age = Number(REFERENCE_DATE.slice(0, 4)) - Number(patient.birthDate.slice(0, 4));
  return { age, gender: patient.gender, perYear: encounters.length / 3 };
}

const sample: Sampled[] = population
  .practices()
  .flatMap((practice) =>
    Array.from({ length: practice.listSize }, (_, i) =>
      sampled(practice, population.patient(practice.ods, i)),
    ),
  )
  .filter((s): s is Sampled => s !== undefined);

function meanRate(test: (s: Sampled) => boolean): number {
  const group = sample.filter(test);
  expect(group.length, "patients in the group").toBeGreaterThan(20);
  return group.reduce((sum, s) => sum + s.perYear, 0) / group.length;
}

describe("consultations in a record", () => {
  it("average about five a year, as English general practice's patients consult", () => {
    const overall = meanRate(() => true);
    expect(overall).toBeGreaterThan(4);
    expect(overall).toBeLessThan(7);
  });

  it("rise with age: patients over 75 consult several times as often as young adults", () => {
    const young = meanRate((s) => s.age >= 16 && s.age < 45);
    const old = meanRate((s) => s.age >= 75);
    expect(old).toBeGreaterThan(9);
    expect(old / young).toBeGreaterThan(2);
  });

  it("are more frequent for women than for men of working age, and alike for the oldest", () => {
    const women = meanRate((s) => s.age >= 16 && s.age < 60 && s.gender === "female");
    const men = meanRate((s) => s.age >= 16 && s.age < 60 && s.gender === "male");
    expect(women / men).toBeGreaterThan(1.3);
    const oldWomen = meanRate((s) => s.age >= 75 && s.gender === "female");
    const oldMen = meanRate((s) => s.age >= 75 && s.gender === "male");
    expect(Math.abs(oldWomen / oldMen - 1)).toBeLessThan(0.25);
  });
});
