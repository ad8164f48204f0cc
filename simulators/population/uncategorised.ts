/**
 * Uncategorised data: measurements and observations such as blood pressure, weight, BMI and smoking status,
 * alone or recorded in a consultation.
 */
import { fromDayNumber } from "./calendar.js";
import { gaussian } from "./distributions.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import {
  BLOOD_PRESSURE_READING,
  type ComponentTerm,
  MEASUREMENTS,
  type ReviewTemplate,
  TRANSFER_DEGRADED_RECORD_ENTRY,
} from "./record-terms.js";
import type { Coding, Measurement, MeasurementComponent, UncategorisedEntry } from "./types.js";

const SMOKING_STATUSES = [
  [MEASUREMENTS.neverSmoked, 55],
  [MEASUREMENTS.exSmoker, 30],
  [MEASUREMENTS.smoker, 15],
] as const;

export function addMeasurement(
  b: RecordBuilder,
  code: Coding,
  date: string,
  value: UncategorisedEntry["value"],
  links?: { consultation?: string; problem?: string; recordedBy?: string },
  components?: UncategorisedEntry["components"],
  legacyCode?: Coding,
): void {
  const entry = {
    id: entryId("U", b.uncategorised.length + 1),
    code,
  } as Mutable<UncategorisedEntry>;
  if (legacyCode !== undefined) entry.legacyCode = legacyCode;
  entry.date = date;
  if (value !== undefined) entry.value = value;
  if (components !== undefined) entry.components = components;
  entry.recordedBy = links?.recordedBy ?? b.clinician();
  if (links?.consultation !== undefined) entry.consultation = links.consultation;
  if (links?.problem !== undefined) entry.problem = links.problem;
  b.uncategorised.push(entry);
}

export function addBloodPressure(
  b: RecordBuilder,
  date: string,
  links: { consultation?: string; problem?: string; recordedBy?: string },
  raised: boolean,
) {
  const systolic = Math.round(gaussian(b.random, raised ? 142 : 124 + b.age / 4, 10));
  const diastolic = Math.round(gaussian(b.random, raised ? 86 : 76, 7));
  const { reading } = BLOOD_PRESSURE_READING;
  // mm[Hg] as the unit too: GP Connect's blood pressure page requires it, and EMIS's records write it so.
  addMeasurement(
    b,
    reading.code,
    date,
    undefined,
    links,
    [
      component(b, BLOOD_PRESSURE_READING.systolic, { value: systolic, unit: "mm[Hg]", ucum: "mm[Hg]" }),
      component(b, BLOOD_PRESSURE_READING.diastolic, { value: diastolic, unit: "mm[Hg]", ucum: "mm[Hg]" }),
    ],
    legacyCodeOf(reading, b.practice),
  );
}

function component(b: RecordBuilder, term: ComponentTerm, value: Measurement): MeasurementComponent {
  const legacyCode = legacyCodeOf(term, b.practice);
  return legacyCode === undefined
    ? { code: term.code, label: term.label, value }
    : { code: term.code, legacyCode, label: term.label, value };
}

/** An adult's smoking status, weight and BMI (weighed since registration). */
export function lifestyleMeasurements(b: RecordBuilder, registeredDay: number): void {
  if (b.age < 16) return;
  const random = b.random;
  const aged16 = b.birthdayDay(16);
  const date = fromDayNumber(b.withinDays(aged16, b.endDay));
  const smoking = random.weighted(SMOKING_STATUSES);
  addMeasurement(b, smoking, date, undefined);
  const weightDate = fromDayNumber(b.withinDays(Math.max(registeredDay, aged16), b.endDay));
  const weight = Math.max(40, Math.round(gaussian(random, b.gender === "male" ? 84 : 71, 12) * 10) / 10);
  addMeasurement(b, MEASUREMENTS.weight, weightDate, { value: weight, unit: "kg", ucum: "kg" });
  const bmi = Math.min(55, Math.max(16, Math.round(gaussian(random, 27, 4.5) * 10) / 10));
  addMeasurement(b, MEASUREMENTS.bmi, weightDate, { value: bmi, unit: "kg/m2", ucum: "kg/m2" });
}

/**
 * A review recorded through an EMIS template: its header entry, and the template's items filed under it (each
 * recorded without a code), all in the review's consultation. SystmOne's templates are not shown by its
 * capture, so its practices record the review's consultation alone.
 */
export function reviewTemplate(
  b: RecordBuilder,
  template: ReviewTemplate,
  date: string,
  links: { consultation: string; problem: string; recordedBy: string },
): void {
  if (b.practice.system !== "emis") return;
  const header = measurement(b, template.header.code, date, links, legacyCodeOf(template.header, b.practice));
  const items: string[] = [];
  for (const item of template.items) {
    const entry = measurement(b, TRANSFER_DEGRADED_RECORD_ENTRY, date, links);
    entry.text = item.text;
    entry.note = item.note;
    entry.filedUnder = header.id;
    items.push(entry.id);
  }
  header.templateItems = items;
}

/** A coded entry with no value, answered for further fields. */
function measurement(
  b: RecordBuilder,
  code: Coding,
  date: string,
  links: { consultation: string; problem: string; recordedBy: string },
  legacyCode?: Coding,
): Mutable<UncategorisedEntry> {
  addMeasurement(b, code, date, undefined, links, undefined, legacyCode);
  return b.uncategorised[b.uncategorised.length - 1] as Mutable<UncategorisedEntry>;
}
