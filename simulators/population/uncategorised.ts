/**
 * Uncategorised data: measurements and observations such as blood pressure, weight, BMI and smoking status,
 * alone or recorded in a consultation.
 */
import { fromDayNumber, toDayNumber } from "./calendar.js";
import { addConsultation } from "./consultations.js";
import { gaussian } from "./distributions.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import {
  BLOOD_PRESSURE_READING,
  type ComponentTerm,
  MEASUREMENTS,
  SUSPECTED_COVID_19,
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
  addMeasurement(
    b,
    reading.code,
    date,
    undefined,
    links,
    [
      component(b, BLOOD_PRESSURE_READING.systolic, { value: systolic, unit: "mmHg", ucum: "mm[Hg]" }),
      component(b, BLOOD_PRESSURE_READING.diastolic, { value: diastolic, unit: "mmHg", ucum: "mm[Hg]" }),
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

/** When practices recorded suspected COVID-19 from a telephone assessment: from the first lockdown to 2021's end. */
const COVID_SUSPECTED_FROM = toDayNumber("2020-03-16");
const COVID_SUSPECTED_TO = toDayNumber("2021-12-31");
/** Share of patients whose record holds a suspected COVID-19 in those months: the simulator's own figure. */
const COVID_SUSPECTED_SHARE = 0.03;

/**
 * Suspected COVID-19, assessed by telephone and recorded as a coded entry of its own. Drawn after the rest of
 * the record, so that its other draws stay as they were.
 */
export function suspectedCovid19(b: RecordBuilder): void {
  if (!b.random.chance(COVID_SUSPECTED_SHARE)) return;
  const day = b.random.int(COVID_SUSPECTED_FROM, COVID_SUSPECTED_TO);
  if (!b.inRecord(day)) return;
  const date = fromDayNumber(day);
  const consultation = addConsultation(
    b,
    date,
    "Fever and a new continuous cough for two days. Advised to self-isolate and book a test.",
    undefined,
    undefined,
    "Telephone",
  );
  addMeasurement(
    b,
    SUSPECTED_COVID_19.code,
    date,
    undefined,
    { consultation: consultation.id, recordedBy: consultation.clinician },
    undefined,
    legacyCodeOf(SUSPECTED_COVID_19, b.practice),
  );
}
