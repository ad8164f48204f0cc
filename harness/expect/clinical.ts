/**
 * Expectations about what the clinician is shown in a record: the items a clinical decision rests on, and how
 * they are marked.
 */
import { listedMedications } from "../oracle/bundle.js";
import { RecordExpectations } from "./records.js";

const PRESCRIBING_AGENCY_URL =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescribingAgency-1";

export class ClinicalExpectations extends RecordExpectations {
  /** A medication matching `name` is in the returned record; the MedicationStatement is returned. */
  medicationListed(bundle: fhir.Bundle, name: RegExp): fhir.MedicationStatement {
    const listed = listedMedications(bundle);
    const found = listed.find((medication) => name.test(medication.name));
    const names = listed.map((medication) => medication.name).filter((n) => n !== "");
    this.precondition(
      `a medication matching ${name} is listed`,
      found !== undefined,
      found
        ? `found "${found.name}"`
        : `medications listed: ${names.length === 0 ? "none" : names.join("; ")}`,
    );
    return found!.statement;
  }

  /** The medication carries the prescribing-agency extension: prescribed by another organisation. */
  prescribedElsewhere(statement: fhir.MedicationStatement): void {
    const agency = (statement.extension ?? []).find((e) => e.url === PRESCRIBING_AGENCY_URL);
    const concept = agency?.valueCodeableConcept;
    const code = concept?.coding?.[0]?.code;
    this.check(
      "it is marked as prescribed by another organisation",
      code === "prescribed-by-another-organisation",
      agency === undefined
        ? "the MedicationStatement has no prescribing agency extension"
        : `prescribing agency: ${code ?? "no code"}${concept?.text ? ` (${concept.text})` : ""}`,
    );
  }
}
