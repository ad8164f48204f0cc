/**
 * The GP Connect Access Record Structured rules a returned record must meet, written from the specification
 * (1.6, "Structured record bundle"): the structured-record Bundle profile, type `collection`, exactly one
 * Patient — the one asked about — the registered practice's Organization, and a List for every clinical area
 * asked for, coded as GP Connect codes that area's list.
 */
import { ODS_ORGANISATION_SYSTEM } from "../../gpconnect/identifiers.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import { resourcesOfType } from "./bundle.js";

export const SNOMED_SYSTEM = "http://snomed.info/sct";

/** The list each clinical area's parameter is answered with. */
export const AREA_LISTS: Record<ClinicalAreaParameter, { readonly code: string; readonly display: string }> =
  {
    includeAllergies: LIST_CODES.allergies,
    includeMedication: LIST_CODES.medications,
    includeConsultations: LIST_CODES.consultations,
    includeProblems: LIST_CODES.problems,
    includeImmunisations: LIST_CODES.immunisations,
    includeUncategorisedData: LIST_CODES.uncategorised,
    includeInvestigations: LIST_CODES.investigations,
    includeReferrals: LIST_CODES.referrals,
    includeDiaryEntries: LIST_CODES.diaryEntries,
  };

/** One rule's verdict, as a check. */
export interface RuleVerdict {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface RecordRequest {
  readonly nhsNumber: string;
  /** The registered practice's ODS code. */
  readonly ods: string;
  readonly areas: readonly ClinicalAreaParameter[];
}

const hasIdentifier = (resource: { identifier?: fhir.Identifier[] }, system: string, value: string) =>
  Array.isArray(resource.identifier) &&
  resource.identifier.some((id) => id?.system === system && id?.value === value);

/** The Lists of the Bundle coded (SNOMED CT) with this code. */
export function listsCoded(bundle: fhir.Bundle, code: string): fhir.List[] {
  return resourcesOfType<fhir.List>(bundle, "List").filter((list) =>
    (Array.isArray(list.code?.coding) ? list.code.coding : []).some(
      (coding) => coding?.system === SNOMED_SYSTEM && coding?.code === code,
    ),
  );
}

/** Every rule's verdict, in the order a reader would check them. */
export function structuredRecordRules(bundle: fhir.Bundle, request: RecordRequest): RuleVerdict[] {
  const profiles = Array.isArray(bundle.meta?.profile) ? bundle.meta.profile : [];
  const patients = resourcesOfType<fhir.Patient>(bundle, "Patient");
  const organisations = resourcesOfType<fhir.Organization>(bundle, "Organization");
  const verdicts: RuleVerdict[] = [
    {
      name: "the record carries the GP Connect structured-record profile",
      passed: profiles.includes(PROFILES.bundle),
      detail: `Bundle.meta.profile: ${profiles.length === 0 ? "none" : profiles.join(", ")}`,
    },
    {
      name: "the record is a collection",
      passed: bundle.type === "collection",
      detail: `Bundle.type is ${JSON.stringify(bundle.type ?? null)}`,
    },
    {
      name: "the record holds exactly one Patient",
      passed: patients.length === 1,
      detail: `${patients.length} Patient resource${patients.length === 1 ? "" : "s"}`,
    },
    {
      name: "the record names the registered practice",
      passed: organisations.some((o) => hasIdentifier(o, ODS_ORGANISATION_SYSTEM, request.ods)),
      detail: `Organizations with ODS codes: ${
        organisations
          .flatMap((o) => (o.identifier ?? []).filter((id) => id?.system === ODS_ORGANISATION_SYSTEM))
          .map((id) => id.value)
          .join(", ") || "none"
      } (the practice is ${request.ods})`,
    },
  ];
  for (const area of new Set(request.areas)) {
    const { code, display } = AREA_LISTS[area];
    const found = listsCoded(bundle, code).length;
    verdicts.push({
      name: `a List for ${area} (${display})`,
      passed: found === 1,
      detail: found === 1 ? `List coded ${code} found` : `${found} Lists coded ${code}`,
    });
  }
  return verdicts;
}

/**
 * The resource types that belong to one clinical area alone (GP Connect 1.6's resource list per area): finding
 * one in a record means that area was returned. Observation is left out (uncategorised data and investigations
 * share it), and so is everything the record carries whatever was asked (Patient, Organization, Practitioner).
 */
export const AREA_RESOURCE_TYPES: Record<ClinicalAreaParameter, readonly string[]> = {
  includeAllergies: ["AllergyIntolerance"],
  includeMedication: ["MedicationStatement", "MedicationRequest", "Medication"],
  includeConsultations: ["Encounter"],
  includeProblems: ["Condition"],
  includeImmunisations: ["Immunization"],
  includeUncategorisedData: [],
  includeInvestigations: ["DiagnosticReport", "Specimen"],
  includeReferrals: ["ReferralRequest"],
  includeDiaryEntries: ["ProcedureRequest"],
};

/**
 * Problems and consultations bring the items linked to them, from any area: when either is asked for, only the
 * Lists of other areas tell that they were returned.
 */
const LINKING_AREAS: readonly ClinicalAreaParameter[] = ["includeProblems", "includeConsultations"];

/** What the record holds of each area not asked for: its List, or resources only that area holds. */
export function unrequestedAreas(
  bundle: fhir.Bundle,
  asked: readonly ClinicalAreaParameter[],
): { readonly area: ClinicalAreaParameter; readonly found: string }[] {
  const linking = asked.some((area) => LINKING_AREAS.includes(area));
  const found: { area: ClinicalAreaParameter; found: string }[] = [];
  for (const area of Object.keys(AREA_LISTS) as ClinicalAreaParameter[]) {
    if (asked.includes(area)) continue;
    const what: string[] = [];
    if (listsCoded(bundle, AREA_LISTS[area].code).length > 0) what.push(`its List`);
    for (const type of linking ? [] : AREA_RESOURCE_TYPES[area]) {
      const count = resourcesOfType(bundle, type).length;
      if (count > 0) what.push(`${count} ${type}`);
    }
    if (what.length > 0) found.push({ area, found: what.join(", ") });
  }
  return found;
}
