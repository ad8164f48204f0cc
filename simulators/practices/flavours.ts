/**
 * The two GP system flavours, in one place: where EMIS Web and TPP SystmOne differ in what a GP Connect
 * consumer sees. EMIS details follow the EMIS Web NHS assurance records in ../shared/reference
 * (emis-assurance-PWTP*). SystmOne's follow real TPP output: the NHS integration-environment capture in
 * ../shared/reference/gpconnect-records/tpp-integration-9692136744.json (from UCLH-Digital-Innovation-Hub/Xhuma,
 * app/tests/fixtures/bundles/, 2026; investigations/9465699896.json there too) and a 2019 TPP demo-server
 * response in sadikneipp/hack-cambridge4D (GPConnectDemoAPI/Patient record - Structured FHIR). What the
 * capture shows and the flavour follows: every clinical resource identified under https://tpp-uk.com/Id/ccs-id;
 * record ids of two 16-hex parts ("{16 hex}_{16 hex}", a plan "…_plan"); Patient, Practitioner and
 * PractitionerRole ids of 16 hex; meta.versionId (32 upper-case hex) with meta.lastUpdated on the Patient,
 * Organization, Practitioner, PractitionerRole and Location, and meta.profile alone on the clinical items.
 * Where real TPP joins the parts of an id with "_" (record ids, "_plan"), the simulator joins them with "-":
 * STU3's id type allows only letters, digits, "-" and "."; identifier values, being strings, keep the "_".
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
  | "referrals"
  | "diary";

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
  /** EMIS puts the clinician's chosen Read code first and SNOMED CT second; TPP leads with SNOMED CT. */
  readonly legacyCodeFirst: boolean;
  /** EMIS marks the legacy code (the clinician's pick) userSelected; TPP never sets userSelected. */
  readonly marksUserSelected: boolean;
  /** TPP puts the clinician's own term (the CTV3 term chosen) in code.text beside the codings. */
  readonly originalTermAsText: boolean;
  /**
   * A reading a template records in parts (blood pressure): EMIS names each part with the template's label as
   * its code.text ("Systolic blood pressure") and writes no chosen words on the parts, as its records show; the
   * TPP capture holds no such reading, so TPP's parts carry its usual codings alone.
   */
  readonly templateLabels: boolean;
  /**
   * Entries a template files under a header entry: EMIS joins them with a QuestionnaireResponse (its records;
   * GP Connect 1.6's page for hierarchical uncategorised data), the header having it as member and each entry
   * derived from it; the TPP capture shows none, so TPP sends such entries side by side.
   */
  readonly templateGroups: "questionnaire-response" | "flat";
  /** Order of the bundle's blocks. */
  readonly sectionOrder: readonly BundleSection[];
  /**
   * Where the Lists go: together, where `sectionOrder` says "lists" (EMIS); or each area's Lists right after
   * that area's items (TPP; the problems area sends its linked items and their Lists, then the Problems
   * List, then the problem headers, as the captures show).
   */
  readonly listPlacement: "together" | "after-their-items";
  /**
   * EMIS sends every MedicationRequest (each plan, then its issues), then the MedicationStatements, then the
   * Medications; TPP sends each medication whole: its statement, plan, issues, then its Medication (a
   * Medication several statements share comes once, at its first use).
   */
  readonly medicationLayout: "by-resource-type" | "per-medication";
  /**
   * Where an item several areas rendered is sent: with its fullest rendering (EMIS: a problem header where the
   * problems area puts it), or where the order first reaches it (TPP, so a medication stays whole; a
   * problem header still goes with the problems area's).
   */
  readonly sharedItemsAt: "fullest-rendering" | "first-in-order";
  /** EMIS lists the Practitioners, then their roles; TPP sends each Practitioner followed by its role. */
  readonly practitionerRolesPaired: boolean;
  /** TPP stamps meta.lastUpdated beside meta.versionId on the Patient and the directory's resources. */
  readonly stampsLastUpdated: boolean;
  /** How the supplier decides that a record must not be shared (reported, not simulated beyond dissent). */
  readonly sharingModel: string;
  /**
   * The clinician's chosen term on a SNOMED CT coding (Extension-coding-sctdescid): the extension's URL (EMIS
   * writes the fhir.nhs.uk one, TPP the fhir.hl7.org.uk one), and whether the picked term's words go beside
   * its id as descriptionDisplay (EMIS, where the term picked is not the concept's preferred term; TPP never).
   */
  readonly chosenTerm: { readonly url: string; readonly display: boolean };
  /** URL of the problem header's link to the entry it is the header of (EMIS: GPC-ActualProblem; TPP: Care Connect's). */
  readonly actualProblemUrl: string;
  /**
   * How the practice's site reads: EMIS's Location names its type ("Main Surgery"), ranks its telephone and
   * names its managing Organization; TPP's carries the ODS site code, and TPP marks the Organization active.
   */
  readonly siteStyle: "emis" | "tpp";
  /**
   * The consultation's people and place: EMIS names the clinician twice, as primary performer (HL7 v3
   * ParticipationType) and as recorder (GPConnect-ParticipantType-1), and writes how long it lasted; TPP names
   * the recorder alone and, beside the practice's Location, the room as text ("Surgery").
   */
  readonly consultationStyle: "emis" | "tpp";
  /**
   * The Patient as each writes it: EMIS words the NHS number's verification status as text too and ranks the
   * telephone; TPP codes the registration type (Regular) in the registration details.
   */
  readonly patientStyle: "emis" | "tpp";
  /**
   * Whether a referral's letter goes with it as a DocumentReference (its supportingInfo), as the EMIS records
   * show (GP Connect 1.6 includes documents in the structured record: the DocumentReference page and the
   * documents-related secondary Lists); the TPP capture's patient has none, so the simulated TPP sends none.
   */
  readonly referralLetters: boolean;
  /** TPP signs and dates a note (authorReference, time); EMIS writes its text alone. */
  readonly signsNotes: boolean;
  /**
   * A result's interpretation code system: EMIS writes HL7 v2 table 0078 under its R4 URL
   * (terminology.hl7.org); the simulated TPP, which sends no flagged result in the capture, STU3's own.
   */
  readonly interpretationSystem: string;
  /**
   * Investigations, as the TPP capture shows them: the report's category (HL7 v2 table 0074) and the
   * consultation it was filed in; a result group (Observation.related has-member) for a test of many results.
   */
  readonly investigationStyle: "emis" | "tpp";
  /**
   * "No known allergies". GP Connect 1.6's allergies guidance ("Negation - Handling 'no known allergies'",
   * nhsconnect/gpconnect pages/accessrecord_structured/accessrecord_structured_development_allergies_guidance.md)
   * lets a system that holds the explicit 716186003 "No known allergy" concept and no allergy answer with an
   * empty List whose emptyReason is nilKnown (it "may", not must), while the same guidance says allergy concepts
   * recorded as ordinary coded entries "must" be expressed as AllergyIntolerance resources. Neither supplier's
   * records held in ../shared/reference show a patient with no known allergies, so both flavours send the
   * recorded concept as an AllergyIntolerance in the active allergies List (the oracle accepts either form). A
   * record where nothing was ever asked gets an empty List with emptyReason no-content-recorded.
   */
  readonly noKnownAllergies: "allergy-entry";
  /** Typical answer times of the real system, applied when a region runs with realistic latency. */
  readonly latency: LatencyProfile;
  /** How the supplier writes a medication's authorisation, as its real records show. */
  readonly medicationDetail: MedicationDetail;
}

/**
 * What each supplier's real records carry of a medication's authorisation (../shared/reference/gpconnect-records:
 * the EMIS assurance records and the TPP SystmOne integration capture). Neither writes structured dosage
 * (doseQuantity, timing, asNeeded, maxDosePerPeriod): both send the dosage as text.
 */
export interface MedicationDetail {
  /**
   * TPP writes numberOfRepeatPrescriptionsAllowed (valuePositiveInt) and authorisationExpiryDate beside the
   * issues made; EMIS writes numberOfRepeatPrescriptionsIssued (valueUnsignedInt) alone.
   */
  readonly repeatsAllowed: boolean;
  /** EMIS links a re-authorised repeat's plan to the plan it renews (priorPrescription); TPP does not. */
  readonly priorPrescription: boolean;
  /** TPP carries the prescriber's words for the patient (dosage.patientInstruction); EMIS does not. */
  readonly patientInstruction: boolean;
  /** TPP writes the quantity's unit as MedicationQuantityText; EMIS as Quantity.unit. */
  readonly quantityAsText: boolean;
  /**
   * TPP carries the prescriber's notes: on the plan as they are, on the statement as "Prescriber Notes: ...";
   * EMIS's records carry none.
   */
  readonly prescriberNotes: boolean;
}

export const EMIS_WEB: SupplierFlavour = {
  system: "emis",
  productName: "EMIS Web",
  vendor: "EMIS Health",
  identifierSystem: (practice) => `https://EMISWeb/${practice.ods}`,
  legacyCodeSystem: READ_V2_SYSTEM,
  legacyCodeFirst: true,
  marksUserSelected: true,
  originalTermAsText: false,
  templateLabels: true,
  templateGroups: "questionnaire-response",
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
    "diary",
    "directory",
  ],
  listPlacement: "together",
  medicationLayout: "by-resource-type",
  sharedItemsAt: "fullest-rendering",
  practitionerRolesPaired: false,
  stampsLastUpdated: false,
  sharingModel: "Practice data-sharing agreements and patient dissent (dissent code on the record)",
  chosenTerm: {
    url: "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-coding-sctdescid",
    display: true,
  },
  actualProblemUrl: "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ActualProblem-1",
  siteStyle: "emis",
  consultationStyle: "emis",
  patientStyle: "emis",
  referralLetters: true,
  signsNotes: false,
  interpretationSystem: "http://terminology.hl7.org/CodeSystem/v2-0078",
  investigationStyle: "emis",
  noKnownAllergies: "allergy-entry",
  latency: { medianMs: 350, p95Ms: 1200 },
  medicationDetail: {
    repeatsAllowed: false,
    priorPrescription: true,
    patientInstruction: false,
    quantityAsText: false,
    prescriberNotes: false,
  },
};

export const TPP_SYSTMONE: SupplierFlavour = {
  system: "tpp",
  productName: "SystmOne",
  vendor: "TPP",
  identifierSystem: () => "https://tpp-uk.com/Id/ccs-id",
  // The 2026 capture codes everything with SNOMED CT alone; the 2019 demo server sent CTV3 (as the only coding
  // of a term with no SNOMED CT concept). CTV3 beside SNOMED CT is kept as the older output: see the extra
  // paths of test/fidelity/shape-coverage.json.
  legacyCodeSystem: CTV3_SYSTEM,
  legacyCodeFirst: false,
  marksUserSelected: false,
  originalTermAsText: true,
  templateLabels: false,
  templateGroups: "flat",
  // As the 2026 captures: the Patient, each area's items with their Lists, the directory last; allergies, then
  // medications, then investigations, then problems. Where the other areas go is not shown: a choice.
  sectionOrder: [
    "patient",
    "allergies",
    "medications",
    "uncategorised",
    "consultations",
    "immunisations",
    "investigations",
    "referrals",
    "problems",
    "diary",
    "directory",
  ],
  listPlacement: "after-their-items",
  medicationLayout: "per-medication",
  sharedItemsAt: "first-in-order",
  practitionerRolesPaired: true,
  stampsLastUpdated: true,
  sharingModel: "Enhanced Data Sharing Model: the patient's 'sharing out' consent",
  chosenTerm: {
    url: "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid",
    display: false,
  },
  actualProblemUrl: "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ActualProblem-1",
  siteStyle: "tpp",
  consultationStyle: "tpp",
  patientStyle: "tpp",
  referralLetters: false,
  signsNotes: true,
  interpretationSystem: "http://hl7.org/fhir/v2/0078",
  investigationStyle: "tpp",
  noKnownAllergies: "allergy-entry",
  latency: { medianMs: 600, p95Ms: 2000 },
  medicationDetail: {
    repeatsAllowed: true,
    priorPrescription: false,
    patientInstruction: true,
    quantityAsText: true,
    prescriberNotes: true,
  },
};

export function flavourOf(system: ClinicalSystem): SupplierFlavour {
  return system === "emis" ? EMIS_WEB : TPP_SYSTMONE;
}
