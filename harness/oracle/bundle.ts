/**
 * Reading a structured record (a GP Connect STU3 Bundle) the way a clinician's system would, with the
 * harness's own code: its resources, the patient it is about, the medications a clinician would be shown.
 */
import { NHS_NUMBER_SYSTEM } from "../../gpconnect/identifiers.js";

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The body as a Bundle when it is one (resourceType "Bundle"), else undefined. */
export function asBundle(body: unknown): fhir.Bundle | undefined {
  return isObject(body) && body.resourceType === "Bundle" ? (body as unknown as fhir.Bundle) : undefined;
}

/** The Bundle's resources of one type, skipping entries that are not resources. */
export function resourcesOfType<T extends fhir.Resource>(bundle: fhir.Bundle, type: string): T[] {
  const entries: unknown = bundle.entry;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) =>
    isObject(entry) && isObject(entry.resource) && entry.resource.resourceType === type
      ? [entry.resource as unknown as T]
      : [],
  );
}

/** Whether a Patient of the Bundle carries this NHS number under the NHS number system. */
export function namesPatient(bundle: fhir.Bundle, nhsNumber: string): boolean {
  return resourcesOfType<fhir.Patient>(bundle, "Patient").some(
    (patient) =>
      Array.isArray(patient.identifier) &&
      patient.identifier.some(
        (id) => isObject(id) && id.system === NHS_NUMBER_SYSTEM && id.value === nhsNumber,
      ),
  );
}

/** A medication as a clinician sees it: the statement and the name shown for it. */
export interface ListedMedication {
  readonly statement: fhir.MedicationStatement;
  readonly name: string;
}

/** Every MedicationStatement with the name of its medication (inline, or the referenced Medication's). */
export function listedMedications(bundle: fhir.Bundle): ListedMedication[] {
  const medications = new Map<string, fhir.Medication>();
  for (const medication of resourcesOfType<fhir.Medication>(bundle, "Medication")) {
    if (typeof medication.id === "string") medications.set(`Medication/${medication.id}`, medication);
  }
  return resourcesOfType<fhir.MedicationStatement>(bundle, "MedicationStatement").map((statement) => {
    const concept =
      statement.medicationCodeableConcept ??
      medications.get(statement.medicationReference?.reference ?? "")?.code;
    return { statement, name: concept?.text ?? concept?.coding?.[0]?.display ?? "" };
  });
}

/** What an OperationOutcome says went wrong: the first issue's diagnostics, details text or display. */
export function outcomeExplanation(body: unknown): string | undefined {
  if (!isObject(body) || body.resourceType !== "OperationOutcome" || !Array.isArray(body.issue))
    return undefined;
  const issue: unknown = body.issue[0];
  if (!isObject(issue)) return undefined;
  const details = isObject(issue.details) ? issue.details : {};
  const coding: unknown = Array.isArray(details.coding) ? details.coding[0] : undefined;
  const candidates = [issue.diagnostics, details.text, isObject(coding) ? coding.display : undefined];
  return candidates.find((text): text is string => typeof text === "string");
}

/** How many resources of each type the Bundle holds, skipping entries that are not resources. */
export function resourceCounts(bundle: fhir.Bundle): Map<string, number> {
  const counts = new Map<string, number>();
  const entries: unknown = bundle.entry;
  for (const entry of Array.isArray(entries) ? entries : []) {
    const type = isObject(entry) && isObject(entry.resource) ? entry.resource.resourceType : undefined;
    if (typeof type === "string") counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}
