/** The synthetic population's domain model: what a practice holds, before any wire format. */

export type ClinicalSystem = "emis" | "tpp";

/** Traits a scenario can ask for when it creates a patient. */
export const TRAITS = [
  "outpatient-medication",
  "dissent",
  "sensitive-items",
  "deceased",
  "moved-practice",
  "no-allergies-recorded",
  "no-known-allergies",
  "large-record",
  "awaiting-filing",
  "unusual-name",
  "sensitive-patient",
  "inactive-registration",
  "record-in-transit",
  "superseded-number",
  "unusual-content",
  "stopped-medication",
] as const;
export type Trait = (typeof TRAITS)[number];

/** Whether the patient has the trait; most have none, and skip the search. */
export function hasTrait(traits: readonly Trait[], trait: Trait): boolean {
  return traits.length > 0 && traits.includes(trait);
}

export interface Practice {
  /** Position in the region: practices are generated from (seed, ordinal). */
  readonly ordinal: number;
  /** ODS organisation code, e.g. "C84001". */
  readonly ods: string;
  readonly name: string;
  readonly system: ClinicalSystem;
  /** Spine accredited system id of the practice's GP Connect provider system. */
  readonly asid: string;
  /** MHS party key, as SDS carries it: "{ODS}-{6 digits}". */
  readonly partyKey: string;
  readonly address: Address;
  /** How many patients the generated list holds (indices 0..listSize-1); created patients come after. */
  readonly listSize: number;
  /** The practice's GPs; every patient's usual GP and every entry's author is one of them. */
  readonly clinicians: readonly Clinician[];
  /**
   * Whether the practice has enabled GP Connect sharing (Access Record Structured). A practice that has not
   * answers every record request 403 ACCESS DENIED.
   */
  readonly sharingEnabled: boolean;
}

/** How a scenario wants an added practice to differ from a generated one. */
export interface PracticeOptions {
  /** Default true. */
  readonly sharingEnabled?: boolean;
}

export interface Address {
  readonly line: readonly string[];
  readonly city: string;
  readonly district?: string;
  readonly postalCode: string;
}

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

export interface Clinician {
  /** Stable id within the practice (used for resource ids). */
  readonly id: string;
  readonly family: string;
  readonly given: string;
  readonly prefix: string;
  /** GMC / GMP number as the supplier would carry it (synthetic). */
  readonly sdsUserId: string;
  readonly role: string;
}

export interface Problem {
  readonly id: string;
  /** SNOMED CT concept. */
  readonly code: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2 / EMIS local; TPP: CTV3), when the supplier carries one. */
  readonly legacyCode?: Coding;
  readonly onset: string;
  readonly status: "active" | "inactive";
  readonly significance: "major" | "minor";
  readonly recordedBy: string;
  /** When an inactive problem ended (Condition.abatementDateTime). */
  readonly ended?: string;
  /** Ids of other problems this one is related to (a complication of, or a cause of). */
  readonly relatedProblems?: readonly string[];
  /** In a sensitive exclusion set (IVF, STI, termination of pregnancy, gender reassignment): never shared. */
  readonly sensitive?: boolean;
}

export type Prescriber =
  | { readonly kind: "practice" }
  | { readonly kind: "hospital-outpatient"; readonly organisation: string }
  | { readonly kind: "hospital-discharge"; readonly organisation: string };

export interface Medication {
  readonly id: string;
  /** dm+d product (VMP/AMP), SNOMED CT code system. */
  readonly product: Coding;
  /** The supplier's own code for the product, beside dm+d (EMIS: its drug code), when one is known. */
  readonly localCode?: Coding;
  /** The product's name as the prescriber's system gave it, where dm+d names it otherwise now. */
  readonly productTerm?: string;
  readonly dosage: string;
  readonly quantity: { readonly value: number; readonly unit: string };
  /** Days one issue lasts (the expected supply duration). */
  readonly supplyDays: number;
  readonly type: PrescriptionType;
  readonly prescriber: Prescriber;
  readonly started: string;
  readonly status: "active" | "completed" | "stopped";
  /** Dates of issues made by the practice; empty when prescribed elsewhere. */
  readonly issues: readonly string[];
  /** The problem this treats, by id, when there is one. */
  readonly treats?: string;
  readonly recordedBy: string;
  /** When a completed or stopped course ended (MedicationStatement.effectivePeriod.end). */
  readonly ended?: string;
  /** Treats a problem in a sensitive exclusion set: never shared. */
  readonly sensitive?: boolean;
  /** On a hospital letter not yet filed into the record: withheld, and the list warns `data-awaiting-filing`. */
  readonly awaitingFiling?: boolean;
  /** A repeat's authorisation: how many issues it allows, how many were made, and when it expires. */
  readonly authorisation?: {
    readonly repeatsAllowed: number;
    readonly repeatsIssued: number;
    readonly expires: string;
  };
  /** Why and when a stopped medication was stopped (GP Connect's MedicationStatusReason). */
  readonly statusReason?: { readonly date: string; readonly text: string };
  /** The medication (by id) whose authorisation this one renews: a repeat re-authorised. */
  readonly priorPrescription?: string;
  /** What the prescriber wrote for the patient beside the dosage. */
  readonly patientInstruction?: string;
  /** The prescriber's own note on the prescription (for the practice and the pharmacy, not the patient). */
  readonly prescriberNote?: string;
}

/** GP Connect's prescription types (CareConnect-PrescriptionType-1). */
export type PrescriptionType = "acute" | "repeat" | "repeat-dispensing" | "delayed-prescribing";

export interface Immunisation {
  readonly id: string;
  /**
   * The vaccination procedure (SNOMED CT), as GP systems record it; for one not given, the situation
   * ("Influenza vaccination declined").
   */
  readonly procedure: Coding;
  readonly legacyCode?: Coding;
  readonly date: string;
  /** Dose number in a course, when the schedule has more than one. */
  readonly doseSequence?: number;
  readonly recordedBy: string;
  /** The consultation it was given in (or, not given, recorded in). */
  readonly consultation?: string;
  /** Intended but not given (declined, contraindicated): why, as GP Connect's reasonNotGiven carries it. */
  readonly notGiven?: { readonly reason: Coding };
  /** Who made the vaccine given (a dose given only). */
  readonly manufacturer?: string;
}

/**
 * A diary entry (a recall): an action planned for a date or a period, not yet done. Only active entries
 * are held; completed and cancelled ones leave the diary.
 */
export interface DiaryEntry {
  readonly id: string;
  /** What is to be done (SNOMED CT). */
  readonly code: Coding;
  /** The words the clinician picked, where they are a synonym rather than the concept's preferred term. */
  readonly term?: string;
  /** The planned day, or the first day of the planned period. */
  readonly planned: string;
  /** The last day of the planned period, when it is a period. */
  readonly plannedUntil?: string;
  /** When it was entered. */
  readonly authoredOn: string;
  readonly recordedBy: string;
  /** The consultation it was set in. */
  readonly consultation?: string;
  /** The problem it is about, by id. */
  readonly problem?: string;
  /** Free text beyond the code. */
  readonly note?: string;
}

/**
 * The patient's consent or dissent to immunisation, recorded as a coded entry (GP Connect returns these in the
 * immunisations list, as Observations, unless `includeStatus` is false).
 */
export interface ImmunisationStatus {
  readonly id: string;
  readonly code: Coding;
  readonly date: string;
  readonly recordedBy: string;
  /** What the clinician wrote beside the code. */
  readonly note: string;
}

/** A measurement in the record outside the clinical areas (GP Connect's "uncategorised data"). */
export interface UncategorisedEntry {
  readonly id: string;
  readonly code: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2; TPP: CTV3), when the supplier carries one. */
  readonly legacyCode?: Coding;
  readonly date: string;
  readonly value?: Measurement;
  /** Blood pressure: systolic and diastolic as components. */
  readonly components?: readonly MeasurementComponent[];
  readonly recordedBy: string;
  readonly consultation?: string;
  /** The problem it relates to, by id. */
  readonly problem?: string;
  /** The words of an item a template records without a code (its code then says so), as the template puts them. */
  readonly text?: string;
  /** What the clinician wrote beside it. */
  readonly note?: string;
  /** The entry (by id) a template filed this one under: the header of the template's group. */
  readonly filedUnder?: string;
  /** A template group's header: the entries (by id) filed under it, in the template's order. */
  readonly templateItems?: readonly string[];
}

/** One part of a reading recorded in parts (blood pressure's systolic and diastolic). */
export interface MeasurementComponent {
  readonly code: Coding;
  readonly legacyCode?: Coding;
  /** What the template that records the reading calls this part ("Systolic blood pressure"). */
  readonly label: string;
  readonly value: Measurement;
}

export interface Measurement {
  readonly value: number;
  /** Human unit, e.g. "mmol/L". */
  readonly unit: string;
  /** UCUM code, e.g. "mmol/L", "mm[Hg]". */
  readonly ucum: string;
}

export interface TestResult {
  readonly id: string;
  readonly code: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2; TPP: CTV3), when the supplier carries one. */
  readonly legacyCode?: Coding;
  readonly value: Measurement;
  readonly low?: number;
  readonly high?: number;
  /** H or L when outside the reference range. */
  readonly flag?: "H" | "L";
}

/** A pathology report filed into the record, with its results. */
export interface Investigation {
  readonly id: string;
  /** The test requested, e.g. "HbA1c", "Urea and electrolytes". */
  readonly test: Coding;
  readonly specimen: Coding;
  readonly collected: string;
  readonly reported: string;
  readonly laboratory: string;
  readonly results: readonly TestResult[];
  readonly requestedBy: string;
  readonly problem?: string;
  /** Received but not yet filed by a clinician: withheld, and the list warns `data-awaiting-filing`. */
  readonly awaitingFiling?: boolean;
}

export interface Referral {
  readonly id: string;
  readonly date: string;
  /** The service referred to (SNOMED CT procedure "Referral to ..."). */
  readonly service: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2; TPP: CTV3), when the supplier carries one. */
  readonly legacyCode?: Coding;
  readonly recipient: string;
  readonly priority: "routine" | "urgent";
  readonly reason: string;
  readonly requestedBy: string;
  readonly problem?: string;
  readonly consultation?: string;
}

export interface Consultation {
  readonly id: string;
  readonly date: string;
  /** As the supplier names the encounter type ("GP Surgery", "Telephone", "Home visit note"). */
  readonly type: string;
  readonly clinician: string;
  /** The free-text history the clinician wrote. */
  readonly narrative: string;
  /** The problem the consultation was about, by id (its topic). */
  readonly problem?: string;
  /** Part of a sensitive problem's care: never shared. */
  readonly sensitive?: boolean;
}

export interface Allergy {
  readonly id: string;
  /** The "Allergy to ..." finding (SNOMED CT), the allergy's code. */
  readonly code: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2 or its Egton code; TPP: CTV3). */
  readonly legacyCode?: Coding;
  readonly category: "medication" | "food" | "environment";
  /** The substance, where a concept for it is known (not for a concept of EMIS's drug dictionary). */
  readonly substance?: Coding;
  readonly reaction: Coding;
  readonly severity: "mild" | "moderate" | "severe";
  readonly recorded: string;
  readonly recordedBy: string;
  /** The consultation it was recorded in, when the patient reported the reaction there. */
  readonly consultation?: string;
}

/** Three different answers, as a real record gives them. */
export type AllergyRecord =
  | { readonly kind: "recorded"; readonly allergies: readonly Allergy[] }
  | { readonly kind: "no-known-allergies"; readonly recorded: string; readonly recordedBy: string }
  | { readonly kind: "nothing-recorded" };

export interface SyntheticPatient {
  readonly nhsNumber: string;
  readonly practiceOds: string;
  /** Index within the practice's list. */
  readonly index: number;
  readonly traits: readonly Trait[];
  readonly name: { readonly prefix: string; readonly given: readonly string[]; readonly family: string };
  readonly gender: "male" | "female";
  readonly birthDate: string;
  readonly address: Address;
  readonly telecom?: string;
  /** An address at an example domain (RFC 2606), for some adults. */
  readonly email?: string;
  readonly registeredSince: string;
  readonly usualGp: Clinician;
  /** The patient has told the practice not to share their record (EMIS dissent code / TPP EDSM sharing out off). */
  readonly dissent: boolean;
  /** PDS restricts the patient (meta.security R: no address, no GP shown); trait `sensitive-patient`. */
  readonly restricted: boolean;
  /** Date of death, for trait `deceased` (PDS carries deceasedDateTime; practices answer PATIENT_NOT_FOUND). */
  readonly deceasedDate?: string;
  /** `inactive` for trait `inactive-registration`: the practice answers PATIENT_NOT_FOUND. */
  readonly registration: "active" | "inactive";
  /**
   * Traits `moved-practice` and `record-in-transit`: the practice the patient left (it still holds a record up to `until`);
   * PDS names the current practice (`practiceOds`).
   */
  readonly previousPractice?: { readonly ods: string; readonly until: string; readonly since?: string };
  /** Older NHS numbers PDS knows as superseded by this one (answered with the current record). */
  readonly supersededNhsNumbers?: readonly string[];
  /**
   * Trait `record-in-transit`: the GP2GP transfer from `previousPractice` has not completed, so this
   * practice holds only what it recorded since the move (`registeredSince`), and every list warns
   * `data-in-transit`.
   */
  readonly recordInTransit?: boolean;
  readonly problems: readonly Problem[];
  readonly medications: readonly Medication[];
  readonly allergies: AllergyRecord;
  readonly immunisations: readonly Immunisation[];
  readonly consultations: readonly Consultation[];
  readonly uncategorised: readonly UncategorisedEntry[];
  readonly investigations: readonly Investigation[];
  readonly referrals: readonly Referral[];
  readonly diaryEntries: readonly DiaryEntry[];
  readonly immunisationStatuses: readonly ImmunisationStatus[];
}

export interface PopulationOptions {
  /** Default 1. */
  readonly seed?: number;
  /** ISO date: nothing in any record is dated after it. Default: today. */
  readonly referenceDate?: string;
  readonly practices?: number;
  readonly patientsPerPractice?: number;
  /** Share of practices on EMIS Web, 0..1 (the rest run SystmOne). */
  readonly emisShare?: number;
}

/** What removing a practice took out: the practice and the patients added to it. */
export interface RemovedPractice {
  readonly practice: Practice;
  readonly patients: readonly SyntheticPatient[];
}

export interface Population {
  readonly seed: number;
  readonly referenceDate: string;
  practices(): readonly Practice[];
  practice(ods: string): Practice | undefined;
  /** Adds a practice (for a scenario that needs one of its own), deterministic in the order of calls. */
  addPractice(system: ClinicalSystem, options?: PracticeOptions): Practice;
  /**
   * Takes out a practice added with addPractice, its generated list and the patients added to it, and
   * answers them; their NHS numbers and its ODS code are free again (given again only when no other is left).
   * PopulationError "unknown-practice", or "not-removable" for a practice the population was created with.
   */
  removePractice(ods: string): RemovedPractice;
  /** The patient at `index` of the practice's list; generated on demand, cached. */
  patient(ods: string, index: number): SyntheticPatient;
  /**
   * Reverse lookup without generating the list: undefined when no patient has this number. A superseded
   * number finds the patient who now has another (compare `nhsNumber`), as PDS needs.
   */
  findByNhsNumber(nhsNumber: string): SyntheticPatient | undefined;
  /** Whether findByNhsNumber finds someone, answered without generating them. */
  isNhsNumberInUse(nhsNumber: string): boolean;
  /**
   * The record a practice holds under this (current) NHS number, as that practice's own lookup finds it:
   * the patient, at their registered practice; for a `moved-practice` or `record-in-transit` patient at
   * the practice they left, the whole record as it was on the move date, with `registration: "inactive"`. Undefined otherwise.
   */
  findRecordAt(ods: string, nhsNumber: string): SyntheticPatient | undefined;
  /** Adds a patient with the given traits to a practice, after the generated list. */
  addPatient(ods: string, traits: readonly Trait[]): SyntheticPatient;
  /**
   * Takes out a patient added with addPatient, and answers them. PopulationError "unknown-patient", or
   * "not-removable" for one of the sample or of a generated list.
   */
  removePatient(nhsNumber: string): SyntheticPatient;
  /** A small sample covering both systems and every trait, for `simulate --json` and demos. */
  samplePatients(): readonly SyntheticPatient[];
}
