/**
 * Medication records as full as real ones: counts that follow age and sex as the Health Survey for England
 * reports, past courses beside current ones, stopped medicines with their reasons, re-authorised repeats, and
 * each supplier's way of writing them (as its real records in ../shared/reference/gpconnect-records do).
 */
import { describe, expect, it } from "vitest";
import { fullRecordRequest } from "../bench/full-record-request.js";
import { MEDICATION_EXTENSIONS } from "../gpconnect/profiles.js";
import { createPopulation, flavourOf, structuredRecordBundle } from "../simulators/index.js";
import type { Practice, SyntheticPatient } from "../simulators/population/types.js";

const REFERENCE_DATE = "2026-06-01";
const REPEAT_INFORMATION =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationRepeatInformation-1";

const population = createPopulation({
  seed: 21,
  referenceDate: REFERENCE_DATE,
  practices: 4,
  patientsPerPractice: 1500,
  emisShare: 0.5,
});
const patients: SyntheticPatient[] = population
  .practices()
  .flatMap((p) => Array.from({ length: p.listSize }, (_, i) => population.patient(p.ods, i)));
const ageOf = (p: SyntheticPatient) => Number(REFERENCE_DATE.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
const current = (p: SyntheticPatient) => p.medications.filter((m) => m.status === "active").length;
const share = (items: SyntheticPatient[], test: (p: SyntheticPatient) => boolean) =>
  items.filter(test).length / items.length;

function render(practice: Practice, patient: SyntheticPatient): fhir.Bundle {
  const request = fullRecordRequest(patient.nhsNumber, REFERENCE_DATE);
  return structuredRecordBundle({
    seed: population.seed,
    practice,
    patient,
    query: request.query,
    flavour: flavourOf(practice.system),
    asOf: REFERENCE_DATE,
  });
}

const ofType = <T extends fhir.Resource>(bundle: fhir.Bundle, type: string) =>
  (bundle.entry ?? []).map((e) => e.resource).filter((r): r is T => r?.resourceType === type);

describe("how many medicines a record holds", () => {
  it("rises with age as the survey's shares do: few young adults on any, most over 75 on several", () => {
    const young = patients.filter((p) => ageOf(p) >= 16 && ageOf(p) < 25);
    const old = patients.filter((p) => ageOf(p) >= 75);
    expect(share(young, (p) => current(p) >= 1)).toBeLessThan(0.4);
    expect(share(old, (p) => current(p) >= 1)).toBeGreaterThan(0.8);
    expect(share(old, (p) => current(p) >= 3)).toBeGreaterThan(0.5);
    const meanStatements = (items: SyntheticPatient[]) =>
      items.reduce((sum, p) => sum + p.medications.length, 0) / items.length;
    expect(meanStatements(old)).toBeGreaterThan(3 * meanStatements(young));
    expect(Math.max(...old.map((p) => p.medications.length))).toBeGreaterThanOrEqual(20);
  });

  it("gives young women a medicine more often than young men", () => {
    const adults = patients.filter((p) => ageOf(p) >= 16 && ageOf(p) < 45);
    const women = adults.filter((p) => p.gender === "female");
    const men = adults.filter((p) => p.gender === "male");
    expect(share(women, (p) => current(p) >= 1)).toBeGreaterThan(share(men, (p) => current(p) >= 1));
  });

  it("holds past courses beside current ones, every stopped one with its reason and date", () => {
    const medications = patients.flatMap((p) => p.medications);
    const past = medications.filter((m) => m.status !== "active").length / medications.length;
    expect(past).toBeGreaterThan(0.4);
    expect(past).toBeLessThan(0.85);
    for (const m of medications.filter((x) => x.status === "stopped"))
      expect(m.statusReason?.date, `${m.id} ${m.product.display}`).toBe(m.ended);
    const types = new Set(medications.map((m) => m.type));
    expect(types).toEqual(new Set(["acute", "repeat", "repeat-dispensing", "delayed-prescribing"]));
  });

  it("renews a repeat's authorisation: the earlier one stopped as re-authorised, the renewal naming it", () => {
    let renewals = 0;
    for (const patient of patients) {
      const byId = new Map(patient.medications.map((m) => [m.id, m]));
      for (const m of patient.medications.filter((x) => x.priorPrescription !== undefined)) {
        renewals++;
        const prior = byId.get(m.priorPrescription as string);
        expect(prior?.product.code).toBe(m.product.code);
        expect(prior?.status).toBe("stopped");
        expect(prior?.statusReason?.text).toBe("Re-Authorised");
        expect(prior?.ended).toBe(m.started);
      }
    }
    expect(renewals).toBeGreaterThan(100);
  });
});

describe("trait stopped-medication", () => {
  it("gives a living patient warfarin stopped in the last weeks, with the reason, and none current", () => {
    const practice = population.practices()[0] as Practice;
    const patient = population.addPatient(practice.ods, ["stopped-medication"]);
    expect(patient.deceasedDate).toBeUndefined();
    const warfarin = patient.medications.filter((m) => /warfarin/i.test(m.product.display));
    expect(warfarin.length).toBeGreaterThan(0);
    expect(warfarin.every((m) => m.status === "stopped" && m.statusReason !== undefined)).toBe(true);
    const last = warfarin.at(-1);
    expect(last?.statusReason?.text).toMatch(/course complete/);
    expect(Date.parse(REFERENCE_DATE) - Date.parse(last?.ended ?? "")).toBeLessThanOrEqual(60 * 86_400_000);
  });
});

describe("each supplier's way of writing a medication", () => {
  const withRenewal = (system: "emis" | "tpp") => {
    const practice = population.practices().find((p) => p.system === system) as Practice;
    for (let i = 0; i < practice.listSize; i++) {
      const patient = population.patient(practice.ods, i);
      const renewed = patient.medications.some(
        (m) =>
          m.priorPrescription !== undefined && m.status === "active" && m.patientInstruction !== undefined,
      );
      if (renewed) return render(practice, patient);
    }
    throw new Error(`no ${system} patient with a renewed repeat`);
  };

  it("EMIS: issues made as valueUnsignedInt alone, priorPrescription, the quantity's unit, no instruction", () => {
    const bundle = withRenewal("emis");
    const plans = ofType<fhir.MedicationRequest>(bundle, "MedicationRequest").filter(
      (r) => r.intent === "plan",
    );
    const repeat = plans.flatMap((p) => p.extension ?? []).filter((x) => x.url === REPEAT_INFORMATION);
    expect(repeat.length).toBeGreaterThan(0);
    for (const x of repeat)
      expect(x.extension?.map((part) => part.url)).toEqual(["numberOfRepeatPrescriptionsIssued"]);
    const prior = plans.filter((p) => p.priorPrescription !== undefined);
    expect(prior.length).toBeGreaterThan(0);
    const ids = new Set(plans.map((p) => `MedicationRequest/${p.id}`));
    for (const p of prior) expect(ids.has(p.priorPrescription?.reference ?? "")).toBe(true);
    expect(plans.every((p) => typeof p.dispenseRequest?.quantity?.unit === "string")).toBe(true);
    const statements = ofType<fhir.MedicationStatement>(bundle, "MedicationStatement");
    expect(statements.some((s) => s.dosage?.[0]?.patientInstruction !== undefined)).toBe(false);
  });

  it("TPP: issues allowed (valuePositiveInt) and expiry beside those made, instructions, quantity as text", () => {
    const bundle = withRenewal("tpp");
    const plans = ofType<fhir.MedicationRequest>(bundle, "MedicationRequest").filter(
      (r) => r.intent === "plan",
    );
    const repeat = plans.flatMap((p) => p.extension ?? []).filter((x) => x.url === REPEAT_INFORMATION);
    expect(repeat.length).toBeGreaterThan(0);
    for (const x of repeat) {
      expect(x.extension?.map((part) => part.url)).toEqual([
        "numberOfRepeatPrescriptionsAllowed",
        "numberOfRepeatPrescriptionsIssued",
        "authorisationExpiryDate",
      ]);
      expect(x.extension?.[0]?.valuePositiveInt).toBeGreaterThan(0);
    }
    expect(plans.some((p) => p.priorPrescription !== undefined)).toBe(false);
    const stopped = plans.filter((p) => p.status === "stopped");
    expect(stopped.length).toBeGreaterThan(0);
    for (const p of stopped)
      expect(p.extension?.some((x) => x.url === MEDICATION_EXTENSIONS.statusReason)).toBe(true);
    const quantity = plans[0]?.dispenseRequest?.quantity;
    expect(quantity?.unit).toBeUndefined();
    expect(quantity?.extension?.[0]?.url).toBe(MEDICATION_EXTENSIONS.quantityText);
    const statements = ofType<fhir.MedicationStatement>(bundle, "MedicationStatement");
    expect(statements.some((s) => s.dosage?.[0]?.patientInstruction !== undefined)).toBe(true);
  });
});
