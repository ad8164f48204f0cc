/**
 * Expectations about what the clinician is shown in a record: the items a clinical decision rests on, and how
 * they are marked.
 */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import {
  type AllergyStatement,
  allergyStatement,
  describeAllergyStatement,
  NOTHING_RECORDED_REASON,
} from "../oracle/allergy-statement.js";
import { listedMedications } from "../oracle/bundle.js";
import { listMeant } from "../oracle/list-warnings.js";
import { courseIsOver, coursesOf, describeCourse } from "../oracle/medication-status.js";
import { notSupportedWarnings } from "../oracle/not-supported.js";
import { nameShown, sameName } from "../oracle/patient-name.js";
import { listsCoded } from "../oracle/structured-record-rules.js";
import type { WorldPatient } from "../world.js";
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

  /**
   * A medication the practice stopped is shown as stopped: every statement of it is completed or stopped, and
   * its plan's status agrees, so nothing presents it as current.
   */
  medicationNotCurrent(bundle: fhir.Bundle, product: { code: string; name: RegExp }): void {
    const courses = coursesOf(bundle, product);
    this.precondition(
      `a medication matching ${product.name} is listed`,
      courses.length > 0,
      courses.length === 0 ? "no MedicationStatement of it" : `${courses.length} statement(s) of it`,
    );
    const current = courses.filter((course) => !courseIsOver(course));
    this.check(
      "the stopped medication is not shown as current",
      current.length === 0,
      courses.map(describeCourse).join("; "),
    );
  }

  /** The allergies List states "no known allergies": a positive statement, not a list with nothing in it. */
  noKnownAllergies(bundle: fhir.Bundle): AllergyStatement {
    const statement = allergyStatement(bundle);
    this.check(
      "the allergies List states no known allergies",
      statement.kind === "no-known-allergies",
      describeAllergyStatement(statement),
    );
    return statement;
  }

  /**
   * The allergies List is empty and says why (emptyReason no-content-recorded), and asserts nothing: a record
   * where nothing was recorded is never shown as "no known allergies".
   */
  noAllergiesRecorded(bundle: fhir.Bundle): AllergyStatement {
    const statement = allergyStatement(bundle);
    const said = describeAllergyStatement(statement);
    this.check(
      `the allergies List is empty, with emptyReason ${NOTHING_RECORDED_REASON}`,
      statement.kind === "empty" && statement.emptyReason === NOTHING_RECORDED_REASON,
      said,
    );
    this.check(
      "the allergies List does not state no known allergies",
      statement.kind !== "no-known-allergies",
      said,
    );
    return statement;
  }

  /**
   * The record says the clinical area was not supported (a not-supported warning naming its parameter) and
   * leaves it out, rather than showing it as a List with nothing recorded.
   */
  areaNotSupported(bundle: fhir.Bundle, area: ClinicalAreaParameter): void {
    const warnings = notSupportedWarnings(bundle);
    this.check(
      `the record says ${area} is not supported`,
      warnings.some((w) => w.parameter === area),
      warnings.length === 0
        ? "the record carries no not-supported warning (OperationOutcome, NOT_IMPLEMENTED)"
        : `not-supported warnings name ${warnings.map((w) => w.parameter).join(", ")}`,
    );
    const { code, label } = listMeant(area);
    const lists = listsCoded(bundle, code);
    const empty = lists.filter((l) => !Array.isArray(l.entry) || l.entry.length === 0).length;
    const held =
      lists.length === 1
        ? empty === 1
          ? `an empty ${label}`
          : `the ${label}, with entries`
        : `${lists.length} Lists coded as the ${label} (${empty} empty)`;
    this.check(
      `the ${label} is left out, not shown as nothing recorded`,
      lists.length === 0,
      lists.length === 0 ? `the record holds no ${label}` : `the record holds ${held}`,
    );
  }

  /** The record's Patient carries the patient's name exactly as the world holds it: no folding, no case change. */
  nameUnchanged(bundle: fhir.Bundle, patient: WorldPatient): void {
    const shown = nameShown(bundle);
    this.check(
      "the patient's name is shown as recorded",
      shown !== undefined && sameName(shown, patient.name),
      shown === undefined
        ? `the record's Patient carries no name (the patient is "${patient.name}")`
        : `the record shows "${shown}" (the patient is "${patient.name}")`,
    );
  }
}
