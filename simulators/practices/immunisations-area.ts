/**
 * The immunisations area: vaccinations given and, when asked for, those not given, with the patient's
 * consent and dissent to immunisation, all in the one immunisations List.
 */
import { CODE_SYSTEMS, EXTENSIONS, LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import { addYears } from "../population/calendar.js";
import { SNOMED_SYSTEM } from "../population/clinical-terms.js";
import type { Immunisation, ImmunisationStatus } from "../population/types.js";
import { type AreaResult, refOf } from "./area-result.js";
import {
  concept,
  list,
  meta,
  type Render,
  reference,
  requester,
  supplierIdentifier,
} from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import { deepFreeze } from "./deep-freeze.js";
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
    // Dropped from the Bundle when the consultation is not sent with it (see structured-bundle.ts).
    ...(item.consultation === undefined
      ? {}
      : { encounter: reference("Encounter", render.ids.item("encounter", item.consultation)) }),
    date: item.date,
    primarySource: true,
    ...(item.notGiven === undefined ? doseGiven(render, item) : {}),
    // STU3 allows only a Practitioner as the actor; a dose given names who gave it.
    practitioner: [
      {
        ...(item.notGiven === undefined ? { role: ADMINISTERING_PROVIDER } : {}),
        actor: requester(render, item.recordedBy).agent,
      },
    ],
    // A dose number belongs to a dose given (a vaccination not given never has one).
    ...(item.doseSequence === undefined
      ? {}
      : {
          note: [{ text: `Dose ${item.doseSequence} of the course` }],
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

const ADMINISTERING_PROVIDER: fhir.CodeableConcept = deepFreeze({
  coding: [{ system: "http://hl7.org/fhir/v2/0443", code: "AP", display: "Administering Provider" }],
});

/** Where a dose was given: the upper arm, as GP practices record it ("Left arm", EMIS's picked term). */
const LEFT_UPPER_ARM = { system: SNOMED_SYSTEM, code: "368208006", display: "Left upper arm structure" };

/**
 * What only a dose given carries: where (the practice's main Location, the left upper arm), who made the
 * vaccine (an Organization sent with it, see `vaccineMaker`), and the batch and its expiry (synthetic: the
 * vaccine's batch is not modelled, so it is derived from the entry's id).
 */
function doseGiven(
  render: Render,
  item: Immunisation,
): Pick<fhir.Immunization, "location" | "manufacturer" | "lotNumber" | "expirationDate" | "site"> {
  const batch = render.ids
    .item("batch", item.id)
    .replace(/[^0-9a-zA-Z]/g, "")
    .slice(0, 6)
    .toUpperCase();
  return {
    location: reference("Location", render.ids.location),
    ...(item.manufacturer === undefined
      ? {}
      : { manufacturer: reference("Organization", render.ids.item("manufacturer", item.manufacturer)) }),
    lotNumber: batch,
    expirationDate: addYears(item.date.slice(0, 10), 1),
    site: chosenConcept(LEFT_UPPER_ARM, undefined, render.input.flavour, "Left arm"),
  };
}

/**
 * The vaccine's maker, as GP Connect's Immunization page has it (manufacturer references an Organization) and
 * EMIS's records send it: an Organization named and nothing more.
 */
function vaccineMaker(render: Render, name: string): fhir.Organization {
  const id = render.ids.item("manufacturer", name);
  return {
    resourceType: "Organization",
    id,
    meta: meta(render, PROFILES.organization, id, true),
    name,
  };
}

/** A vaccination with the Organization that made it, when it names one. */
export function immunizationResources(
  render: Render,
  item: Immunisation,
): fhir.Resource | readonly fhir.Resource[] {
  const resource = immunization(render, item);
  return item.manufacturer === undefined || item.notGiven !== undefined
    ? resource
    : [resource, vaccineMaker(render, item.manufacturer)];
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
  const listed: fhir.Resource[] = [];
  const makers: fhir.Resource[] = [];
  for (const item of patient.immunisations) {
    if (!options.includeNotGiven && item.notGiven !== undefined) continue;
    listed.push(immunization(render, item));
    if (item.manufacturer !== undefined && item.notGiven === undefined)
      makers.push(vaccineMaker(render, item.manufacturer));
  }
  if (options.includeStatus) {
    for (const status of patient.immunisationStatuses) listed.push(immunisationStatus(render, status));
  }
  return {
    lists: [list(render, LIST_CODES.immunisations, listed.map(refOf))],
    resources: makers.length === 0 ? listed : [...listed, ...makers],
  };
}

/** Consent or dissent to immunisation: an Observation like any coded entry, with the clinician's note. */
function immunisationStatus(render: Render, status: ImmunisationStatus): fhir.Observation {
  return { ...uncategorisedObservation(render, status), comment: status.note };
}
