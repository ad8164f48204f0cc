/**
 * The patient's consultations by the problem they were about and by day, and what was recorded in each, built
 * once per patient record (a large record holds over a thousand, and every problem header, report and
 * consultation looks them up).
 */
import type {
  Allergy,
  Consultation,
  DiaryEntry,
  Immunisation,
  Referral,
  SyntheticPatient,
  UncategorisedEntry,
} from "../population/types.js";

/** What was recorded in one consultation, each kind in the record's order. */
export interface RecordedIn {
  readonly allergies: readonly Allergy[];
  readonly uncategorised: readonly UncategorisedEntry[];
  readonly immunisations: readonly Immunisation[];
  readonly referrals: readonly Referral[];
  readonly diaryEntries: readonly DiaryEntry[];
}

/** The same, as it is gathered. */
type Gathering = { readonly [Kind in keyof RecordedIn]: RecordedIn[Kind][number][] };

const NOTHING_RECORDED: RecordedIn = Object.freeze({
  allergies: Object.freeze([]),
  uncategorised: Object.freeze([]),
  immunisations: Object.freeze([]),
  referrals: Object.freeze([]),
  diaryEntries: Object.freeze([]),
});

interface ConsultationIndex {
  /** The first consultation about each problem, in the record's order. */
  readonly byProblem: ReadonlyMap<string, Consultation>;
  /** The first consultation of each day. */
  readonly byDate: ReadonlyMap<string, Consultation>;
  /** What was recorded in each consultation, by its id. */
  readonly recorded: ReadonlyMap<string, RecordedIn>;
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
  const recorded = new Map<string, Gathering>();
  const entry = (id: string): Gathering => {
    let held = recorded.get(id);
    if (held === undefined) {
      held = { allergies: [], uncategorised: [], immunisations: [], referrals: [], diaryEntries: [] };
      recorded.set(id, held);
    }
    return held;
  };
  if (patient.allergies.kind === "recorded")
    for (const a of patient.allergies.allergies)
      if (a.consultation !== undefined) entry(a.consultation).allergies.push(a);
  for (const u of patient.uncategorised)
    if (u.consultation !== undefined) entry(u.consultation).uncategorised.push(u);
  for (const i of patient.immunisations)
    if (i.consultation !== undefined) entry(i.consultation).immunisations.push(i);
  for (const r of patient.referrals)
    if (r.consultation !== undefined) entry(r.consultation).referrals.push(r);
  for (const d of patient.diaryEntries)
    if (d.consultation !== undefined) entry(d.consultation).diaryEntries.push(d);
  const index = { byProblem, byDate, recorded };
  indexes.set(patient, index);
  return index;
}

/** What was recorded in the consultation: nothing, when nothing was. */
export function recordedIn(patient: SyntheticPatient, consultationId: string): RecordedIn {
  return consultationIndex(patient).recorded.get(consultationId) ?? NOTHING_RECORDED;
}
