import { describe, expect, it } from "vitest";
import {
  CHRONIC_LOW_BACK_PAIN,
  PROBLEMS,
  TRAMADOL_50MG_CAPSULES,
} from "../simulators/population/clinical-terms.js";
import {
  isSyntheticNhsNumber,
  isValidNhsNumber,
  NhsNumberAllocator,
  nhsCheckDigit,
  syntheticNhsNumberCount,
} from "../simulators/population/nhs-number.js";
import { createPopulation } from "../simulators/population/population.js";
import { ACUTE_COURSES, LONG_TERM_MEDICINES } from "../simulators/population/prescribing-terms.js";

const EVERYDAY_PRODUCTS = new Set([...LONG_TERM_MEDICINES, ...ACUTE_COURSES].map((m) => m.drug.product.code));

import type { SyntheticPatient } from "../simulators/population/types.js";

const REFERENCE_DATE = "2025-06-01";

/** Every date a patient's record carries, with what it names. */
function datesOf(patient: SyntheticPatient): [string, string][] {
  const dates: [string, string][] = [["registeredSince", patient.registeredSince]];
  for (const p of patient.problems) dates.push([`problem ${p.id} onset`, p.onset]);
  for (const m of patient.medications) {
    dates.push([`medication ${m.id} started`, m.started]);
    for (const issue of m.issues) dates.push([`medication ${m.id} issue`, issue]);
  }
  if (patient.allergies.kind === "recorded") {
    for (const a of patient.allergies.allergies) dates.push([`allergy ${a.id}`, a.recorded]);
  }
  if (patient.allergies.kind === "no-known-allergies")
    dates.push(["no known allergies", patient.allergies.recorded]);
  return dates;
}

describe("NHS numbers", () => {
  it("computes the modulus-11 check digit as the NHS data dictionary defines it", () => {
    // 943 476 5919 is the NHS's own worked example.
    expect(nhsCheckDigit("943476591")).toBe(9);
    expect(isValidNhsNumber("9434765919")).toBe(true);
    expect(isValidNhsNumber("9434765918")).toBe(false);
    expect(isValidNhsNumber("943476591")).toBe(false);
    expect(isValidNhsNumber("94347659190")).toBe(false);
    expect(isValidNhsNumber("94347A5919")).toBe(false);
  });

  it("treats remainder 11 as check digit 0 and remainder 10 as invalid", () => {
    let sawZero = false;
    let sawInvalid = false;
    for (let n = 0; n < 200 && !(sawZero && sawInvalid); n++) {
      const nine = `999${String(n).padStart(6, "0")}`;
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
      const check = 11 - (sum % 11);
      if (check === 11) {
        sawZero = true;
        expect(nhsCheckDigit(nine)).toBe(0);
        expect(isValidNhsNumber(`${nine}0`)).toBe(true);
      }
      if (check === 10) {
        sawInvalid = true;
        expect(nhsCheckDigit(nine)).toBeUndefined();
        for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`${nine}${d}`)).toBe(false);
      }
    }
    expect(sawZero && sawInvalid).toBe(true);
  });

  it("has about 909k synthetic numbers, and the allocator is a bijection that reverses", () => {
    expect(syntheticNhsNumberCount()).toBeGreaterThan(900_000);
    expect(syntheticNhsNumberCount()).toBeLessThan(920_000);
    const allocator = new NhsNumberAllocator(42);
    const seen = new Set<string>();
    for (const serial of [0, 1, 2, 1000, 500_000, allocator.capacity - 1]) {
      const number = allocator.numberForSerial(serial);
      expect(isSyntheticNhsNumber(number)).toBe(true);
      expect(allocator.serialForNumber(number)).toBe(serial);
      seen.add(number);
    }
    expect(seen.size).toBe(6);
    expect(() => allocator.numberForSerial(allocator.capacity)).toThrow(RangeError);
    expect(allocator.serialForNumber("9434765919")).toBeUndefined();
    expect(new NhsNumberAllocator(43).numberForSerial(0)).not.toBe(allocator.numberForSerial(0));
  });
});

describe("population", () => {
  it("gives 100,000 generated patients distinct, valid 999-range NHS numbers that reverse to them", () => {
    const population = createPopulation({
      seed: 7,
      referenceDate: REFERENCE_DATE,
      practices: 4,
      patientsPerPractice: 25_000,
    });
    const seen = new Set<string>();
    for (const practice of population.practices()) {
      for (let index = 0; index < practice.listSize; index++) {
        const { nhsNumber } = population.patient(practice.ods, index);
        expect(nhsNumber.startsWith("999")).toBe(true);
        if (!isValidNhsNumber(nhsNumber)) throw new Error(`invalid NHS number ${nhsNumber}`);
        seen.add(nhsNumber);
        if (index % 997 === 0) {
          const found = population.findByNhsNumber(nhsNumber);
          expect(found?.practiceOds).toBe(practice.ods);
          expect(found?.index).toBe(index);
        }
      }
    }
    expect(seen.size).toBe(100_000);
  });

  it("uses the documented defaults: 4 practices alternating EMIS and TPP, 6000 patients each, today", () => {
    const population = createPopulation();
    expect(population.seed).toBe(1);
    expect(population.referenceDate).toBe(new Date().toISOString().slice(0, 10));
    expect(population.practices().map((p) => p.system)).toEqual(["emis", "tpp", "emis", "tpp"]);
    expect(population.practices().every((p) => p.listSize === 6000)).toBe(true);
  });

  it("generates practices with ODS codes, ASIDs and party keys in the Spine formats", () => {
    const population = createPopulation({ seed: 3, referenceDate: REFERENCE_DATE, practices: 20 });
    const practices = population.practices();
    expect(new Set(practices.map((p) => p.ods)).size).toBe(20);
    expect(new Set(practices.map((p) => p.asid)).size).toBe(20);
    for (const practice of practices) {
      expect(practice.ods).toMatch(/^[A-HJ-NP][0-9]{5}$/);
      expect(practice.asid).toMatch(/^[0-9]{12}$/);
      expect(practice.partyKey).toMatch(new RegExp(`^${practice.ods}-[0-9]{6}$`));
      expect(practice.name).toMatch(/(Medical Practice|Surgery|Health Centre|Medical Centre)$/);
      expect(practice.address.postalCode).toMatch(/^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$/);
      expect(practice.clinicians.length).toBeGreaterThanOrEqual(3);
      expect(population.practice(practice.ods)).toBe(practice);
    }
    expect(
      createPopulation({ seed: 3, referenceDate: REFERENCE_DATE, practices: 2, emisShare: 1 })
        .practices()
        .map((p) => p.system),
    ).toEqual(["emis", "emis"]);
    expect(
      createPopulation({ seed: 3, referenceDate: REFERENCE_DATE, practices: 2, emisShare: 0 })
        .practices()
        .map((p) => p.system),
    ).toEqual(["tpp", "tpp"]);
  });

  it("is deterministic: the same seed and reference date give identical patients, another seed different ones", () => {
    const options = { seed: 11, referenceDate: REFERENCE_DATE, practices: 3, patientsPerPractice: 300 };
    const a = createPopulation(options);
    const b = createPopulation(options);
    const c = createPopulation({ ...options, seed: 12 });
    expect(b.practices()).toEqual(a.practices());
    const ods = a.practices()[1]!.ods;
    // b generates in reverse order: a patient does not depend on who was generated before it.
    const fromA = Array.from({ length: 300 }, (_, i) => a.patient(ods, i));
    const fromB = Array.from({ length: 300 }, (_, i) => b.patient(ods, 299 - i)).reverse();
    expect(fromB).toEqual(fromA);
    expect(b.addPatient(ods, ["dissent"])).toEqual(a.addPatient(ods, ["dissent"]));
    expect(c.practices()[0]!.ods).not.toBe(a.practices()[0]!.ods);
    expect(c.patient(c.practices()[0]!.ods, 0)).not.toEqual(a.patient(a.practices()[0]!.ods, 0));
  });

  it("dates nothing after the reference date or before the patient's birth", () => {
    const population = createPopulation({
      seed: 5,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 3000,
    });
    for (const practice of population.practices()) {
      for (let index = 0; index < practice.listSize; index++) {
        const patient = population.patient(practice.ods, index);
        expect(patient.birthDate <= REFERENCE_DATE).toBe(true);
        for (const [what, date] of datesOf(patient)) {
          if (date > REFERENCE_DATE || date < patient.birthDate) {
            throw new Error(
              `${patient.nhsNumber} ${what} ${date} outside ${patient.birthDate}..${REFERENCE_DATE}`,
            );
          }
        }
      }
    }
  });

  it("has a realistic shape: ages 0-100, both sexes, 0-4 problems, all three kinds of allergy record", () => {
    const population = createPopulation({
      seed: 9,
      referenceDate: REFERENCE_DATE,
      practices: 1,
      patientsPerPractice: 4000,
    });
    const ods = population.practices()[0]!.ods;
    const patients = Array.from({ length: 4000 }, (_, i) => population.patient(ods, i));
    const ages = patients.map((p) => Number(REFERENCE_DATE.slice(0, 4)) - Number(p.birthDate.slice(0, 4)));
    expect(Math.min(...ages)).toBeLessThanOrEqual(1);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(90);
    const over65 = ages.filter((a) => a >= 65).length / ages.length;
    expect(over65).toBeGreaterThan(0.12);
    expect(over65).toBeLessThan(0.28);
    const males = patients.filter((p) => p.gender === "male").length / patients.length;
    expect(males).toBeGreaterThan(0.45);
    expect(males).toBeLessThan(0.55);
    expect(Math.max(...patients.map((p) => p.problems.length))).toBeLessThanOrEqual(4);
    expect(patients.some((p) => p.problems.length === 0)).toBe(true);
    expect(patients.some((p) => p.problems.length >= 3)).toBe(true);
    const kinds = new Set(patients.map((p) => p.allergies.kind));
    expect(kinds).toEqual(new Set(["recorded", "no-known-allergies", "nothing-recorded"]));
    const clinicianIds = new Set(population.practices()[0]!.clinicians.map((c) => c.id));
    for (const patient of patients) {
      expect(clinicianIds.has(patient.usualGp.id)).toBe(true);
      expect(patient.dissent).toBe(false);
      expect(patient.traits).toEqual([]);
    }
  });

  it("prescribes only medicines that fit a problem the patient has, coded for the practice's system", () => {
    const population = createPopulation({
      seed: 13,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 2000,
    });
    let medicated = 0;
    for (const practice of population.practices()) {
      const legacySystem = practice.system === "emis" ? "http://read.info/readv2" : "http://read.info/ctv3";
      for (let index = 0; index < practice.listSize; index++) {
        const patient = population.patient(practice.ods, index);
        for (const problem of patient.problems) expect(problem.legacyCode?.system).toBe(legacySystem);
        for (const medication of patient.medications) {
          medicated++;
          // Everyday prescribing: short courses, and medicines of conditions the record does not hold.
          if (medication.treats === undefined && EVERYDAY_PRODUCTS.has(medication.product.code)) continue;
          const problem = patient.problems.find((p) => p.id === medication.treats);
          expect(problem, `${patient.nhsNumber} ${medication.product.display}`).toBeDefined();
          const term = PROBLEMS.find((t) => t.snomed.code === problem?.code.code);
          expect(term?.drugs.map((d) => d.product.code)).toContain(medication.product.code);
          // The practice issues its own prescriptions; a hospital's discharge supply it only records.
          if (medication.prescriber.kind === "practice") {
            // An authorisation renewed more than a year ago keeps no issues in a normal record, and one renewed
            // within its last supply period has none yet.
            const renewedDaysAgo = (Date.parse(REFERENCE_DATE) - Date.parse(medication.started)) / 86_400_000;
            if (medication.status === "active" && renewedDaysAgo > medication.supplyDays + 4)
              expect(medication.issues.length, medication.id).toBeGreaterThan(0);
            expect(medication.issues.every((issue) => issue >= medication.started)).toBe(true);
          } else {
            expect(medication.prescriber.kind).toBe("hospital-discharge");
            expect(medication.issues).toEqual([]);
          }
        }
      }
    }
    expect(medicated).toBeGreaterThan(100);
  });

  it("adds patients with traits: dissent, and tramadol prescribed by a hospital outpatient clinic", () => {
    const population = createPopulation({
      seed: 1,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 50,
    });
    const [emis, tpp] = population.practices();
    const dissenting = population.addPatient(emis!.ods, ["dissent"]);
    expect(dissenting.dissent).toBe(true);
    expect(dissenting.traits).toEqual(["dissent"]);
    expect(dissenting.index).toBe(50);

    const outpatient = population.addPatient(tpp!.ods, ["outpatient-medication"]);
    expect(outpatient.dissent).toBe(false);
    const tramadol = outpatient.medications.find(
      (m) => m.product.code === TRAMADOL_50MG_CAPSULES.product.code,
    );
    expect(tramadol).toBeDefined();
    expect(tramadol?.product.display).toBe("Tramadol 50mg capsules");
    expect(tramadol?.dosage).toBe("One or two capsules up to four times a day when required");
    expect(tramadol?.issues).toEqual([]);
    expect(tramadol?.prescriber).toMatchObject({ kind: "hospital-outpatient" });
    if (tramadol?.prescriber.kind === "hospital-outpatient") {
      expect(tramadol.prescriber.organisation).toMatch(/^Pain Management Clinic, .+ General Hospital$/);
    }
    const treated = outpatient.problems.find((p) => p.id === tramadol?.treats);
    expect(treated?.code.code).toBe(CHRONIC_LOW_BACK_PAIN.snomed.code);
    expect(treated?.legacyCode?.system).toBe("http://read.info/ctv3");

    // Added patients are found by number, and numbers never collide with the generated list.
    expect(population.findByNhsNumber(dissenting.nhsNumber)).toBe(dissenting);
    expect(population.findByNhsNumber(outpatient.nhsNumber)).toBe(outpatient);
    expect(population.patient(tpp!.ods, outpatient.index)).toBe(outpatient);
    const generatedNumbers = new Set(
      population
        .practices()
        .flatMap((p) => Array.from({ length: 50 }, (_, i) => population.patient(p.ods, i).nhsNumber)),
    );
    expect(generatedNumbers.has(dissenting.nhsNumber)).toBe(false);
    expect(generatedNumbers.has(outpatient.nhsNumber)).toBe(false);
    expect(isSyntheticNhsNumber(outpatient.nhsNumber)).toBe(true);

    expect(() => population.addPatient("Z00000", ["dissent"])).toThrow(/no practice/);
    expect(() => population.addPatient(emis!.ods, ["bogus" as never])).toThrow(/unknown trait/);
    expect(() => population.patient(emis!.ods, 99)).toThrow(RangeError);
  });

  it("answers undefined for numbers it never gave out", () => {
    const population = createPopulation({
      seed: 1,
      referenceDate: REFERENCE_DATE,
      practices: 1,
      patientsPerPractice: 10,
    });
    expect(population.findByNhsNumber("9434765919")).toBeUndefined();
    expect(population.findByNhsNumber("not a number")).toBeUndefined();
    let unknown = 0;
    const allocator = new NhsNumberAllocator(1);
    for (let serial = 10; serial < 20; serial++) {
      if (population.findByNhsNumber(allocator.numberForSerial(serial)) === undefined) unknown++;
    }
    expect(unknown).toBe(10);
  });

  it("adds practices deterministically, after the generated ones", () => {
    const a = createPopulation({
      seed: 2,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 10,
    });
    const b = createPopulation({
      seed: 2,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 10,
    });
    const added = a.addPractice("tpp");
    expect(b.addPractice("tpp")).toEqual(added);
    expect(added.ordinal).toBe(2);
    expect(added.system).toBe("tpp");
    const patient = a.patient(added.ods, 3);
    expect(a.findByNhsNumber(patient.nhsNumber)).toEqual(patient);
  });

  it("offers a sample covering both systems and every trait, the same on every call", () => {
    const population = createPopulation({ seed: 1, referenceDate: REFERENCE_DATE });
    const sample = population.samplePatients();
    expect(sample.length).toBeGreaterThanOrEqual(10);
    const systems = new Set(sample.map((p) => population.practice(p.practiceOds)?.system));
    expect(systems).toEqual(new Set(["emis", "tpp"]));
    for (const system of ["emis", "tpp"]) {
      for (const trait of ["dissent", "outpatient-medication"] as const) {
        expect(
          sample.some(
            (p) => p.traits.includes(trait) && population.practice(p.practiceOds)?.system === system,
          ),
        ).toBe(true);
      }
    }
    expect(population.samplePatients()).toBe(sample);
    for (const patient of sample) expect(population.findByNhsNumber(patient.nhsNumber)).toEqual(patient);
  });

  it("rejects bad options with a message naming the option", () => {
    expect(() => createPopulation({ referenceDate: "2025-02-30" })).toThrow(/referenceDate/);
    expect(() => createPopulation({ emisShare: 2 })).toThrow(/emisShare/);
    expect(() => createPopulation({ practices: -1 })).toThrow(/practices/);
    expect(() => createPopulation({ practices: 2, patientsPerPractice: 500_000 })).toThrow(/999 range/);
  });
});
