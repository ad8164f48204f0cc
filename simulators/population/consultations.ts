/** Consultations: the entry every encounter makes, and the everyday consultations of a record. */
import { addYears, fromDayNumber, toDayNumber } from "./calendar.js";
import { entryId, type Mutable, type RecordBuilder } from "./record-builder.js";
import { CONSULTATION_TYPES, ROUTINE_NARRATIVES } from "./record-terms.js";
import type { Consultation } from "./types.js";
import { addBloodPressure } from "./uncategorised.js";

/** A large record: this many consultations over the years (each with a measurement): thousands of entries. */
const LARGE_RECORD_CONSULTATIONS = 1200;

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
 * Everyday consultations: up to six in the last three years, some of an adult's with a blood pressure; a
 * large record has them since registration, each with a blood pressure.
 */
export function routineConsultations(b: RecordBuilder, registeredDay: number): void {
  const { random, end } = b;
  const adult = b.age >= 16;
  const count = b.large ? LARGE_RECORD_CONSULTATIONS : random.int(0, 6);
  const from = b.large ? registeredDay : Math.max(registeredDay, toDayNumber(addYears(end, -3)));
  for (let i = 0; i < count; i++) {
    const date = fromDayNumber(b.withinDays(from, b.endDay));
    const consultation = addConsultation(b, date, random.pick(ROUTINE_NARRATIVES));
    if (adult && (b.large || random.chance(0.3))) {
      addBloodPressure(b, date, { consultation: consultation.id, recordedBy: consultation.clinician }, false);
    }
  }
}
