/**
 * A population that grows and shrinks for as long as a region runs: practices and patients added and removed
 * again, the NHS numbers and ODS codes they held free afterwards but not given again while others remain,
 * and the search for a number nobody has covering the whole 999 range.
 */
import { describe, expect, it } from "vitest";
import { NhsNumberAllocator, syntheticNhsNumberCount } from "../simulators/population/nhs-number.js";
import { createPopulation } from "../simulators/population/population.js";
import { PopulationError } from "../simulators/population/population-errors.js";
import { DISTINCT_PRACTICE_ORDINALS } from "../simulators/population/practices.js";
import { UnknownNhsNumbers } from "../simulators/region/unknown-numbers.js";

const REFERENCE_DATE = "2025-06-01";

/** The kind of PopulationError `change` throws. */
function refusalOf(change: () => unknown): string {
  try {
    change();
  } catch (error) {
    if (error instanceof PopulationError) return error.kind;
    throw error;
  }
  throw new Error("the change was not refused");
}

describe("removing practices and patients added to a population", () => {
  it("takes a practice out with its generated list and the patients added to it", () => {
    const population = createPopulation({ seed: 5, referenceDate: REFERENCE_DATE, practices: 2 });
    const added = population.addPractice("tpp");
    const generated = population.patient(added.ods, 7);
    const withTrait = population.addPatient(added.ods, ["dissent"]);
    expect(population.findByNhsNumber(withTrait.nhsNumber)?.practiceOds).toBe(added.ods);

    const removed = population.removePractice(added.ods);
    expect(removed.practice.ods).toBe(added.ods);
    expect(removed.patients.map((p) => p.nhsNumber)).toEqual([withTrait.nhsNumber]);
    expect(population.practice(added.ods)).toBeUndefined();
    expect(population.practices()).toHaveLength(2);
    for (const nhsNumber of [generated.nhsNumber, withTrait.nhsNumber]) {
      expect(population.findByNhsNumber(nhsNumber)).toBeUndefined();
      expect(population.isNhsNumberInUse(nhsNumber)).toBe(false);
      expect(population.findRecordAt(added.ods, nhsNumber)).toBeUndefined();
    }
    expect(refusalOf(() => population.addPatient(added.ods, []))).toBe("unknown-practice");
    expect(refusalOf(() => population.removePractice(added.ods))).toBe("unknown-practice");
  });

  it("gives the next practice the freed generated list's place, under an ODS code never used", () => {
    const population = createPopulation({ seed: 5, referenceDate: REFERENCE_DATE, practices: 2 });
    const first = population.addPractice("emis");
    const firstNumbers = [0, 1, 5999].map((i) => population.patient(first.ods, i).nhsNumber);
    population.removePractice(first.ods);
    const second = population.addPractice("emis");
    expect(second.ods).not.toBe(first.ods);
    expect(second.ordinal).toBeGreaterThan(first.ordinal);
    // The list's place is reused: a region adding and removing for ever keeps to the serials it needs at once.
    expect([0, 1, 5999].map((i) => population.patient(second.ods, i).nhsNumber)).toEqual(firstNumbers);
    expect(population.findByNhsNumber(firstNumbers[1]!)?.practiceOds).toBe(second.ods);
  });

  it("gives every ODS code once, then the one freed longest ago, never one a practice still has", () => {
    const population = createPopulation({
      seed: 10,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 0,
    });
    const kept = population.addPractice("emis");
    const seen = new Set(population.practices().map((p) => p.ods));
    let last = kept;
    while (last.ordinal < DISTINCT_PRACTICE_ORDINALS - 1) {
      last = population.addPractice("tpp");
      expect(seen.has(last.ods)).toBe(false);
      seen.add(last.ods);
      population.removePractice(last.ods);
    }
    // Every ordinal given: the first freed comes back (the kept practice's is skipped), then the next.
    const again = population.addPractice("emis");
    expect(again.ordinal).toBe(kept.ordinal + 1);
    expect(population.addPractice("emis").ordinal).toBe(kept.ordinal + 2);
    expect(new Set(population.practices().map((p) => p.ods)).size).toBe(population.practices().length);
  });

  it("does not give a removed patient's NHS number again while any other is free", () => {
    const population = createPopulation({ seed: 6, referenceDate: REFERENCE_DATE, practices: 2 });
    const ods = population.practices()[0]!.ods;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const patient = population.addPatient(ods, i % 2 === 0 ? [] : ["dissent"]);
      expect(seen.has(patient.nhsNumber), patient.nhsNumber).toBe(false);
      seen.add(patient.nhsNumber);
      expect(population.removePatient(patient.nhsNumber).nhsNumber).toBe(patient.nhsNumber);
      expect(population.isNhsNumberInUse(patient.nhsNumber)).toBe(false);
    }
  });

  it("keeps the population it was created with whole: its practices, sample and generated patients stay", () => {
    const population = createPopulation({ seed: 7, referenceDate: REFERENCE_DATE, practices: 2 });
    const seeded = population.practices()[0]!;
    const sample = population.samplePatients().find((p) => p.traits.length > 0)!;
    expect(refusalOf(() => population.removePractice(seeded.ods))).toBe("not-removable");
    expect(refusalOf(() => population.removePatient(sample.nhsNumber))).toBe("not-removable");
    expect(refusalOf(() => population.removePatient(population.patient(seeded.ods, 3).nhsNumber))).toBe(
      "not-removable",
    );
    expect(refusalOf(() => population.removePatient("9434765919"))).toBe("unknown-patient");
    expect(population.practices()).toHaveLength(2);
    expect(population.findByNhsNumber(sample.nhsNumber)?.nhsNumber).toBe(sample.nhsNumber);
  });

  it("moves a moved patient from a practice that stays, never from one added later", () => {
    const population = createPopulation({ seed: 8, referenceDate: REFERENCE_DATE, practices: 2 });
    const [home, other] = population.practices();
    const transient = population.addPractice("emis");
    for (let i = 0; i < 20; i++) {
      const moved = population.addPatient(home!.ods, ["moved-practice"]);
      expect(moved.previousPractice?.ods).toBe(other!.ods);
    }
    expect(transient.ods).not.toBe(other!.ods);
  });
});

describe("telling a used NHS number from a free one", () => {
  it("answers as findByNhsNumber does, for generated, superseded, added, removed and free numbers", () => {
    const population = createPopulation({
      seed: 9,
      referenceDate: REFERENCE_DATE,
      practices: 3,
      patientsPerPractice: 700,
    });
    const transient = population.addPractice("tpp");
    const kept = population.addPatient(population.practices()[0]!.ods, []);
    const gone = population.addPatient(population.practices()[1]!.ods, []);
    population.removePatient(gone.nhsNumber);
    population.removePractice(transient.ods);
    const allocator = new NhsNumberAllocator(9);
    const serials = [
      ...Array.from({ length: 3_000 }, (_, i) => i),
      ...Array.from({ length: 2_000 }, (_, i) => allocator.capacity - 1 - i),
    ];
    let used = 0;
    for (const serial of serials) {
      const nhsNumber = allocator.numberForSerial(serial);
      const found = population.findByNhsNumber(nhsNumber) !== undefined;
      expect(population.isNhsNumberInUse(nhsNumber), nhsNumber).toBe(found);
      if (found) used++;
    }
    // The three lists, the superseded numbers of some of them, and the one added patient kept.
    expect(used).toBeGreaterThan(2_100);
    expect(population.isNhsNumberInUse(kept.nhsNumber)).toBe(true);
    expect(population.isNhsNumberInUse(gone.nhsNumber)).toBe(false);
  });
});

describe("NHS numbers no patient has", () => {
  it("are found when the generated lists fill the middle of the 999 range", () => {
    // 146 practices of 6,000: the lists take the serials from 0 to 876,000, well past the middle.
    const population = createPopulation({ seed: 1, referenceDate: REFERENCE_DATE, practices: 146 });
    const unknown = new UnknownNhsNumbers(population);
    const numbers = Array.from({ length: 50 }, () => unknown.next());
    expect(new Set(numbers).size).toBe(50);
    for (const nhsNumber of numbers) expect(population.findByNhsNumber(nhsNumber)).toBeUndefined();
  });

  it("are every free number of the whole range, each handed out once before any is again", () => {
    // Every patient serial taken: what is free is the few superseded numbers no generated patient owns.
    const population = createPopulation({
      seed: 3,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 453_636,
    });
    const allocator = new NhsNumberAllocator(3);
    let free = 0;
    for (let serial = 0; serial < syntheticNhsNumberCount(); serial++) {
      if (!population.isNhsNumberInUse(allocator.numberForSerial(serial))) free++;
    }
    expect(free).toBeGreaterThan(0);
    const unknown = new UnknownNhsNumbers(population);
    const round = Array.from({ length: free }, () => unknown.next());
    expect(new Set(round).size).toBe(free);
    for (const nhsNumber of round) expect(population.findByNhsNumber(nhsNumber)).toBeUndefined();
    // Still nobody's: the next round starts again with the first.
    expect(unknown.next()).toBe(round[0]);
  });
});
