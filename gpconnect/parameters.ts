/**
 * The Parameters of Access Record Structured 1.6 ($gpc.getstructuredrecord): each parameter's name and its
 * parts' names, as the specification's "Request operation" page lists them. What the values mean, and which
 * combinations are refused, is for a provider to check (see simulators/practices/structured-parameters.ts).
 */

/** The patient the record is asked for: a valueIdentifier under the NHS number system. */
export const PATIENT_NHS_NUMBER_PARAMETER = "patientNHSNumber";

/** The parameters that each ask for one clinical area, in the specification's order. */
export const CLINICAL_AREA_PARAMETERS = [
  "includeAllergies",
  "includeMedication",
  "includeConsultations",
  "includeProblems",
  "includeImmunisations",
  "includeUncategorisedData",
  "includeInvestigations",
  "includeReferrals",
  "includeDiaryEntries",
] as const;

export type ClinicalAreaParameter = (typeof CLINICAL_AREA_PARAMETERS)[number];

export function isClinicalAreaParameter(name: unknown): name is ClinicalAreaParameter {
  return (CLINICAL_AREA_PARAMETERS as readonly unknown[]).includes(name);
}

/** The part parameters each clinical area's parameter may carry (each at most once). */
export const CLINICAL_AREA_PARTS = {
  includeAllergies: ["includeResolvedAllergies"],
  includeMedication: ["includePrescriptionIssues", "medicationSearchFromDate"],
  includeConsultations: ["consultationSearchPeriod", "includeNumberOfMostRecent"],
  includeProblems: ["filterStatus", "filterSignificance"],
  includeImmunisations: ["includeNotGiven", "includeStatus"],
  includeUncategorisedData: ["uncategorisedDataSearchPeriod"],
  includeInvestigations: ["investigationSearchPeriod"],
  includeReferrals: ["referralSearchPeriod"],
  includeDiaryEntries: ["diaryEntriesSearchDate"],
} as const satisfies Record<ClinicalAreaParameter, readonly string[]>;

/** Parameters that may repeat (includeProblems is 0..*, one filter per occurrence); the rest are 0..1. */
export const REPEATABLE_PARAMETERS: readonly string[] = ["includeProblems"];
