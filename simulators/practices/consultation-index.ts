/**
 * The patient's consultations by the problem they were about and by day, built once per patient record (a
 * large record holds over a thousand, and every problem header and report looks its consultation up).
 */
import type { Consultation, SyntheticPatient } from "../population/types.js";

interface ConsultationIndex {
  /** The first consultation about each problem, in the record's order. */
  readonly byProblem: ReadonlyMap<string, Consultation>;
  /** The first consultation of each day. */
  readonly byDate: ReadonlyMap<string, Consultation>;
}

const indexes = new WeakMap<SyntheticPatient, ConsultationIndex>();

export function consultationIndex(patient: SyntheticPatient): ConsultationIndex {
  const known = indexes.get(patient);
  if (known !== undefined) return known;
  const byProblem = new Map<string, Consultation>();
  const byDate = new Map<string, Consultation>();
  for (const consultation of patient.consultations) {
    if (consultation.problem !== undefined && !byProblem.has(consultation.problem))
      byProblem.set(consultation.problem, consultation);
    if (!byDate.has(consultation.date)) byDate.set(consultation.date, consultation);
  }
  const index = { byProblem, byDate };
  indexes.set(patient, index);
  return index;
}
