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
] as const;
export type Trait = (typeof TRAITS)[number];

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
}

export type Prescriber =
  | { readonly kind: "practice" }
  | { readonly kind: "hospital-outpatient"; readonly organisation: string }
  | { readonly kind: "hospital-discharge"; readonly organisation: string };

export interface Medication {
  readonly id: string;
  /** dm+d product (VMP/AMP), SNOMED CT code system. */
  readonly product: Coding;
  readonly dosage: string;
  readonly quantity: { readonly value: number; readonly unit: string };
  /** Days one issue lasts (the expected supply duration). */
  readonly supplyDays: number;
  readonly type: "acute" | "repeat";
  readonly prescriber: Prescriber;
  readonly started: string;
  readonly status: "active" | "completed" | "stopped";
  /** Dates of issues made by the practice; empty when prescribed elsewhere. */
  readonly issues: readonly string[];
  /** The problem this treats, by id, when there is one. */
  readonly treats?: string;
  readonly recordedBy: string;
}

export interface Allergy {
  readonly id: string;
  /** The "Allergy to ..." finding (SNOMED CT), the allergy's code. */
  readonly code: Coding;
  /** Legacy code carried beside SNOMED (EMIS: Read v2; TPP: CTV3). */
  readonly legacyCode?: Coding;
  readonly category: "medication" | "food" | "environment";
  readonly substance: Coding;
  readonly reaction: Coding;
  readonly severity: "mild" | "moderate" | "severe";
  readonly recorded: string;
  readonly recordedBy: string;
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
   * Trait `moved-practice`: the practice the patient left (it still holds a record up to `until`);
   * PDS names the current practice (`practiceOds`).
   */
  readonly previousPractice?: { readonly ods: string; readonly until: string };
  /** Older NHS numbers PDS knows as superseded by this one (answered with the current record). */
  readonly supersededNhsNumbers?: readonly string[];
  readonly problems: readonly Problem[];
  readonly medications: readonly Medication[];
  readonly allergies: AllergyRecord;
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

export interface Population {
  readonly seed: number;
  readonly referenceDate: string;
  practices(): readonly Practice[];
  practice(ods: string): Practice | undefined;
  /** Adds a practice (for a scenario that needs one of its own), deterministic in the order of calls. */
  addPractice(system: ClinicalSystem): Practice;
  /** The patient at `index` of the practice's list; generated on demand, cached. */
  patient(ods: string, index: number): SyntheticPatient;
  /** Reverse lookup without generating the list: undefined when no patient has this number. */
  findByNhsNumber(nhsNumber: string): SyntheticPatient | undefined;
  /** Adds a patient with the given traits to a practice, after the generated list. */
  addPatient(ods: string, traits: readonly Trait[]): SyntheticPatient;
  /** A small sample covering both systems and every trait, for `simulate --json` and demos. */
  samplePatients(): readonly SyntheticPatient[];
}
