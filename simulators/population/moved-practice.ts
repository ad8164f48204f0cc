/**
 * Traits `moved-practice` and `record-in-transit`: when the patient moved from the practice they left, and
 * the record that practice still holds.
 */
import { addDays, addYears, maxDate, minDate } from "./calendar.js";
import { uniformDate } from "./distributions.js";
import type { Random } from "./random.js";
import {
  type AllergyRecord,
  type Clinician,
  hasTrait,
  type Medication,
  type Practice,
  type Problem,
  type SyntheticPatient,
  type Trait,
} from "./types.js";

/** The registration a patient left: at which practice, until the move, and since when. */
type PracticeLeft = NonNullable<SyntheticPatient["previousPractice"]>;
/** From an author of the patient's record to the clinician of the practice left who stands for them. */
type AuthorMapping = (id: string) => string;

/**
 * For a patient who moved from `left`: moved in the last two years (in transit: the last few weeks);
 * registered at the old practice for years before. Undefined for everyone else.
 */
export function practiceLeft(
  random: Random,
  traits: readonly Trait[],
  left: Practice | undefined,
  born: string,
  end: string,
): PracticeLeft | undefined {
  const inTransit = hasTrait(traits, "record-in-transit");
  if (left === undefined || !(hasTrait(traits, "moved-practice") || inTransit)) return undefined;
  const movedOn = inTransit
    ? uniformDate(random, maxDate(addYears(born, 1), addDays(end, -42)), addDays(end, -7))
    : uniformDate(random, maxDate(addYears(born, 1), addYears(end, -2)), addDays(end, -14));
  const since = uniformDate(random, maxDate(born, addYears(movedOn, -20)), addDays(movedOn, -30));
  return { ods: left.ods, until: movedOn, since: minDate(since, movedOn) };
}

/**
 * The record as the practice a patient left still holds it: everything up to the move date, the
 * registration ended, the entries' authors mapped onto that practice's own clinicians.
 */
export function recordHeldByPreviousPractice(
  patient: SyntheticPatient,
  previous: Practice,
): SyntheticPatient | undefined {
  const moved = patient.previousPractice;
  if (moved === undefined || moved.ods !== previous.ods) return undefined;
  const until = moved.until;
  const staff = previous.clinicians;
  const clinicianIndex = (id: string) => Number(id.replace(/\D/g, "")) - 1;
  const author = (id: string) => (staff[Math.max(0, clinicianIndex(id)) % staff.length] as Clinician).id;
  const upTo = (date: string) => date <= until;
  const problems = problemsUpTo(patient.problems, until, author);
  const { previousPractice: _previous, recordInTransit: _inTransit, ...rest } = patient;
  return {
    ...rest,
    practiceOds: previous.ods,
    registeredSince: moved.since ?? patient.registeredSince,
    registration: "inactive",
    usualGp: staff[0] as Clinician,
    problems,
    medications: medicationsUpTo(patient.medications, until, new Set(problems.map((p) => p.id)), author),
    allergies: allergiesUpTo(patient.allergies, until, author),
    immunisations: patient.immunisations
      .filter((i) => upTo(i.date))
      .map((i) => ({ ...i, recordedBy: author(i.recordedBy) })),
    consultations: patient.consultations
      .filter((c) => upTo(c.date))
      .map((c) => ({ ...c, clinician: author(c.clinician) })),
    uncategorised: patient.uncategorised
      .filter((u) => upTo(u.date))
      .map((u) => ({ ...u, recordedBy: author(u.recordedBy) })),
    investigations: patient.investigations
      .filter((t) => upTo(t.reported) && !t.awaitingFiling)
      .map((t) => ({ ...t, requestedBy: author(t.requestedBy) })),
    referrals: patient.referrals
      .filter((r) => upTo(r.date))
      .map((r) => ({ ...r, requestedBy: author(r.requestedBy) })),
    // Recalls the old practice set are still in its diary, marked to the patient who has left.
    diaryEntries: patient.diaryEntries
      .filter((d) => upTo(d.authoredOn))
      .map((d) => ({ ...d, recordedBy: author(d.recordedBy) })),
    immunisationStatuses: patient.immunisationStatuses
      .filter((i) => upTo(i.date))
      .map((i) => ({ ...i, recordedBy: author(i.recordedBy) })),
  };
}

/** Problems begun by the move; one resolved after it was still active then. */
function problemsUpTo(problems: readonly Problem[], until: string, author: AuthorMapping): Problem[] {
  return problems
    .filter((p) => p.onset <= until)
    .map((p): Problem => {
      const { ended, ...rest } = p;
      const stillActive = ended !== undefined && ended > until;
      return {
        ...rest,
        recordedBy: author(p.recordedBy),
        ...(stillActive ? { status: "active" } : ended === undefined ? {} : { ended }),
      };
    });
}

/**
 * Medicines started by the move (not those awaiting filing), with the issues made by then; one stopped after
 * it was still active then, and one treating a problem not held no longer says so.
 */
function medicationsUpTo(
  medications: readonly Medication[],
  until: string,
  heldProblems: ReadonlySet<string>,
  author: AuthorMapping,
): Medication[] {
  const upTo = (date: string) => date <= until;
  return medications
    .filter((m) => upTo(m.started) && !m.awaitingFiling)
    .map((m): Medication => {
      const { ended, statusReason, ...rest } = m;
      const stillActive = ended === undefined || ended > until;
      return {
        ...rest,
        recordedBy: author(m.recordedBy),
        issues: m.issues.filter(upTo),
        ...(stillActive ? { status: "active" } : { ended, ...(statusReason ? { statusReason } : {}) }),
        ...(m.treats !== undefined && heldProblems.has(m.treats) ? {} : { treats: undefined }),
      };
    })
    .map((m) => (m.treats === undefined ? (({ treats: _t, ...rest }) => rest)(m) : m));
}

/** Allergies recorded by the move; "no known allergies" recorded after it was not yet said. */
function allergiesUpTo(record: AllergyRecord, until: string, author: AuthorMapping): AllergyRecord {
  const held: AllergyRecord =
    record.kind === "recorded"
      ? {
          kind: "recorded",
          allergies: record.allergies
            .filter((a) => a.recorded <= until)
            .map((a) => ({ ...a, recordedBy: author(a.recordedBy) })),
        }
      : record.kind === "no-known-allergies" && !(record.recorded <= until)
        ? { kind: "nothing-recorded" }
        : record;
  return held.kind === "recorded" && held.allergies.length === 0 ? { kind: "nothing-recorded" } : held;
}
