/**
 * Everyday prescribing: beside the medicine of each long-term condition (problems.ts), the medicines a
 * patient of this age and sex takes now (topped up to a count drawn from the Health Survey for England's
 * figures, each with the problem it treats), earlier medicines stopped and replaced, and the short courses of
 * everyday illness over the years of the record. Drawn from the record's prescribing stream, after every
 * other area, so the rest of the record is as it was without them.
 */
import { addDays, fromDayNumber, minDate, toDayNumber } from "./calendar.js";
import { DRUGS, type DrugTerm, PROBLEMS } from "./clinical-terms.js";
import { addMedication, isRepeat } from "./medications.js";
import {
  ACUTE_COURSES,
  ACUTE_COURSES_A_YEAR,
  FEMALE_UNDER_65_EXTRA,
  LONG_TERM_MEDICINES,
  type LongTermMedicine,
  MEDICINES_BY_AGE,
  STOP_REASONS,
} from "./prescribing-terms.js";
import type { Random } from "./random.js";
import type { RecordBuilder } from "./record-builder.js";
import type { Medication } from "./types.js";

/** Most short courses a normal record shows (a large record shows every one). */
const MAX_ACUTE_COURSES = 12;
/** Years of short courses a normal record shows. */
const ACUTE_YEARS_SHOWN = 10;
/** Share of records with a long-term medicine taken for a while and stopped, beside those replaced. */
const STOPPED_EARLIER_SHARE = 0.25;
/** Share of current repeats that replaced an earlier medicine, stopped. */
const SWITCHED_SHARE = 0.3;

/** Earlier medicines a current one replaced, and why the earlier one was stopped. */
const REPLACED: ReadonlyMap<string, { readonly earlier: DrugTerm; readonly reason: string }> = new Map([
  [DRUGS.ramipril5.product.code, { earlier: DRUGS.amlodipine5, reason: "Adverse reaction (ankle swelling)" }],
  [DRUGS.amlodipine5.product.code, { earlier: DRUGS.ramipril5, reason: "Adverse reaction (dry cough)" }],
  [
    DRUGS.sertraline50.product.code,
    { earlier: DRUGS.citalopram20, reason: "Clinical grounds (not effective)" },
  ],
  [DRUGS.citalopram20.product.code, { earlier: DRUGS.sertraline50, reason: "Adverse reaction (nausea)" }],
  [
    DRUGS.levothyroxine100.product.code,
    { earlier: DRUGS.levothyroxine50, reason: "Change to medication treatment regime (dose increased)" },
  ],
  [
    DRUGS.cocodamol30_500.product.code,
    { earlier: DRUGS.paracetamol500, reason: "Change to medication treatment regime (pain not controlled)" },
  ],
]);

export function everydayPrescribing(b: RecordBuilder, recordStart: string): void {
  let current = 0;
  for (const m of b.medications) if (isCurrentRepeat(m)) current++;
  const target = currentMedicinesTarget(b, current);
  if (target > current) topUp(b, target - current);
  replacedMedicines(b);
  everydayCourses(b, recordStart);
}

const isCurrentRepeat = (m: Medication): boolean =>
  m.status === "active" && isRepeat(m.type) && m.prescriber.kind === "practice";

/** How many medicines the patient takes now: none, 1-2, 3-5 or 6-9, by the survey's shares for age and sex. */
function currentMedicinesTarget(b: RecordBuilder, current: number): number {
  const rx = b.prescribing;
  let band = MEDICINES_BY_AGE[0] as (typeof MEDICINES_BY_AGE)[number];
  for (const step of MEDICINES_BY_AGE) if (b.age >= step.fromAge) band = step;
  const extra = b.gender === "female" && b.age >= 16 && b.age < 65 ? FEMALE_UNDER_65_EXTRA : 0;
  const atLeastOne = band.atLeastOne + extra;
  // Those already on a condition's medicine count towards the survey's share, so fewer others need one.
  const onConditionMedicine = current > 0 ? 1 : 0;
  const chronic = Math.min(0.95, conditionMedicineShare(b.age));
  const needed = onConditionMedicine ? 1 : Math.max(0, (atLeastOne - chronic) / (1 - chronic));
  const first = rx.next();
  if (first >= needed) return 0;
  const draw = (first / needed) * atLeastOne;
  if (draw >= band.atLeastThree) return rx.int(1, 2);
  if (draw >= band.atLeastSix) return rx.int(3, 5);
  return rx.int(6, 9);
}

/** The share of people of this age on a long-term condition's medicine already (problems.ts's prevalences). */
function conditionMedicineShare(age: number): number {
  let none = 1;
  for (const term of PROBLEMS) {
    if (term.drugs.length === 0) continue;
    let p = 0;
    for (const [fromAge, probability] of term.prevalence) if (age >= fromAge) p = probability;
    none *= 1 - p;
  }
  return 1 - none;
}

interface Eligibility {
  readonly fromAge: number;
  readonly toAge?: number;
  readonly femaleOnly?: boolean;
  readonly weight: number;
}

const opensAt = (age: number, female: boolean, m: Eligibility): boolean =>
  age >= m.fromAge && (m.toAge === undefined || age <= m.toAge) && (!m.femaleOnly || female);

/**
 * One item drawn by weight among those open at this age and sex and not yet taken, with one draw as
 * Random.weighted makes it, and without building a list (it runs for every course of every record).
 */
function pickOne<T extends Eligibility>(
  rx: Random,
  items: readonly T[],
  age: number,
  female: boolean,
  taken?: ReadonlySet<T>,
): T | undefined {
  let total = 0;
  for (const item of items) if (opensAt(age, female, item) && !taken?.has(item)) total += item.weight;
  if (total === 0) return undefined;
  let target = rx.next() * total;
  let last: T | undefined;
  for (const item of items) {
    if (!opensAt(age, female, item) || taken?.has(item)) continue;
    last = item;
    target -= item.weight;
    if (target < 0) return item;
  }
  return last;
}

/** Long-term medicines the record does not hold yet, each with the problem it treats, started over the years. */
function topUp(b: RecordBuilder, count: number): void {
  const taken = new Set<LongTermMedicine>();
  for (const medicine of LONG_TERM_MEDICINES)
    if (b.medications.some((m) => m.product.code === medicine.drug.product.code)) taken.add(medicine);
  const female = b.gender === "female";
  for (let i = 0; i < count; i++) {
    const medicine = pickOne(b.prescribing, LONG_TERM_MEDICINES, b.age, female, taken);
    if (medicine === undefined) return;
    taken.add(medicine);
    const earliest = toDayNumber(addDays(b.born, Math.round(medicine.fromAge * 365.25)));
    const started = fromDayNumber(b.withinDays(Math.max(earliest, b.endDay - 10 * 365), b.endDay - 14));
    const treats = indicationProblem(b, medicine, started);
    addMedication(b, medicine.drug, started, { type: "repeat", ...(treats ? { treats } : {}) });
  }
  if (b.prescribing.chance(STOPPED_EARLIER_SHARE)) stoppedEarlier(b, taken);
}

/** A long-term medicine taken for a while and stopped, for one of the reasons practices record. */
function stoppedEarlier(b: RecordBuilder, taken: ReadonlySet<LongTermMedicine>): void {
  const rx = b.prescribing;
  const medicine = pickOne(rx, LONG_TERM_MEDICINES, b.age, b.gender === "female", taken);
  if (medicine === undefined) return;
  const earliest = toDayNumber(addDays(b.born, Math.round(medicine.fromAge * 365.25)));
  const startedDay = b.withinDays(Math.max(earliest, b.endDay - 10 * 365), b.endDay - 120);
  const endedDay = Math.min(b.endDay - 7, startedDay + rx.int(90, 720));
  if (endedDay <= startedDay) return;
  const started = fromDayNumber(startedDay);
  const treats = indicationProblem(b, medicine, started);
  addMedication(b, medicine.drug, started, {
    type: "repeat",
    status: "stopped",
    ended: fromDayNumber(endedDay),
    stopReason: rx.pick(STOP_REASONS),
    ...(treats ? { treats } : {}),
  });
}

/**
 * The problem a medicine treats, when the record holds it. Problems are drawn by problems.ts alone, so a
 * medicine whose problem the record does not hold is recorded without one, as unlinked medicines are.
 */
function indicationProblem(
  b: RecordBuilder,
  medicine: LongTermMedicine,
  started: string,
): string | undefined {
  const indication = medicine.indication;
  if (indication === undefined) return undefined;
  const held = b.problems.find(
    (p) => p.code.code === indication.code && p.status === "active" && p.onset <= started,
  );
  return held?.id;
}

/** Some current repeats replaced an earlier medicine for the same problem: the earlier one, stopped and why. */
function replacedMedicines(b: RecordBuilder): void {
  const rx = b.prescribing;
  for (const medication of b.medications.filter((m) => isCurrentRepeat(m) && m.treats !== undefined)) {
    const replaced = REPLACED.get(medication.product.code);
    if (replaced === undefined || !rx.chance(SWITCHED_SHARE)) continue;
    const ended = courseStarted(b.medications, medication);
    const onset = b.problems.find((p) => p.id === medication.treats)?.onset ?? ended;
    const endedDay = toDayNumber(ended);
    const from = Math.max(toDayNumber(onset), endedDay - rx.int(60, 720));
    if (from > endedDay - 30) continue;
    const started = fromDayNumber(b.withinDays(from, endedDay - 30));
    if (started >= ended || started < onset) continue;
    addMedication(b, replaced.earlier, started, {
      type: "repeat",
      status: "stopped",
      ended,
      treats: medication.treats as string,
      stopReason: replaced.reason,
    });
  }
}

/** When a course began: the start of the first of its authorisations the record holds. */
function courseStarted(medications: readonly Medication[], medication: Medication): string {
  let first = medication;
  const byId = new Map(medications.map((m) => [m.id, m]));
  while (first.priorPrescription !== undefined) first = byId.get(first.priorPrescription) ?? first;
  return first.started;
}

/** Short courses of everyday illness over the record's years, some as delayed prescriptions; all completed. */
function everydayCourses(b: RecordBuilder, recordStart: string): void {
  const rx = b.prescribing;
  let rate = 0;
  for (const [fromAge, perYear] of ACUTE_COURSES_A_YEAR) if (b.age >= fromAge) rate = perYear;
  if (b.gender === "female" && b.age >= 16 && b.age < 65) rate += 0.1;
  const shownFrom = b.large ? b.bornDay : b.endDay - Math.round(ACUTE_YEARS_SHOWN * 365.25);
  const firstDay = Math.max(toDayNumber(recordStart), b.bornDay, shownFrom);
  const years = Math.max(0, (b.endDay - firstDay) / 365.25);
  const expected = rate * years * (0.5 + rx.next());
  const count = Math.min(Math.round(expected), b.large ? 80 : MAX_ACUTE_COURSES);
  for (let i = 0; i < count; i++) {
    const day = b.withinDays(firstDay, b.endDay);
    const ageThen = Math.floor((day - b.bornDay) / 365.25);
    const course = pickOne(rx, ACUTE_COURSES, ageThen, b.gender === "female");
    if (course === undefined) continue;
    const started = fromDayNumber(day);
    const delayed = course.delayed !== undefined && rx.chance(course.delayed);
    const ended = minDate(addDays(started, course.drug.supplyDays), b.end);
    addMedication(b, course.drug, started, {
      type: delayed ? "delayed-prescribing" : "acute",
      status: "completed",
      ended,
    });
  }
}
