/**
 * Generates one patient from (seed, practice ordinal, index) alone, so any patient of a large region can be
 * produced on demand, and applies the traits a scenario asked for. The record is clinically coherent: every
 * medication treats a problem the patient has, reviews of a long-term condition bring its tests and
 * measurements, vaccinations follow the English schedule, and nothing is dated before birth or after the
 * record's end (the reference date, or the date of death). Each clinical area is generated in a module of its
 * own; this one draws who the patient is and where they are registered, and calls on the areas in the order
 * their draws have always been made.
 */
import { allergyConsultations, allergyRecord } from "./allergies.js";
import { addYears, ageOn, maxDate, toDayNumber } from "./calendar.js";
import { PROBLEMS } from "./clinical-terms.js";
import { routineConsultations } from "./consultations.js";
import { birthDate, dateOfDeath, emailAddress, mobileNumber, patientName } from "./demographics.js";
import { diary } from "./diary.js";
import { uniformDate } from "./distributions.js";
import { declinedVaccinations, immunisationDissent, vaccinations, vaccineMakers } from "./immunisations.js";
import { stoppedAtDeath } from "./medications.js";
import { practiceLeft } from "./moved-practice.js";
import { practiceTown, syntheticAddress } from "./practices.js";
import { everydayPrescribing } from "./prescribing.js";
import { chronicCare } from "./problems.js";
import { Random } from "./random.js";
import { type Mutable, RecordBuilder } from "./record-builder.js";
import { newPatientCheck, recordSince } from "./record-in-transit.js";
import { suspectedCovid19 } from "./suspected-covid-19.js";
import { traitEntries } from "./trait-entries.js";
import {
  type AllergyRecord,
  type Clinician,
  type DiaryEntry,
  hasTrait,
  type Investigation,
  type Practice,
  type SyntheticPatient,
  type Trait,
} from "./types.js";
import { lifestyleMeasurements } from "./uncategorised.js";

const PATIENT_STREAM = 0x50415449;
const PRESCRIBING_STREAM = 0x50524553;

/**
 * Most long-term conditions a record holds: one fewer with trait `outpatient-medication`, which brings its
 * own; a large record holds every one drawn.
 */
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

  const gender = random.chance(0.5) ? "male" : "female";
  const born = birthDate(random, referenceDate, traits);
  const deceasedDate = hasTrait(traits, "deceased") ? dateOfDeath(random, born, referenceDate) : undefined;
  const end = deceasedDate ?? referenceDate;
  const name = patientName(random, gender, ageOn(born, end), hasTrait(traits, "unusual-name"));
  const address = syntheticAddress(random, practiceTown(practice));
  const telecom = mobileNumber(random);

  const firstRegistered = uniformDate(random, maxDate(born, addYears(end, -35)), end);
  const previousPractice = practiceLeft(random, traits, input.previousPractice, born, end);
  const registeredSince = previousPractice?.until ?? firstRegistered;
  const inTransit = hasTrait(traits, "record-in-transit") && previousPractice !== undefined;
  const recordStart = previousPractice?.since ?? registeredSince;
  const usualGp: Clinician = random.pick(practice.clinicians);

  const prescribing = new Random(seed, practice.ordinal, index, PRESCRIBING_STREAM);
  const large = hasTrait(traits, "large-record");
  const b = new RecordBuilder(random, practice, born, gender, end, large, prescribing);
  careOverTheYears(b, traits, recordStart);
  const allergies = allergyRecord(b, recordStart, traits);
  traitEntries(b, traits);
  // Drawn last, so that the rest of every record is as it was before they were generated.
  declinedVaccinations(b);
  if (inTransit) newPatientCheck(b, toDayNumber(registeredSince));
  diary(b, deceasedDate !== undefined);
  immunisationDissent(b);
  // After every other area's draws: the medicines of everyday practice, by age and sex.
  everydayPrescribing(b, recordStart);
  const email = emailAddress(random, name, ageOn(born, end));
  allergyConsultations(b, allergies);
  suspectedCovid19(b);
  vaccineMakers(b);

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
    dissent: hasTrait(traits, "dissent"),
    restricted: hasTrait(traits, "sensitive-patient"),
  };
  if (email !== undefined) patient.email = email;
  if (deceasedDate !== undefined) patient.deceasedDate = deceasedDate;
  patient.registration = hasTrait(traits, "inactive-registration") ? "inactive" : "active";
  if (previousPractice !== undefined) patient.previousPractice = previousPractice;
  if (input.supersededNhsNumbers !== undefined && input.supersededNhsNumbers.length > 0)
    patient.supersededNhsNumbers = [...input.supersededNhsNumbers];
  setRecordLists(patient, b, allergies, deceasedDate);
  if (!inTransit || wholeRecord) return patient as SyntheticPatient;
  patient.recordInTransit = true;
  return recordSince(patient as SyntheticPatient, registeredSince);
}

/** The care of the years before the traits' entries: long-term conditions, vaccinations, everyday care. */
function careOverTheYears(b: RecordBuilder, traits: readonly Trait[], recordStart: string): void {
  const maxProblems = b.large
    ? PROBLEMS.length
    : MAX_GENERATED_PROBLEMS - (hasTrait(traits, "outpatient-medication") ? 1 : 0);
  chronicCare(b, maxProblems);
  vaccinations(b, b.problems);
  const recordStartDay = toDayNumber(recordStart);
  lifestyleMeasurements(b, recordStartDay);
  routineConsultations(b, recordStartDay);
}

/** The record's lists, each in the order practices show it; a dead patient's medicines stopped at death. */
function setRecordLists(
  patient: Partial<Mutable<SyntheticPatient>>,
  b: RecordBuilder,
  allergies: AllergyRecord,
  deceasedDate: string | undefined,
): void {
  patient.problems = b.problems;
  patient.medications =
    deceasedDate === undefined ? b.medications : stoppedAtDeath(b.medications, deceasedDate);
  patient.allergies = allergies;
  patient.immunisations = sortedBy(b.immunisations, byDate);
  patient.consultations = sortedBy(b.consultations, byDate);
  patient.uncategorised = sortedBy(b.uncategorised, byDate);
  patient.investigations = sortedBy(b.investigations, byCollected);
  patient.referrals = sortedBy(b.referrals, byDate);
  patient.diaryEntries = sortedBy(b.diaryEntries, byPlanned);
  patient.immunisationStatuses = b.immunisationStatuses;
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
