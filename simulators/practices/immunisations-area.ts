/**
 * The immunisations area: vaccinations given and, when asked for, those not given, with the patient's
 * consent and dissent to immunisation, all in the one immunisations List.
 */
import { CODE_SYSTEMS, EXTENSIONS, LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { Immunisation, ImmunisationStatus } from "../population/types.js";
import { type AreaResult, refOf } from "./area-result.js";
import { concept, list, type Render, requester, supplierIdentifier } from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import { uncategorisedObservation } from "./uncategorised-area.js";

/**
 * A vaccination given, or one intended but not given, as GP Connect 1.6.2's Immunization page says. Not given:
 * notGiven true, the situation ("... declined") as the vaccination procedure, the intended date, the reason in
 * explanation.reasonNotGiven, and none of what only a given dose has (vaccinationProtocol, site, route, dose).
 * Either way no product (UNK): GP systems record the procedure.
 */
export function immunization(render: Render, item: Immunisation): fhir.Immunization {
  const id = render.ids.item("immunization", item.id);
  const reason = item.notGiven?.reason;
  return {
    resourceType: "Immunization",
    id,
    meta: { profile: [PROFILES.immunization] },
    extension: [
      { url: EXTENSIONS.dateRecorded, valueDateTime: item.date },
      {
        url: EXTENSIONS.vaccinationProcedure,
        valueCodeableConcept: chosenConcept(item.procedure, item.legacyCode, render.input.flavour),
      },
    ],
    identifier: supplierIdentifier(render, id),
    status: "completed",
    notGiven: item.notGiven !== undefined,
    vaccineCode: { coding: [{ system: CODE_SYSTEMS.nullFlavor, code: "UNK", display: "unknown" }] },
    patient: render.patientRef,
    date: item.date,
    primarySource: true,
    // STU3 allows only a Practitioner as the actor.
    practitioner: [{ actor: requester(render, item.recordedBy).agent }],
    // A dose number belongs to a dose given (a vaccination not given never has one).
    ...(item.doseSequence === undefined
      ? {}
      : {
          vaccinationProtocol: [
            {
              doseSequence: item.doseSequence,
              targetDisease: [{ text: item.procedure.display }],
              doseStatus: { text: "Counts" },
            },
          ],
        }),
    ...(reason === undefined
      ? {}
      : { explanation: { reasonNotGiven: [concept(reason, undefined, render.input.flavour)] } }),
  };
}

/**
 * Immunisations given; those not given only with `includeNotGiven` (default false); and, unless
 * `includeStatus` is false (its default is true), the patient's consent and dissent to immunisation as
 * Observations, all in the one immunisations list (GP Connect 1.6, includeImmunisations parts).
 */
export function immunisationsArea(
  render: Render,
  options: { readonly includeNotGiven: boolean; readonly includeStatus: boolean },
): AreaResult {
  const { patient } = render.input;
  const resources: fhir.Resource[] = patient.immunisations
    .filter((item) => options.includeNotGiven || item.notGiven === undefined)
    .map((item) => immunization(render, item));
  if (options.includeStatus) {
    for (const status of patient.immunisationStatuses) resources.push(immunisationStatus(render, status));
  }
  return { lists: [list(render, LIST_CODES.immunisations, resources.map(refOf))], resources };
}

/** Consent or dissent to immunisation: an Observation like any coded entry, with the clinician's note. */
function immunisationStatus(render: Render, status: ImmunisationStatus): fhir.Observation {
  return { ...uncategorisedObservation(render, status), comment: status.note };
}
