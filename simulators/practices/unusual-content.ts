/**
 * The `unusual-content` trait: a record carrying valid STU3 content that a gateway will rarely have met —
 * extensions no gateway knows (one of each value type), codings from a code system no gateway knows beside the
 * SNOMED CT one, notes on the items that may carry them, and one note of 12,000 characters. The fragments are
 * generated from the official STU3 schema (unusual-content.json, written by `npm run unusual-content`); which
 * item gets which follows the item's place in the record, so the record is the same for a seed.
 */
import fragments from "./unusual-content.json" with { type: "json" };

/** Resources of the record's clinical items, and whether STU3 gives them `note` (Annotation[]). */
const CARRIES_NOTE: Readonly<Record<string, boolean>> = {
  AllergyIntolerance: true,
  Condition: true,
  Immunization: true,
  MedicationStatement: true,
  MedicationRequest: true,
  ProcedureRequest: true,
  ReferralRequest: true,
  Observation: false,
  Encounter: false,
  DiagnosticReport: false,
};

/** Longer than a common database column (4,000) or a message field (8,192): a gateway must not cut it. */
export const LONG_NOTE_LENGTH = 12_000;

function longNoteText(): string {
  const sentence =
    "Patient reports the symptoms began gradually; discussed options at length, including the risks and benefits of each, and agreed a plan with a review in four weeks. ";
  return sentence
    .repeat(Math.ceil(LONG_NOTE_LENGTH / sentence.length))
    .slice(0, LONG_NOTE_LENGTH - 1)
    .concat(".");
}

type Resource = fhir.Resource & {
  extension?: fhir.Extension[];
  note?: fhir.Annotation[];
  code?: fhir.CodeableConcept;
};

/** Adds the unusual content to the record's clinical items, in place. */
export function addUnusualContent(bundle: fhir.Bundle): void {
  const items = (bundle.entry ?? [])
    .map((entry) => entry.resource as Resource | undefined)
    .filter(
      (resource): resource is Resource =>
        resource?.resourceType !== undefined && resource.resourceType in CARRIES_NOTE,
    );
  let longNoteGiven = false;
  items.forEach((resource, i) => {
    const extension = fragments.extensions[i % fragments.extensions.length] as fhir.Extension;
    resource.extension = [...(resource.extension ?? []), structuredClone(extension)];
    const code: fhir.CodeableConcept | undefined = resource.code;
    if (code?.coding !== undefined && code.coding.length > 0) {
      const coding = fragments.codings[i % fragments.codings.length] as fhir.Coding;
      resource.code = { ...code, coding: [...code.coding, structuredClone(coding)] };
    }
    if (CARRIES_NOTE[resource.resourceType ?? ""] === true) {
      const note: fhir.Annotation = structuredClone(fragments.notes[i % fragments.notes.length]!);
      if (!longNoteGiven) {
        note.text = longNoteText();
        longNoteGiven = true;
      }
      resource.note = [...(resource.note ?? []), note];
    }
  });
}
