/** Consultations: the entry every encounter makes, and the everyday consultations of a record. */
import { addYears, fromDayNumber, toDayNumber } from "./calendar.js";
import { poisson } from "./distributions.js";
import type { Random } from "./random.js";
import { entryId, type Mutable, type RecordBuilder } from "./record-builder.js";
import { CONSULTATION_TYPES, ROUTINE_NARRATIVES } from "./record-terms.js";
import type { Consultation } from "./types.js";
import { addBloodPressure } from "./uncategorised.js";

/** A large record: this many consultations over the years (each with a measurement): thousands of entries. */
const LARGE_RECORD_CONSULTATIONS = 1200;

/** The years of everyday consultations a record holds (older care is what the problems brought). */
const ROUTINE_YEARS = 3;

/**
 * Consultations (every clinician, every kind) per patient-year, by age band and sex. Anchors: 5.5 per
 * patient-year overall and about 13.5 at 85–89 (QResearch for the NHS Information Centre, "Trends in
 * consultation rates in general practice 1995–2009", 2008 figures); men's crude rate 32% below women's, the
 * gap between 16 and 60 and none in childhood or old age (Wang et al., BMJ Open 2013;3:e003320). The bands in
 * between are interpolated, and children's rates are the project's own assumption; with England's age
 * structure the table averages about 5.2, men about 29% below women.
 */
const CONSULTATIONS_PER_YEAR: readonly {
  readonly from: number;
  readonly female: number;
  readonly male: number;
}[] = [
  { from: 85, female: 13.5, male: 13.5 },
  { from: 75, female: 11, male: 11 },
  { from: 65, female: 8.2, male: 7.8 },
  { from: 45, female: 6.4, male: 4 },
  { from: 16, female: 5.5, male: 2.6 },
  { from: 5, female: 2.5, male: 2.5 },
  { from: 0, female: 4.5, male: 4.5 },
];

/** Consultations a year expected for a patient of this age and sex. */
export function consultationsPerYear(age: number, gender: "male" | "female"): number {
  const band = CONSULTATIONS_PER_YEAR.find((b) => age >= b.from) ?? CONSULTATIONS_PER_YEAR[0];
  return band === undefined ? 0 : band[gender];
}

/** A consultation (by default of a drawn type, with a drawn clinician), which other entries may link to. */
export function addConsultation(
  b: RecordBuilder,
  date: string,
  narrative: string,
  problem?: string,
  sensitive?: boolean,
  type?: string,
  clinician?: string,
): Consultation {
  const consultation: Mutable<Consultation> = {
    id: entryId("C", b.consultations.length + 1),
    date,
    type: type ?? b.random.pick(CONSULTATION_TYPES),
    clinician: clinician ?? b.clinician(),
    narrative,
  };
  if (problem !== undefined) consultation.problem = problem;
  if (sensitive === true) consultation.sensitive = true;
  b.consultations.push(consultation);
  return consultation;
}

/**
 * Everyday consultations of the last three years, topping up what the other areas' care brought to the
 * number a patient of this age and sex has (CONSULTATIONS_PER_YEAR), some of an adult's with a blood
 * pressure; a large record has them since registration, each with a blood pressure.
 */
export function routineConsultations(b: RecordBuilder, registeredDay: number): void {
  const { random, end } = b;
  const adult = b.age >= 16;
  const from = b.large ? registeredDay : Math.max(registeredDay, toDayNumber(addYears(end, -ROUTINE_YEARS)));
  const count = b.large ? LARGE_RECORD_CONSULTATIONS : routineCount(b, random, from);
  for (let i = 0; i < count; i++) {
    const date = fromDayNumber(b.withinDays(from, b.endDay));
    const consultation = addConsultation(b, date, random.pick(ROUTINE_NARRATIVES));
    if (adult && (b.large || random.chance(0.3))) {
      addBloodPressure(b, date, { consultation: consultation.id, recordedBy: consultation.clinician }, false);
    }
  }
}

/** How many everyday consultations make the years since `from` hold the expected number, whatever else did. */
function routineCount(b: RecordBuilder, random: Random, from: number): number {
  const years = Math.max(0, b.endDay - from) / 365.25;
  const expected = poisson(random, consultationsPerYear(b.age, b.gender) * years);
  const fromDate = fromDayNumber(from);
  let already = 0;
  for (const consultation of b.consultations) if (consultation.date >= fromDate) already++;
  return Math.max(0, expected - already);
}
