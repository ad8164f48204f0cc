/**
 * The uncategorised data area: coded entries (measurements, findings) as Observations, within the search
 * period asked for; a template's group (a header and the entries filed under it) joined, where the supplier
 * does so, by a QuestionnaireResponse. Immunisation consent and dissent are rendered the same way.
 */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { MeasurementComponent, UncategorisedEntry } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import {
  author,
  concept,
  dateTime,
  list,
  quantity,
  type Render,
  reference,
  supplierIdentifier,
} from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import type { SupplierFlavour } from "./flavours.js";
import type { SearchPeriod } from "./structured-query.js";

export function uncategorisedObservation(render: Render, entry: UncategorisedEntry): fhir.Observation {
  const id = render.ids.item("observation", entry.id);
  const observation: fhir.Observation = {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    // An item recorded without a code has no term picked: its code says so, its words go beside it as text.
    code:
      entry.text === undefined
        ? chosenConcept(entry.code, entry.legacyCode, render.input.flavour)
        : { ...concept(entry.code, undefined, render.input.flavour), text: entry.text },
    subject: render.patientRef,
    effectiveDateTime: entry.date,
    issued: dateTime(entry.date),
    performer: [author(render, entry.recordedBy)],
    ...(entry.value === undefined ? {} : { valueQuantity: quantity(entry.value) }),
    ...(entry.components === undefined
      ? {}
      : {
          component: entry.components.map((c) => ({
            code: componentConcept(c, render.input.flavour),
            valueQuantity: quantity(c.value),
          })),
        }),
  };
  // Assigned in place (most entries have neither): what the clinician wrote, and a template group's links.
  if (entry.note !== undefined) observation.comment = entry.note;
  if (render.input.flavour.templateGroups === "questionnaire-response") {
    // A template's header has its group's QuestionnaireResponse as member; what is filed under it derives from it.
    if (entry.templateItems !== undefined)
      observation.related = [{ type: "has-member", target: questionnaireReference(render, entry.id) }];
    else if (entry.filedUnder !== undefined)
      observation.related = [
        { type: "derived-from", target: questionnaireReference(render, entry.filedUnder) },
      ];
  }
  return observation;
}

const questionnaireReference = (render: Render, headerId: string) =>
  reference("QuestionnaireResponse", render.ids.item("questionnaire-response", headerId));

/**
 * A template's group as GP Connect 1.6's QuestionnaireResponse page says (hierarchical uncategorised data) and
 * EMIS writes it: the header Observation as its parent, one item named with the header's rubric, answered by
 * the entries filed under it; the consultation it was recorded in (dropped from the Bundle when that is not
 * sent, see structured-bundle.ts). The profile URL is the one EMIS's records carry.
 */
function questionnaireResponse(render: Render, header: UncategorisedEntry): fhir.QuestionnaireResponse {
  const id = render.ids.item("questionnaire-response", header.id);
  const [identifier] = supplierIdentifier(render, id);
  const rubric = header.legacyCode?.display ?? header.code.display;
  return {
    resourceType: "QuestionnaireResponse",
    id,
    meta: { profile: [QUESTIONNAIRE_RESPONSE_PROFILE] },
    ...(identifier === undefined ? {} : { identifier }),
    parent: [reference("Observation", render.ids.item("observation", header.id))],
    status: "completed",
    subject: render.patientRef,
    ...(header.consultation === undefined
      ? {}
      : { context: reference("Encounter", render.ids.item("encounter", header.consultation)) }),
    authored: dateTime(header.date),
    item: [
      {
        linkId: rubric,
        answer: (header.templateItems ?? []).map((item) => ({
          valueReference: reference("Observation", render.ids.item("observation", item)),
        })),
      },
    ],
  };
}

const QUESTIONNAIRE_RESPONSE_PROFILE =
  "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-QuestionnaireResponse-1";

/** A template header's group as its QuestionnaireResponse, where the supplier sends one; undefined otherwise. */
export function templateResponse(
  render: Render,
  entry: UncategorisedEntry,
): fhir.QuestionnaireResponse | undefined {
  return entry.templateItems !== undefined && render.input.flavour.templateGroups === "questionnaire-response"
    ? questionnaireResponse(render, entry)
    : undefined;
}

/** An entry as the resources it is sent as: its Observation and, for a template's header, its group's response. */
export function uncategorisedResources(
  render: Render,
  entry: UncategorisedEntry,
): fhir.Resource | readonly fhir.Resource[] {
  const observation = uncategorisedObservation(render, entry);
  const response = templateResponse(render, entry);
  return response === undefined ? observation : [observation, response];
}

/** A part of a reading: with the template's label as text, and no chosen words, where the supplier writes so. */
function componentConcept(part: MeasurementComponent, flavour: SupplierFlavour): fhir.CodeableConcept {
  if (!flavour.templateLabels) return chosenConcept(part.code, part.legacyCode, flavour);
  return { ...chosenConcept(part.code, part.legacyCode, flavour, part.code.display), text: part.label };
}

export function uncategorisedArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const listed: fhir.Resource[] = [];
  const responses: fhir.Resource[] = [];
  for (const entry of render.input.patient.uncategorised) {
    if (!inPeriod(entry.date, period)) continue;
    listed.push(uncategorisedObservation(render, entry));
    const response = templateResponse(render, entry);
    if (response !== undefined) responses.push(response);
  }
  return {
    lists: [list(render, LIST_CODES.uncategorised, listed.map(refOf))],
    resources: responses.length === 0 ? listed : [...listed, ...responses],
  };
}
