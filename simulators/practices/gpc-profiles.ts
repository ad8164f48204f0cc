/** GP Connect / Care Connect profile, extension and code-system URLs a structured record carries, named once. */

const STRUCTURE = "https://fhir.nhs.uk/STU3/StructureDefinition";
const CODE_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem";

export const PROFILES = {
  bundle: `${STRUCTURE}/GPConnect-StructuredRecord-Bundle-1`,
  patient: `${STRUCTURE}/CareConnect-GPC-Patient-1`,
  organization: `${STRUCTURE}/CareConnect-GPC-Organization-1`,
  practitioner: `${STRUCTURE}/CareConnect-GPC-Practitioner-1`,
  practitionerRole: `${STRUCTURE}/CareConnect-GPC-PractitionerRole-1`,
  list: `${STRUCTURE}/CareConnect-GPC-List-1`,
  medication: `${STRUCTURE}/CareConnect-GPC-Medication-1`,
  medicationStatement: `${STRUCTURE}/CareConnect-GPC-MedicationStatement-1`,
  medicationRequest: `${STRUCTURE}/CareConnect-GPC-MedicationRequest-1`,
  allergyIntolerance: `${STRUCTURE}/CareConnect-GPC-AllergyIntolerance-1`,
} as const;

export const EXTENSIONS = {
  registrationDetails: `${STRUCTURE}/Extension-CareConnect-GPC-RegistrationDetails-1`,
  nhsNumberVerificationStatus: `${STRUCTURE}/Extension-CareConnect-GPC-NHSNumberVerificationStatus-1`,
  prescribingAgency: `${STRUCTURE}/Extension-CareConnect-GPC-PrescribingAgency-1`,
  lastIssueDate: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationStatementLastIssueDate-1`,
  prescriptionType: `${STRUCTURE}/Extension-CareConnect-GPC-PrescriptionType-1`,
  repeatInformation: `${STRUCTURE}/Extension-CareConnect-GPC-MedicationRepeatInformation-1`,
  clinicalSetting: `${STRUCTURE}/Extension-CareConnect-GPC-ClinicalSetting-1`,
} as const;

export const CODE_SYSTEMS = {
  nhsNumberVerificationStatus: `${CODE_SYSTEM}/CareConnect-NHSNumberVerificationStatus-1`,
  prescribingAgency: `${CODE_SYSTEM}/CareConnect-PrescribingAgency-1`,
  prescriptionType: `${CODE_SYSTEM}/CareConnect-PrescriptionType-1`,
  listEmptyReason: `${CODE_SYSTEM}/CareConnect-ListEmptyReasonCode-1`,
  sdsJobRoleName: `${CODE_SYSTEM}/CareConnect-SDSJobRoleName-1`,
  organisationType: `${CODE_SYSTEM}/GPConnect-OrganisationType-1`,
  listOrder: "http://hl7.org/fhir/list-order",
  ucum: "http://unitsofmeasure.org",
} as const;

/** The SNOMED CT codes of the lists a structured record is made of. */
export const LIST_CODES = {
  medications: { code: "933361000000108", display: "Medications and medical devices" },
  allergies: { code: "886921000000105", display: "Allergies and adverse reactions" },
  endedAllergies: { code: "1103671000000101", display: "Ended allergies" },
} as const;

/** "General practice service": the clinical setting EMIS and TPP put on every list. */
export const GENERAL_PRACTICE_SETTING = {
  code: "1060971000000108",
  display: "General practice service",
} as const;

export const GET_STRUCTURED_RECORD_OPERATION =
  "https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1";
