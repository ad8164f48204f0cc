/** GP Connect / Care Connect profile, extension and code-system URLs a structured record carries, named once. */

const STRUCTURE = "https://fhir.nhs.uk/STU3/StructureDefinition";
const CODE_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem";

export const PROFILES = {
  bundle: `${STRUCTURE}/GPConnect-StructuredRecord-Bundle-1`,
  patient: `${STRUCTURE}/CareConnect-GPC-Patient-1`,
  organization: `${STRUCTURE}/CareConnect-GPC-Organization-1`,
  location: `${STRUCTURE}/CareConnect-GPC-Location-1`,
  practitioner: `${STRUCTURE}/CareConnect-GPC-Practitioner-1`,
  practitionerRole: `${STRUCTURE}/CareConnect-GPC-PractitionerRole-1`,
  list: `${STRUCTURE}/CareConnect-GPC-List-1`,
  medication: `${STRUCTURE}/CareConnect-GPC-Medication-1`,
  medicationStatement: `${STRUCTURE}/CareConnect-GPC-MedicationStatement-1`,
  medicationRequest: `${STRUCTURE}/CareConnect-GPC-MedicationRequest-1`,
  allergyIntolerance: `${STRUCTURE}/CareConnect-GPC-AllergyIntolerance-1`,
  problemHeader: `${STRUCTURE}/CareConnect-GPC-ProblemHeader-Condition-1`,
  encounter: `${STRUCTURE}/CareConnect-GPC-Encounter-1`,
  observation: `${STRUCTURE}/CareConnect-GPC-Observation-1`,
  immunization: `${STRUCTURE}/CareConnect-GPC-Immunization-1`,
  diagnosticReport: `${STRUCTURE}/CareConnect-GPC-DiagnosticReport-1`,
  specimen: `${STRUCTURE}/CareConnect-GPC-Specimen-1`,
  referralRequest: `${STRUCTURE}/CareConnect-GPC-ReferralRequest-1`,
  procedureRequest: `${STRUCTURE}/CareConnect-GPC-ProcedureRequest-1`,
  documentReference: `${STRUCTURE}/CareConnect-GPC-DocumentReference-1`,
  healthcareService: "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-HealthcareService-1",
} as const;

const UK_STRUCTURE = "https://fhir.hl7.org.uk/STU3/StructureDefinition";

export const EXTENSIONS = {
  registrationDetails: `${STRUCTURE}/Extension-CareConnect-GPC-RegistrationDetails-1`,
  nhsNumberVerificationStatus: `${STRUCTURE}/Extension-CareConnect-GPC-NHSNumberVerificationStatus-1`,
  prescribingAgency: `${STRUCTURE}/Extension-CareConnect-GPC-PrescribingAgency-1`,
  lastIssueDate: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`,
  prescriptionType: `${STRUCTURE}/Extension-CareConnect-GPC-PrescriptionType-1`,
  repeatInformation: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationRepeatInformation-1`,
  clinicalSetting: `${STRUCTURE}/Extension-CareConnect-GPC-ClinicalSetting-1`,
  listWarningCode: `${STRUCTURE}/Extension-CareConnect-GPC-ListWarningCode-1`,
  problemSignificance: `${UK_STRUCTURE}/Extension-CareConnect-ProblemSignificance-1`,
  relatedClinicalContent: `${UK_STRUCTURE}/Extension-CareConnect-RelatedClinicalContent-1`,
  relatedProblemHeader: `${UK_STRUCTURE}/Extension-CareConnect-RelatedProblemHeader-1`,
  vaccinationProcedure: `${UK_STRUCTURE}/Extension-CareConnect-VaccinationProcedure-1`,
  dateRecorded: `${UK_STRUCTURE}/Extension-CareConnect-DateRecorded-1`,
  mainLocation: `${STRUCTURE}/Extension-CareConnect-GPC-MainLocation-1`,
  associatedEncounter: "http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter",
} as const;

export const CODE_SYSTEMS = {
  nhsNumberVerificationStatus: `${CODE_SYSTEM}/CareConnect-NHSNumberVerificationStatus-1`,
  prescribingAgency: `${CODE_SYSTEM}/CareConnect-PrescribingAgency-1`,
  prescriptionType: `${CODE_SYSTEM}/CareConnect-PrescriptionType-1`,
  listEmptyReason: `${CODE_SYSTEM}/CareConnect-ListEmptyReasonCode-1`,
  sdsJobRoleName: `${CODE_SYSTEM}/CareConnect-SDSJobRoleName-1`,
  organisationType: `${CODE_SYSTEM}/GPConnect-OrganisationType-1`,
  listOrder: "http://hl7.org/fhir/list-order",
  conditionCategory: "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-ConditionCategory-1",
  secondaryList: "https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1",
  nullFlavor: "http://hl7.org/fhir/v3/NullFlavor",
  participationType: "http://hl7.org/fhir/v3/ParticipationType",
  gpcParticipantType: `${CODE_SYSTEM}/GPConnect-ParticipantType-1`,
  interpretation: "http://hl7.org/fhir/v2/0078",
  ucum: "http://unitsofmeasure.org",
} as const;

/** The SNOMED CT codes of the lists a structured record is made of. */
export const LIST_CODES = {
  medications: { code: "933361000000108", display: "Medications and medical devices" },
  allergies: { code: "886921000000105", display: "Allergies and adverse reactions" },
  endedAllergies: { code: "1103671000000101", display: "Ended allergies" },
  problems: { code: "717711000000103", display: "Problems" },
  consultations: { code: "1149501000000101", display: "List of consultations" },
  consultation: { code: "325851000000107", display: "Consultation" },
  topic: { code: "25851000000105", display: "Topic (EHR)" },
  immunisations: { code: "1102181000000102", display: "Immunisations" },
  uncategorised: { code: "826501000000100", display: "Miscellaneous record" },
  investigations: { code: "887191000000108", display: "Investigations and results" },
  referrals: { code: "792931000000107", display: "Outbound referral" },
  diaryEntries: { code: "714311000000108", display: "Patient recall administration" },
} as const;

/** The secondary lists (GPConnect-SecondaryListValues-1): what a primary area pulled in, by relationship. */
export const SECONDARY_LISTS = {
  problemsLinkedProblems: "problems-linked-problems-not-relating-to-the-primary-query",
  problemsMedications: "problems-medications-related-to-problems",
  problemsConsultations: "problems-consultations-related-to-problems",
  problemsUncategorised: "problems-uncategorised-data-related-to-problems",
  problemsInvestigations: "problems-investigations-related-to-problems",
  problemsReferrals: "problems-referrals-related-to-problems",
  problemsImmunisations: "problems-immunisations-related-to-problems",
  problemsDiaryEntries: "problems-diary-entries-related-to-problems",
  consultationsProblems: "consultations-problems-contained-in-consultations",
  consultationsUncategorised: "consultations-uncategorised-data-contained-in-consultations",
  consultationsAllergies: "consultations-allergies-contained-in-consultations",
  consultationsImmunisations: "consultations-immunisations-contained-in-consultations",
  consultationsReferrals: "consultations-outbound-referrals-in-consultations",
  consultationsDiaryEntries: "consultations-diary-entries-contained-in-consultations",
} as const;

/** Warning codes a list carries (Extension-CareConnect-GPC-ListWarningCode-1). */
export type ListWarning = "confidential-items" | "data-awaiting-filing" | "data-in-transit";

/**
 * The note GP Connect puts beside each warning (GP Connect 1.6, "Returning data in lists", warning codes).
 * The data-in-transit note names a date, dd-Mmm-yyyy: the day the patient registered at the new practice
 * (see `dataInTransitNote`).
 */
export const LIST_WARNING_NOTES: Record<ListWarning, string> = {
  "confidential-items": "Items excluded due to confidentiality and/or patient preferences.",
  "data-awaiting-filing":
    "Patient data may be incomplete as there is data supplied by a third party awaiting review before becoming available.",
  "data-in-transit":
    "Patient record transfer from previous GP practice not yet complete; information recorded before dd-Mmm-yyyy may be missing.",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The data-in-transit note for a patient who registered on `registeredOn` (YYYY-MM-DD), e.g. "24-Apr-2025". */
export function dataInTransitNote(registeredOn: string): string {
  const day = `${registeredOn.slice(8, 10)}-${MONTHS[Number(registeredOn.slice(5, 7)) - 1]}-${registeredOn.slice(0, 4)}`;
  return LIST_WARNING_NOTES["data-in-transit"].replace("dd-Mmm-yyyy", day);
}

/** "General practice service": the clinical setting EMIS and TPP put on every list. */
export const GENERAL_PRACTICE_SETTING = {
  code: "1060971000000108",
  display: "General practice service",
} as const;

export const GET_STRUCTURED_RECORD_OPERATION =
  "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1";

/** The medication extensions beyond a statement's and a plan's own (GP Connect 1.6 medication guidance). */
export const MEDICATION_EXTENSIONS = {
  statusReason: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationStatusReason-1`,
  quantityText: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationQuantityText-1`,
} as const;
