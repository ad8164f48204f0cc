/**
 * The two GP system flavours, in one place: where EMIS Web and TPP SystmOne differ in what a GP Connect
 * consumer sees. EMIS details follow the EMIS-rendered NHS assurance records in ../shared/reference;
 * SystmOne's follow the shapes TPP's provider is known to send (ccs-id identifiers, "_"-joined ids, CTV3).
 */
import { CTV3_SYSTEM, READ_V2_SYSTEM } from "../population/clinical-terms.js";
import type { ClinicalSystem, Practice } from "../population/types.js";

/** The blocks a structured-record bundle is made of; a flavour decides their order. */
export type BundleSection =
  | "lists"
  | "patient"
  | "directory"
  | "medications"
  | "allergies"
  | "problems"
  | "consultations"
  | "immunisations"
  | "uncategorised"
  | "investigations"
  | "referrals";

export interface LatencyProfile {
  readonly medianMs: number;
  readonly p95Ms: number;
}

export interface SupplierFlavour {
  readonly system: ClinicalSystem;
  readonly productName: string;
  readonly vendor: string;
  /** System of the identifier every clinical resource carries (the supplier's own record id). */
  identifierSystem(practice: Practice): string;
  /** Code system of the local code carried beside SNOMED CT. */
  readonly legacyCodeSystem: string;
  /** EMIS puts the clinician's chosen Read code first (userSelected) and SNOMED CT second; TPP leads with SNOMED CT. */
  readonly legacyCodeFirst: boolean;
  /** Order of the bundle's blocks. */
  readonly sectionOrder: readonly BundleSection[];
  /** EMIS lists each MedicationRequest (plan, then its issues) before the MedicationStatements; TPP the reverse. */
  readonly requestsBeforeStatements: boolean;
  /** What the author of an entry is referenced as. */
  readonly authorReference: "Practitioner" | "PractitionerRole";
  /** How the supplier decides that a record must not be shared (reported, not simulated beyond dissent). */
  readonly sharingModel: string;
  /** Typical answer times of the real system; recorded for the latency faults of a later issue, not applied yet. */
  readonly latency: LatencyProfile;
}

export const EMIS_WEB: SupplierFlavour = {
  system: "emis",
  productName: "EMIS Web",
  vendor: "EMIS Health",
  identifierSystem: (practice) => `https://EMISWeb/${practice.ods}`,
  legacyCodeSystem: READ_V2_SYSTEM,
  legacyCodeFirst: true,
  // As the EMIS assurance records: Lists first, then the patient, the clinical items, the people and places.
  sectionOrder: [
    "lists",
    "patient",
    "consultations",
    "problems",
    "medications",
    "allergies",
    "immunisations",
    "uncategorised",
    "investigations",
    "referrals",
    "directory",
  ],
  requestsBeforeStatements: true,
  authorReference: "Practitioner",
  sharingModel: "Practice data-sharing agreements and patient dissent (dissent code on the record)",
  latency: { medianMs: 350, p95Ms: 1200 },
};

export const TPP_SYSTMONE: SupplierFlavour = {
  system: "tpp",
  productName: "SystmOne",
  vendor: "TPP",
  identifierSystem: () => "https://tpp-uk.com/Id/ccs-id",
  legacyCodeSystem: CTV3_SYSTEM,
  legacyCodeFirst: false,
  // As the GP Connect specification's own examples: the patient and the directory before the lists.
  sectionOrder: [
    "patient",
    "directory",
    "lists",
    "allergies",
    "medications",
    "problems",
    "immunisations",
    "consultations",
    "uncategorised",
    "investigations",
    "referrals",
  ],
  requestsBeforeStatements: false,
  authorReference: "PractitionerRole",
  sharingModel: "Enhanced Data Sharing Model: the patient's 'sharing out' consent",
  latency: { medianMs: 600, p95Ms: 2000 },
};

export function flavourOf(system: ClinicalSystem): SupplierFlavour {
  return system === "emis" ? EMIS_WEB : TPP_SYSTMONE;
}
