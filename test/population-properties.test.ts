import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CTV3_SYSTEM, PROBLEMS, READ_V2_SYSTEM } from "../simulators/population/clinical-terms.js";
import { isSyntheticNhsNumber } from "../simulators/population/nhs-number.js";
import { createPopulation } from "../simulators/population/population.js";
import { ACUTE_COURSES, LONG_TERM_MEDICINES } from "../simulators/population/prescribing-terms.js";
import { ANALYTES } from "../simulators/population/record-terms.js";
import { type SyntheticPatient, TRAITS, type Trait } from "../simulators/population/types.js";

const REFERENCE_DATE = "2025-06-01";

/** Every dated entry of a record, named. */
function datesOf(patient: SyntheticPatient): [string, string][] {
  const dates: [string, string][] = [["registeredSince", patient.registeredSince]];
  for (const p of patient.problems) {
    dates.push([`problem ${p.id} onset`, p.onset]);
    if (p.ended !== undefined) dates.push([`problem ${p.id} ended`, p.ended]);
  }
  for (const m of patient.medications) {
    dates.push([`medication ${m.id} started`, m.started]);
    if (m.ended !== undefined) dates.push([`medication ${m.id} ended`, m.ended]);
    for (const issue of m.issues) dates.push([`medication ${m.id} issue`, issue]);
  }
  if (patient.allergies.kind === "recorded")
    for (const a of patient.allergies.allergies) dates.push([`allergy ${a.id}`, a.recorded]);
  for (const i of patient.immunisations) dates.push([`immunisation ${i.id}`, i.date]);
  for (const c of patient.consultations) dates.push([`consultation ${c.id}`, c.date]);
  for (const u of patient.uncategorised) dates.push([`observation ${u.id}`, u.date]);
  for (const t of patient.investigations) {
    dates.push([`investigation ${t.id} collected`, t.collected]);
    dates.push([`investigation ${t.id} reported`, t.reported]);
  }
  for (const r of patient.referrals) dates.push([`referral ${r.id}`, r.date]);
  // A diary entry is planned for the future (or is overdue), but was entered within the record.
  for (const d of patient.diaryEntries) dates.push([`diary entry ${d.id} entered`, d.authoredOn]);
  for (const i of patient.immunisationStatuses) dates.push([`immunisation status ${i.id}`, i.date]);
  return dates;
}

/** The coherence rules a clinician would check first; returns what is wrong. */
const EVERYDAY_PRODUCTS = new Set([...LONG_TERM_MEDICINES, ...ACUTE_COURSES].map((m) => m.drug.product.code));

function incoherence(patient: SyntheticPatient, referenceDate: string): string[] {
  const end = patient.deceasedDate ?? referenceDate;
  const wrong: string[] = [];
  for (const [what, date] of datesOf(patient)) {
    if (date < patient.birthDate || date > end)
      wrong.push(`${what} ${date} outside ${patient.birthDate}..${end}`);
  }
  if (patient.deceasedDate !== undefined && patient.deceasedDate >= referenceDate)
    wrong.push("died after the reference date");
  const problems = new Map(patient.problems.map((p) => [p.id, p]));
  // A hospital letter not yet filed is not linked to anything yet: it is not in the record proper.
  for (const m of patient.medications.filter((x) => x.awaitingFiling !== true)) {
    const problem = m.treats === undefined ? undefined : problems.get(m.treats);
    if (problem === undefined) {
      // Everyday prescribing (short courses, medicines of conditions the record does not hold) links to none.
      if (m.treats !== undefined || !EVERYDAY_PRODUCTS.has(m.product.code))
        wrong.push(`medication ${m.product.display} treats no problem`);
      continue;
    }
    const term = PROBLEMS.find((t) => t.snomed.code === problem.code.code);
    if (term !== undefined && !term.drugs.some((d) => d.product.code === m.product.code)) {
      wrong.push(`${m.product.display} does not treat ${problem.code.display}`);
    }
    if (m.started < problem.onset) wrong.push(`${m.product.display} started before ${problem.code.display}`);
    if (m.prescriber.kind !== "practice" && m.issues.length > 0)
      wrong.push(`${m.product.display} issued by the practice though prescribed elsewhere`);
  }
  for (const t of patient.investigations) {
    if (t.reported < t.collected) wrong.push(`investigation ${t.id} reported before collected`);
    for (const r of t.results) if (r.value.unit === "") wrong.push(`result ${r.id} has no unit`);
  }
  if (patient.deceasedDate !== undefined && patient.diaryEntries.length > 0)
    wrong.push("a dead patient still has recalls in the diary");
  const consultations = new Map(patient.consultations.map((c) => [c.id, c]));
  for (const d of patient.diaryEntries) {
    if (d.planned <= d.authoredOn)
      wrong.push(`diary entry ${d.id} planned (${d.planned}) before it was entered`);
    if (d.plannedUntil !== undefined && d.plannedUntil < d.planned)
      wrong.push(`diary entry ${d.id} planned period ends before it starts`);
    if (d.problem !== undefined && !problems.has(d.problem))
      wrong.push(`diary entry ${d.id} relates to no problem`);
    const consultation = d.consultation === undefined ? undefined : consultations.get(d.consultation);
    if (d.consultation !== undefined && consultation?.date !== d.authoredOn)
      wrong.push(`diary entry ${d.id} was not entered in its consultation`);
  }
  if (patient.allergies.kind === "recorded") {
    for (const a of patient.allergies.allergies) {
      if (a.consultation !== undefined && consultations.get(a.consultation)?.date !== a.recorded)
        wrong.push(`allergy ${a.id} was not recorded in its consultation`);
    }
  }
  const entries = new Map(patient.uncategorised.map((u) => [u.id, u]));
  for (const u of patient.uncategorised) {
    const header = u.filedUnder === undefined ? undefined : entries.get(u.filedUnder);
    if (u.filedUnder !== undefined && !header?.templateItems?.includes(u.id))
      wrong.push(`observation ${u.id} is filed under ${u.filedUnder}, which does not list it`);
    if (header !== undefined && (header.date !== u.date || header.consultation !== u.consultation))
      wrong.push(`observation ${u.id} was not recorded with the template it is filed under`);
    for (const item of u.templateItems ?? [])
      if (entries.get(item)?.filedUnder !== u.id)
        wrong.push(`observation ${item} is not filed under ${u.id}`);
  }
  if (patient.immunisationStatuses.length > 0 && patient.diaryEntries.some((d) => d.code.code === "86198006"))
    wrong.push("a patient who refused every immunisation is still recalled for one");
  for (const status of patient.immunisationStatuses) {
    const givenAfter = patient.immunisations.find((i) => i.notGiven === undefined && i.date >= status.date);
    if (givenAfter !== undefined)
      wrong.push(`immunisation ${givenAfter.id} given on or after the dissent recorded on ${status.date}`);
  }
  for (const i of patient.immunisations.filter((x) => x.notGiven !== undefined)) {
    if (i.doseSequence !== undefined) wrong.push(`immunisation ${i.id} not given has a dose number`);
    if (i.consultation !== undefined && consultations.get(i.consultation)?.date !== i.date)
      wrong.push(`immunisation ${i.id} not given is not dated as its consultation`);
  }
  return wrong;
}

const traitSets = fc.subarray([...TRAITS] as Trait[], { maxLength: 3 });

describe("population properties (fast-check)", () => {
  it("is byte-identical for the same seed and reference date, and different for another seed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 199 }),
        traitSets,
        (seed, ordinal, index, traits) => {
          const options = { seed, referenceDate: REFERENCE_DATE, practices: 3, patientsPerPractice: 200 };
          const a = createPopulation(options);
          const b = createPopulation(options);
          const ods = a.practices()[ordinal]!.ods;
          expect(JSON.stringify(b.patient(ods, index))).toBe(JSON.stringify(a.patient(ods, index)));
          expect(JSON.stringify(b.addPatient(ods, traits))).toBe(JSON.stringify(a.addPatient(ods, traits)));
          const other = createPopulation({ ...options, seed: seed + 1 });
          expect(JSON.stringify(other.patient(other.practices()[ordinal]!.ods, index))).not.toBe(
            JSON.stringify(a.patient(ods, index)),
          );
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it("keeps every record coherent: dated within life and the reference date, every medicine treating a problem it fits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 3999 }),
        traitSets,
        fc.constantFrom("2019-03-31", "2025-06-01", "2031-12-31"),
        (seed, index, traits, referenceDate) => {
          const population = createPopulation({
            seed,
            referenceDate,
            practices: 2,
            patientsPerPractice: 4000,
          });
          const ods = population.practices()[index % 2]!.ods;
          for (const patient of [population.patient(ods, index), population.addPatient(ods, traits)]) {
            expect(incoherence(patient, referenceDate), patient.nhsNumber).toEqual([]);
            expect(isSyntheticNhsNumber(patient.nhsNumber)).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it("dates nothing after the record's end when a problem began in its last weeks", () => {
    // Records the sampled property above rarely reaches: a referral due a month after a diagnosis made in the
    // last month, and a short illness that would have ended after the reference date.
    for (const { seed, referenceDate, patientsPerPractice, ordinal, index } of [
      { seed: 5, referenceDate: "2025-06-01", patientsPerPractice: 400, ordinal: 0, index: 187 },
      { seed: 4, referenceDate: "2024-01-15", patientsPerPractice: 1500, ordinal: 1, index: 1007 },
      { seed: 2, referenceDate: "2019-03-31", patientsPerPractice: 1500, ordinal: 1, index: 1256 },
    ]) {
      const population = createPopulation({ seed, referenceDate, practices: 2, patientsPerPractice });
      const patient = population.patient(population.practices()[ordinal]!.ods, index);
      expect(incoherence(patient, referenceDate), patient.nhsNumber).toEqual([]);
    }
  });
});

describe("diary entries and vaccinations not given", () => {
  it("fill a plausible share of records: recalls mostly ahead, some overdue, declines mostly influenza", () => {
    const population = createPopulation({
      seed: 5,
      referenceDate: REFERENCE_DATE,
      practices: 1,
      patientsPerPractice: 1000,
    });
    const ods = population.practices()[0]!.ods;
    let withDiary = 0;
    let ahead = 0;
    let overdue = 0;
    const declined = new Map<string, number>();
    for (let index = 0; index < 1000; index++) {
      const patient = population.patient(ods, index);
      if (patient.diaryEntries.length > 0) withDiary++;
      for (const d of patient.diaryEntries) {
        if (d.planned > REFERENCE_DATE) ahead++;
        else overdue++;
      }
      for (const i of patient.immunisations.filter((x) => x.notGiven !== undefined))
        declined.set(i.procedure.display, (declined.get(i.procedure.display) ?? 0) + 1);
    }
    expect(withDiary).toBeGreaterThan(200);
    expect(withDiary).toBeLessThan(800);
    expect(overdue).toBeGreaterThan(0);
    expect(ahead).toBeGreaterThan(overdue * 3);
    const flu = declined.get("Influenza vaccination declined") ?? 0;
    const covid =
      declined.get("Severe acute respiratory syndrome coronavirus 2 vaccination first dose declined") ?? 0;
    expect(covid).toBeGreaterThan(0);
    expect(flu).toBeGreaterThan(covid);
    expect([...declined.keys()].sort()).toEqual([
      "Influenza vaccination declined",
      "Severe acute respiratory syndrome coronavirus 2 vaccination first dose declined",
    ]);
  });
});

describe("results and legacy codes", () => {
  const population = createPopulation({
    seed: 11,
    referenceDate: REFERENCE_DATE,
    practices: 2,
    patientsPerPractice: 1500,
  });
  const patients = population
    .practices()
    .flatMap((practice) => Array.from({ length: 1500 }, (_, i) => population.patient(practice.ods, i)));
  const emis = population.practices().find((p) => p.system === "emis")!;
  const tpp = population.practices().find((p) => p.system === "tpp")!;
  const resultsOf = (patient: SyntheticPatient, code: string) =>
    patient.investigations.flatMap((t) => t.results).filter((r) => r.code.code === code);
  const has = (patient: SyntheticPatient, snomed: string) =>
    patient.problems.some((p) => p.code.code === snomed);

  it("raises a type 2 diabetic's HbA1c and a hypothyroid patient's TSH above the reference range's usual values", () => {
    const diabetic = PROBLEMS.find((t) => t.key === "type-2-diabetes")!.snomed.code;
    const hba1c = patients
      .filter((p) => has(p, diabetic))
      .flatMap((p) => resultsOf(p, ANALYTES.hba1c.code.code));
    expect(hba1c.length).toBeGreaterThan(50);
    // Unshifted (mean 37, sd 4) about one in six is above 41 mmol/mol; a diabetic's (mean 56, sd 9) nearly all.
    const raised = hba1c.filter((r) => r.value.value > ANALYTES.hba1c.high);
    expect(raised.length / hba1c.length).toBeGreaterThan(0.8);
    expect(raised.every((r) => r.flag === "H")).toBe(true);

    const hypothyroid = PROBLEMS.find((t) => t.key === "hypothyroidism")!.snomed.code;
    const tsh = patients
      .filter((p) => has(p, hypothyroid))
      .flatMap((p) => resultsOf(p, ANALYTES.tsh.code.code));
    expect(tsh.length).toBeGreaterThan(20);
    const mean = tsh.reduce((sum, r) => sum + r.value.value, 0) / tsh.length;
    // Unshifted the mean is 1.8 mU/L; treated hypothyroidism runs higher (3.2).
    expect(mean).toBeGreaterThan(2.7);
  });

  it("carries each supplier's legacy code beside a result's SNOMED CT, where one is known", () => {
    for (const [practice, system] of [
      [emis, READ_V2_SYSTEM],
      [tpp, CTV3_SYSTEM],
    ] as const) {
      const results = patients
        .filter((p) => p.practiceOds === practice.ods)
        .flatMap((p) => p.investigations.flatMap((t) => t.results));
      const sodium = results.find((r) => r.code.code === ANALYTES.sodium.code.code);
      expect(sodium?.legacyCode).toEqual(
        system === READ_V2_SYSTEM ? ANALYTES.sodium.readV2 : ANALYTES.sodium.ctv3,
      );
      expect(results.every((r) => r.legacyCode === undefined || r.legacyCode.system === system)).toBe(true);
    }
    // Every analyte of a urea and electrolytes test, potassium included, carries the supplier's code.
    const emisPotassium = patients
      .filter((p) => p.practiceOds === emis.ods)
      .flatMap((p) => resultsOf(p, ANALYTES.potassium.code.code));
    expect(emisPotassium.length).toBeGreaterThan(0);
    expect(emisPotassium.every((r) => r.legacyCode?.code === ANALYTES.potassium.readV2?.code)).toBe(true);
    expect(ANALYTES.potassium.readV2?.code).toBe("44I4.00");
  });

  it("carries the sensitive problems' legacy codes into the record (withheld from sharing, but coded)", () => {
    for (const [practice, code] of [
      [emis, { system: READ_V2_SYSTEM, code: "A78A.00", display: "Chlamydial infection" }],
      [tpp, { system: CTV3_SYSTEM, code: "A78A.", display: "Chlamydial infection" }],
    ] as const) {
      const patient = population.addPatient(practice.ods, ["sensitive-items"]);
      const chlamydia = patient.problems.find((p) => p.code.code === "105629000");
      expect(chlamydia?.sensitive).toBe(true);
      expect(chlamydia?.legacyCode).toEqual(code);
    }
  });
});

describe("traits", () => {
  const population = createPopulation({
    seed: 3,
    referenceDate: REFERENCE_DATE,
    practices: 3,
    patientsPerPractice: 100,
  });
  const [emis, tpp] = population.practices();

  it("fills the fields PDS and the practices read", () => {
    const ods = emis!.ods;
    expect(population.addPatient(ods, ["sensitive-patient"]).restricted).toBe(true);
    expect(population.addPatient(ods, ["inactive-registration"]).registration).toBe("inactive");
    const deceased = population.addPatient(ods, ["deceased"]);
    expect(deceased.deceasedDate! < REFERENCE_DATE).toBe(true);
    expect(deceased.medications.every((m) => m.status !== "active")).toBe(true);
    expect(population.addPatient(ods, ["dissent"]).dissent).toBe(true);
    expect(population.addPatient(ods, ["no-allergies-recorded"]).allergies.kind).toBe("nothing-recorded");
    expect(population.addPatient(ods, ["no-known-allergies"]).allergies.kind).toBe("no-known-allergies");
    const plain = population.addPatient(ods, []);
    expect([plain.restricted, plain.registration, plain.deceasedDate, plain.previousPractice]).toEqual([
      false,
      "active",
      undefined,
      undefined,
    ]);
  });

  it("moves a patient from another practice of the region, which still holds the record up to the move", () => {
    const moved = population.addPatient(tpp!.ods, ["moved-practice"]);
    const previous = moved.previousPractice!;
    expect(previous.ods).not.toBe(tpp!.ods);
    expect(population.practice(previous.ods)).toBeDefined();
    expect(moved.registeredSince).toBe(previous.until);
    expect(population.findRecordAt(tpp!.ods, moved.nhsNumber)).toBe(moved);
    const held = population.findRecordAt(previous.ods, moved.nhsNumber)!;
    expect(held.practiceOds).toBe(previous.ods);
    expect(held.registration).toBe("inactive");
    const clinicians = new Set(population.practice(previous.ods)!.clinicians.map((c) => c.id));
    for (const c of held.consultations) {
      expect(c.date <= previous.until).toBe(true);
      expect(clinicians.has(c.clinician)).toBe(true);
    }
    for (const m of held.medications) expect(m.issues.every((d) => d <= previous.until)).toBe(true);
    expect(
      population.findRecordAt(
        population.practices()[2]!.ods === previous.ods ? emis!.ods : population.practices()[2]!.ods,
        moved.nhsNumber,
      ),
    ).toBeUndefined();
    const alone = createPopulation({
      seed: 3,
      referenceDate: REFERENCE_DATE,
      practices: 1,
      patientsPerPractice: 5,
    });
    expect(() => alone.addPatient(alone.practices()[0]!.ods, ["moved-practice"])).toThrow(/another practice/);
  });

  it("keeps a record in transit at the new practice only from the move, and whole at the practice left", () => {
    const inTransit = population.addPatient(tpp!.ods, ["record-in-transit"]);
    const previous = inTransit.previousPractice!;
    expect(inTransit.recordInTransit).toBe(true);
    expect(inTransit.registeredSince).toBe(previous.until);
    const days = (Date.parse(REFERENCE_DATE) - Date.parse(inTransit.registeredSince)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(7);
    expect(days).toBeLessThanOrEqual(42);
    const held = datesOf(inTransit).filter(([what]) => what !== "registeredSince");
    expect(held.length).toBeGreaterThan(0);
    for (const [what, date] of held) expect(date >= inTransit.registeredSince, what).toBe(true);
    expect(incoherence(inTransit, REFERENCE_DATE)).toEqual([]);
    const whole = population.findRecordAt(previous.ods, inTransit.nhsNumber)!;
    expect(whole.registration).toBe("inactive");
    expect(whole.recordInTransit).toBeUndefined();
    expect(whole.consultations.length).toBeGreaterThan(0);
    expect(whole.consultations.every((c) => c.date <= previous.until)).toBe(true);
    expect(population.findRecordAt(tpp!.ods, inTransit.nhsNumber)).toBe(inTransit);
  });

  it("marks sensitive items, unfiled data, and makes a large record large", () => {
    const sensitive = population.addPatient(emis!.ods, ["sensitive-items"]);
    expect(sensitive.problems.filter((p) => p.sensitive).length).toBe(2);
    expect(sensitive.problems.some((p) => p.sensitive && p.code.code === "105629000")).toBe(true);
    expect(sensitive.medications.some((m) => m.sensitive)).toBe(true);
    const filing = population.addPatient(emis!.ods, ["awaiting-filing"]);
    expect(filing.medications.some((m) => m.awaitingFiling)).toBe(true);
    expect(filing.investigations.some((t) => t.awaitingFiling)).toBe(true);
    const large = population.addPatient(emis!.ods, ["large-record"]);
    const entries =
      large.consultations.length +
      large.uncategorised.length +
      large.medications.reduce((n, m) => n + m.issues.length, 0);
    expect(entries).toBeGreaterThan(2000);
  });

  it("gives unusual names apostrophes, hyphens or diacritics", () => {
    for (let i = 0; i < 20; i++) {
      const patient = population.addPatient(tpp!.ods, ["unusual-name"]);
      expect(`${patient.name.given.join(" ")} ${patient.name.family}`).toMatch(/['\- \u00C0-\u017F]/);
    }
  });

  it("gives some generated patients a superseded NHS number that still finds them, but not at the practice", () => {
    const big = createPopulation({
      seed: 5,
      referenceDate: REFERENCE_DATE,
      practices: 2,
      patientsPerPractice: 2000,
    });
    const withOld: SyntheticPatient[] = [];
    for (const practice of big.practices())
      for (let i = 0; i < practice.listSize; i++) {
        const patient = big.patient(practice.ods, i);
        if (patient.supersededNhsNumbers !== undefined) withOld.push(patient);
      }
    expect(withOld.length).toBe(8);
    for (const patient of withOld) {
      const old = patient.supersededNhsNumbers![0]!;
      expect(isSyntheticNhsNumber(old)).toBe(true);
      expect(old).not.toBe(patient.nhsNumber);
      expect(big.findByNhsNumber(old)).toEqual(patient);
      expect(big.findRecordAt(patient.practiceOds, old)).toBeUndefined();
      expect(big.findRecordAt(patient.practiceOds, patient.nhsNumber)).toEqual(patient);
    }
  });

  it("covers every trait on both systems in the sample", () => {
    const sample = population.samplePatients();
    for (const system of ["emis", "tpp"])
      for (const trait of TRAITS)
        expect(
          sample.some(
            (p) => p.traits.includes(trait) && population.practice(p.practiceOds)?.system === system,
          ),
          `${trait} on ${system}`,
        ).toBe(true);
  });

  it("starts a 146-practice region of 6,000-patient lists without generating anyone", () => {
    const started = performance.now();
    const region = createPopulation({ seed: 1, referenceDate: REFERENCE_DATE, practices: 146 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(region.practices()).toHaveLength(146);
    expect(region.practices().reduce((n, p) => n + p.listSize, 0)).toBe(876_000);
    const last = region.practices()[145]!;
    expect(region.findByNhsNumber(region.patient(last.ods, 5999).nhsNumber)?.index).toBe(5999);
    expect(() => createPopulation({ practices: 152 })).toThrow(/999 range/);
    expect(() => createPopulation({ seed: 1.5 })).toThrow(/seed/);
    expect(() => createPopulation({ practise: 3 } as never)).toThrow(/unknown population option "practise"/);
    expect(() => region.addPractice("cerner" as never)).toThrow(/system/);
  });
});
