/**
 * The uncategorised data area: coded entries (measurements, findings) as Observations, within the search
 * period asked for. Immunisation consent and dissent are rendered the same way.
 */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { MeasurementComponent, UncategorisedEntry } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import { author, dateTime, list, quantity, type Render, supplierIdentifier } from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import type { SupplierFlavour } from "./flavours.js";
import type { SearchPeriod } from "./structured-query.js";

export function uncategorisedObservation(render: Render, entry: UncategorisedEntry): fhir.Observation {
  const id = render.ids.item("observation", entry.id);
  return {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    code: chosenConcept(entry.code, entry.legacyCode, render.input.flavour),
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
}

/** A part of a reading: with the template's label as text, and no chosen words, where the supplier writes so. */
function componentConcept(part: MeasurementComponent, flavour: SupplierFlavour): fhir.CodeableConcept {
  if (!flavour.templateLabels) return chosenConcept(part.code, part.legacyCode, flavour);
  return { ...chosenConcept(part.code, part.legacyCode, flavour, part.code.display), text: part.label };
}

export function uncategorisedArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const resources = render.input.patient.uncategorised
    .filter((entry) => inPeriod(entry.date, period))
    .map((entry) => uncategorisedObservation(render, entry));
  return { lists: [list(render, LIST_CODES.uncategorised, resources.map(refOf))], resources };
}
