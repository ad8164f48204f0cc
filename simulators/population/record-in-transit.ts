/**
 * Trait `record-in-transit`: the registration check the new practice records while GP2GP brings the record,
 * and the part of the record that practice holds meanwhile.
 */
import { fromDayNumber } from "./calendar.js";
import { addConsultation } from "./consultations.js";
import type { Mutable, RecordBuilder } from "./record-builder.js";
import type { AllergyRecord, SyntheticPatient } from "./types.js";
import { addBloodPressure } from "./uncategorised.js";

/** The first thing a new practice records: a registration check, while the old record is still on its way. */
export function newPatientCheck(b: RecordBuilder, registeredDay: number): void {
  const day = b.withinDays(registeredDay, registeredDay + 7);
  const date = fromDayNumber(day);
  const consultation = addConsultation(
    b,
    date,
    "New patient registration check. Previous GP record requested by GP2GP transfer.",
    undefined,
    undefined,
    "GP Surgery",
  );
  if (b.age >= 16)
    addBloodPressure(b, date, { consultation: consultation.id, recordedBy: consultation.clinician }, false);
}

/**
 * What a new practice holds while the GP2GP transfer is in transit: only what it recorded since the
 * patient registered (`since`); links to entries it does not hold are dropped with them.
 */
export function recordSince(patient: SyntheticPatient, since: string): SyntheticPatient {
  const after = (date: string) => date >= since;
  const problems = patient.problems
    .filter((p) => after(p.onset))
    .map((p) => {
      const related = p.relatedProblems?.filter((id) =>
        patient.problems.some((o) => o.id === id && after(o.onset)),
      );
      if (p.relatedProblems === undefined || related?.length === p.relatedProblems.length) return p;
      const { relatedProblems: _related, ...rest } = p;
      return related === undefined || related.length === 0 ? rest : { ...rest, relatedProblems: related };
    });
  const heldProblems = new Set(problems.map((p) => p.id));
  const consultations = patient.consultations.filter((c) => after(c.date));
  const heldConsultations = new Set(consultations.map((c) => c.id));
  /** The entry without the links to what is not held. */
  const linked = <T extends { readonly problem?: string; readonly consultation?: string }>(entry: T): T => {
    const dropProblem = entry.problem !== undefined && !heldProblems.has(entry.problem);
    const dropConsultation = entry.consultation !== undefined && !heldConsultations.has(entry.consultation);
    if (!dropProblem && !dropConsultation) return entry;
    const copy = { ...entry } as Mutable<T>;
    if (dropProblem) delete copy.problem;
    if (dropConsultation) delete copy.consultation;
    return copy;
  };
  const allergies: AllergyRecord =
    patient.allergies.kind === "recorded"
      ? { kind: "recorded", allergies: patient.allergies.allergies.filter((a) => after(a.recorded)) }
      : patient.allergies.kind === "no-known-allergies" && !after(patient.allergies.recorded)
        ? { kind: "nothing-recorded" }
        : patient.allergies;
  return {
    ...patient,
    problems,
    // A medicine for a problem recorded before the move stays with that problem in the old record.
    medications: patient.medications.filter(
      (m) => after(m.started) && (m.treats === undefined || heldProblems.has(m.treats)),
    ),
    allergies:
      allergies.kind === "recorded" && allergies.allergies.length === 0
        ? { kind: "nothing-recorded" }
        : allergies,
    immunisations: patient.immunisations.filter((i) => after(i.date)).map(linked),
    consultations: consultations.map(linked),
    uncategorised: patient.uncategorised.filter((u) => after(u.date)).map(linked),
    investigations: patient.investigations.filter((t) => after(t.collected)).map(linked),
    referrals: patient.referrals.filter((r) => after(r.date)).map(linked),
    diaryEntries: patient.diaryEntries.filter((d) => after(d.authoredOn)).map(linked),
    immunisationStatuses: patient.immunisationStatuses.filter((i) => after(i.date)),
  };
}
