/**
 * Generates one patient from (seed, practice ordinal, index) alone, so any patient of a large region can be
 * produced on demand, and applies the traits a scenario asked for. The record is clinically coherent: every
 * medication treats a problem the patient has, reviews of a long-term condition bring its tests and
 * measurements, vaccinations follow the English schedule, and nothing is dated before birth or after the
 * record's end (the reference date, or the date of death).
 */

import { allergyRecord } from "./allergies.js";
import { addDays, addYears, ageOn, fromDayNumber, maxDate, minDate, toDayNumber } from "./calendar.js";
import { PROBLEMS } from "./clinical-terms.js";
import { addConsultation, routineConsultations } from "./consultations.js";
import { birthDate, dateOfDeath, mobileNumber, patientName } from "./demographics.js";
import { diary } from "./diary.js";
import { uniformDate } from "./distributions.js";
import { declinedVaccinations, immunisationDissent, vaccinations } from "./immunisations.js";
import { stoppedAtDeath } from "./medications.js";
import { practiceTown, syntheticAddress } from "./practices.js";
import { chronicCare } from "./problems.js";
import { Random } from "./random.js";
import { type Mutable, RecordBuilder } from "./record-builder.js";
import { traitEntries } from "./trait-entries.js";
import type {
  AllergyRecord,
  Clinician,
  DiaryEntry,
  Investigation,
  Medication,
  Practice,
  Problem,
  SyntheticPatient,
  Trait,
} from "./types.js";
import { hasTrait } from "./types.js";
import { addBloodPressure, lifestyleMeasurements } from "./uncategorised.js";

const PATIENT_STREAM = 0x50415449;

const MAX_GENERATED_PROBLEMS = 4;

export interface PatientSeed {
  readonly seed: number;
  readonly referenceDate: string;
  readonly practice: Practice;
  readonly index: number;
  readonly nhsNumber: string;
  readonly traits: readonly Trait[];
  /** For `moved-practice`: the practice the patient left (chosen by the population). */
  readonly previousPractice?: Practice;
  /** Older numbers PDS knows as superseded by this one. */
  readonly supersededNhsNumbers?: readonly string[];
}

/** The first thing a new practice records: a registration check, while the old record is still on its way. */
function newPatientCheck(b: RecordBuilder, registeredDay: number): void {
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

const byDate = (a: { readonly date: string }, b: { readonly date: string }) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
const byPlanned = (a: DiaryEntry, b: DiaryEntry) =>
  a.planned < b.planned ? -1 : a.planned > b.planned ? 1 : 0;
const byCollected = (a: Investigation, b: Investigation) =>
  a.collected < b.collected ? -1 : a.collected > b.collected ? 1 : 0;

/**
 * The patient as their registered practice holds them. For `record-in-transit`, `wholeRecord` gives the
 * whole record instead (what the practice they left holds, and what GP2GP will bring).
 */
export function generatePatient(input: PatientSeed, wholeRecord = false): SyntheticPatient {
  const { seed, referenceDate, practice, index, nhsNumber, traits } = input;
  const random = new Random(seed, practice.ordinal, index, PATIENT_STREAM);
  const has = (trait: Trait) => hasTrait(traits, trait);

  const gender = random.chance(0.5) ? "male" : "female";
  const born = birthDate(random, referenceDate, traits);
  const deceasedDate = has("deceased") ? dateOfDeath(random, born, referenceDate) : undefined;
  const end = deceasedDate ?? referenceDate;
  const name = patientName(random, gender, ageOn(born, end), has("unusual-name"));
  const address = syntheticAddress(random, practiceTown(practice));
  const telecom = mobileNumber(random);

  let registeredSince = uniformDate(random, maxDate(born, addYears(end, -35)), end);
  let previousPractice: SyntheticPatient["previousPractice"];
  const inTransit = has("record-in-transit") && input.previousPractice !== undefined;
  if ((has("moved-practice") || inTransit) && input.previousPractice !== undefined) {
    // Moved in the last two years (in transit: the last few weeks); registered at the old practice for
    // years before.
    const movedOn = inTransit
      ? uniformDate(random, maxDate(addYears(born, 1), addDays(end, -42)), addDays(end, -7))
      : uniformDate(random, maxDate(addYears(born, 1), addYears(end, -2)), addDays(end, -14));
    const since = uniformDate(random, maxDate(born, addYears(movedOn, -20)), addDays(movedOn, -30));
    previousPractice = { ods: input.previousPractice.ods, until: movedOn, since: minDate(since, movedOn) };
    registeredSince = movedOn;
  }
  const recordStart = previousPractice?.since ?? registeredSince;
  const usualGp: Clinician = random.pick(practice.clinicians);

  const large = has("large-record");
  const b = new RecordBuilder(random, practice, born, gender, end, large);
  const maxProblems = large
    ? PROBLEMS.length
    : MAX_GENERATED_PROBLEMS - (has("outpatient-medication") ? 1 : 0);
  chronicCare(b, maxProblems);
  vaccinations(b, b.problems);
  const recordStartDay = toDayNumber(recordStart);
  lifestyleMeasurements(b, recordStartDay);
  routineConsultations(b, recordStartDay);

  const allergies = allergyRecord(b, recordStart, traits);

  traitEntries(b, traits);
  // Drawn last, so that the rest of every record is as it was before they were generated.
  declinedVaccinations(b);
  if (inTransit) newPatientCheck(b, toDayNumber(registeredSince));
  diary(b, deceasedDate !== undefined);
  immunisationDissent(b);

  const medications =
    deceasedDate === undefined ? b.medications : stoppedAtDeath(b.medications, deceasedDate);

  // Optional fields only when present (no undefined values), in the order the record has always had.
  const patient: Partial<Mutable<SyntheticPatient>> = {
    nhsNumber,
    practiceOds: practice.ods,
    index,
    traits: [...traits],
    name,
    gender,
    birthDate: born,
    address,
    telecom,
    registeredSince,
    usualGp,
    dissent: has("dissent"),
    restricted: has("sensitive-patient"),
  };
  if (deceasedDate !== undefined) patient.deceasedDate = deceasedDate;
  patient.registration = has("inactive-registration") ? "inactive" : "active";
  if (previousPractice !== undefined) patient.previousPractice = previousPractice;
  if (input.supersededNhsNumbers !== undefined && input.supersededNhsNumbers.length > 0)
    patient.supersededNhsNumbers = [...input.supersededNhsNumbers];
  patient.problems = b.problems;
  patient.medications = medications;
  patient.allergies = allergies;
  patient.immunisations = sortedBy(b.immunisations, byDate);
  patient.consultations = sortedBy(b.consultations, byDate);
  patient.uncategorised = sortedBy(b.uncategorised, byDate);
  patient.investigations = sortedBy(b.investigations, byCollected);
  patient.referrals = sortedBy(b.referrals, byDate);
  patient.diaryEntries = sortedBy(b.diaryEntries, byPlanned);
  patient.immunisationStatuses = b.immunisationStatuses;
  if (!inTransit || wholeRecord) return patient as SyntheticPatient;
  patient.recordInTransit = true;
  return recordSince(patient as SyntheticPatient, registeredSince);
}

/**
 * What a new practice holds while the GP2GP transfer is in transit: only what it recorded since the
 * patient registered (`since`); links to entries it does not hold are dropped with them.
 */
function recordSince(patient: SyntheticPatient, since: string): SyntheticPatient {
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

/**
 * Sorts in place, stably. Most lists hold a handful of entries, for which an insertion sort (moving only
 * entries strictly after, so the order is the same as Array.prototype.sort's) costs far less than the call.
 */
function sortedBy<T>(items: T[], order: (a: T, b: T) => number): T[] {
  if (items.length > 32) return items.sort(order);
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && order(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
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

  const problems = patient.problems
    .filter((p) => upTo(p.onset))
    .map((p): Problem => {
      const { ended, ...rest } = p;
      const stillActive = ended !== undefined && ended > until;
      return {
        ...rest,
        recordedBy: author(p.recordedBy),
        ...(stillActive ? { status: "active" } : ended === undefined ? {} : { ended }),
      };
    });
  const kept = new Set(problems.map((p) => p.id));
  const medications = patient.medications
    .filter((m) => upTo(m.started) && !m.awaitingFiling)
    .map((m): Medication => {
      const { ended, ...rest } = m;
      const stillActive = ended === undefined || ended > until;
      return {
        ...rest,
        recordedBy: author(m.recordedBy),
        issues: m.issues.filter(upTo),
        ...(stillActive ? { status: "active" } : { ended }),
        ...(m.treats !== undefined && kept.has(m.treats) ? {} : { treats: undefined }),
      };
    })
    .map((m) => (m.treats === undefined ? (({ treats: _t, ...rest }) => rest)(m) : m));
  const allergies: AllergyRecord =
    patient.allergies.kind === "recorded"
      ? {
          kind: "recorded",
          allergies: patient.allergies.allergies
            .filter((a) => upTo(a.recorded))
            .map((a) => ({ ...a, recordedBy: author(a.recordedBy) })),
        }
      : patient.allergies.kind === "no-known-allergies" && !upTo(patient.allergies.recorded)
        ? { kind: "nothing-recorded" }
        : patient.allergies;
  const { previousPractice: _previous, recordInTransit: _inTransit, ...rest } = patient;
  return {
    ...rest,
    practiceOds: previous.ods,
    registeredSince: moved.since ?? patient.registeredSince,
    registration: "inactive",
    usualGp: staff[0] as Clinician,
    problems,
    medications,
    allergies:
      allergies.kind === "recorded" && allergies.allergies.length === 0
        ? { kind: "nothing-recorded" }
        : allergies,
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
