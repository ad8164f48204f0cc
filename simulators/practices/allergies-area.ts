/**
 * The allergies area: the patient's allergies as AllergyIntolerances, or the "no known allergy" entry, in the
 * allergies List, and the List of ended allergies when asked for.
 */
import { EXTENSIONS, LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import { NO_KNOWN_ALLERGY } from "../population/clinical-terms.js";
import type { Allergy } from "../population/types.js";
import type { AreaResult } from "./area-result.js";
import {
  author,
  concept,
  dateTime,
  list,
  type Render,
  reference,
  supplierIdentifier,
} from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";

/**
 * An allergy as GP Connect 1.6's AllergyIntolerance page says, naming the consultation it was recorded in (the
 * encounter extension; dropped from the Bundle when the consultation is not sent, see structured-bundle.ts).
 */
export function allergyResource(render: Render, allergy: Allergy): fhir.AllergyIntolerance {
  const id = render.ids.allergy(allergy.id);
  return {
    resourceType: "AllergyIntolerance",
    id,
    meta: { profile: [PROFILES.allergyIntolerance] },
    ...(allergy.consultation === undefined
      ? {}
      : {
          extension: [
            {
              url: EXTENSIONS.associatedEncounter,
              valueReference: reference("Encounter", render.ids.item("encounter", allergy.consultation)),
            },
          ],
        }),
    identifier: supplierIdentifier(render, id),
    clinicalStatus: "active",
    verificationStatus: "unconfirmed",
    type: "allergy",
    category: [allergy.category],
    criticality: allergy.severity === "severe" ? "high" : "low",
    code: chosenConcept(allergy.code, allergy.legacyCode, render.input.flavour),
    patient: render.patientRef,
    onsetDateTime: allergy.recorded,
    assertedDate: allergy.recorded,
    recorder: author(render, allergy.recordedBy),
    note: [allergyNote(render, allergy)],
    reaction: [
      {
        ...(allergy.substance === undefined
          ? {}
          : { substance: concept(allergy.substance, undefined, render.input.flavour) }),
        manifestation: [concept(allergy.reaction, undefined, render.input.flavour)],
        severity: allergy.severity,
      },
    ],
  };
}

/**
 * The allergy's qualifiers as text, as the 1.6 allergies guidance asks ("Unsupported qualifiers", "Adoption
 * of single notes field"); TPP signs and dates its note.
 */
function allergyNote(render: Render, allergy: Allergy): fhir.Annotation {
  const text = `Reaction : ${allergy.reaction.display}\nSeverity : ${allergy.severity}`;
  if (!render.input.flavour.signsNotes) return { text };
  return { authorReference: author(render, allergy.recordedBy), time: dateTime(allergy.recorded), text };
}

/** Allergies, when asked for: the active allergies List and, with includeResolvedAllergies, the ended ones. */
export function allergiesArea(render: Render): AreaResult | undefined {
  const { query, patient } = render.input;
  if (query.allergies === undefined) return undefined;
  let resources: fhir.AllergyIntolerance[] = [];
  if (patient.allergies.kind === "recorded") {
    resources = patient.allergies.allergies.map((allergy) => allergyResource(render, allergy));
  } else if (patient.allergies.kind === "no-known-allergies") {
    // "No known allergy" is itself an entry, unlike a record where nothing was ever asked (an empty list).
    const id = render.ids.allergy("no-known-allergies");
    resources = [
      {
        resourceType: "AllergyIntolerance",
        id,
        meta: { profile: [PROFILES.allergyIntolerance] },
        identifier: supplierIdentifier(render, id),
        clinicalStatus: "active",
        verificationStatus: "unconfirmed",
        type: "allergy",
        category: ["medication"],
        code: concept(NO_KNOWN_ALLERGY, undefined, render.input.flavour),
        patient: render.patientRef,
        assertedDate: patient.allergies.recorded,
        recorder: author(render, patient.allergies.recordedBy),
      },
    ];
  }
  const active = list(
    render,
    LIST_CODES.allergies,
    resources.map((r) => reference("AllergyIntolerance", r.id ?? "")),
  );
  // The synthetic records hold no ended allergies yet: the list says so when asked for.
  const lists = query.allergies.includeResolved
    ? [active, list(render, LIST_CODES.endedAllergies, [])]
    : [active];
  return { lists, resources };
}
