/**
 * The consultations area: each consultation an Encounter with its narrative, its consultation List and one
 * topic List holding the items recorded in it, and the header of the problem it was about.
 */
import { CODE_SYSTEMS, LIST_CODES, PROFILES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import type { Consultation, Problem } from "../population/types.js";
import { allergyResource } from "./allergies-area.js";
import { type AreaResult, inPeriod, refOf, renderInto, secondary } from "./area-result.js";
import {
  author,
  dateTime,
  type ListOptions,
  list,
  type Render,
  reference,
  supplierIdentifier,
} from "./bundle-render.js";
import { recordedIn } from "./consultation-index.js";
import { deepFreeze } from "./deep-freeze.js";
import { procedureRequest } from "./diary-area.js";
import { immunizationResources } from "./immunisations-area.js";
import { problemHeader } from "./problem-header.js";
import { referralRequest } from "./referrals-area.js";
import { shared } from "./shared-record.js";
import type { SearchPeriod } from "./structured-query.js";
import { templateResponse, uncategorisedObservation } from "./uncategorised-area.js";

export function encounter(render: Render, consultation: Consultation): fhir.Encounter {
  const id = render.ids.item("encounter", consultation.id);
  const clinician = author(render, consultation.clinician);
  return {
    resourceType: "Encounter",
    id,
    meta: { profile: [PROFILES.encounter] },
    identifier: supplierIdentifier(render, id),
    status: "finished",
    type: [{ text: consultation.type }],
    subject: render.patientRef,
    participant: participants(render, clinician),
    period: { start: dateTime(consultation.date), end: dateTime(consultation.date) },
    ...consultationPlace(render, consultation),
    serviceProvider: reference("Organization", render.ids.organization),
  };
}

const PRIMARY_PERFORMER = deepFreeze({
  system: CODE_SYSTEMS.participationType,
  code: "PPRF",
  display: "primary performer",
});
const RECORDER = deepFreeze({ system: CODE_SYSTEMS.gpcParticipantType, code: "REC", display: "recorder" });

/** EMIS names the clinician as primary performer and as recorder; TPP as the recorder alone. */
function participants(render: Render, clinician: fhir.Reference): fhir.EncounterParticipant[] {
  const recorder = { type: [{ coding: [RECORDER] }], individual: clinician };
  return render.input.flavour.consultationStyle === "emis"
    ? [{ type: [{ coding: [PRIMARY_PERFORMER] }], individual: clinician }, recorder]
    : [recorder];
}

/** Minutes a consultation of each kind lasts, as EMIS records the length (a home visit takes longer). */
const MINUTES: Readonly<Record<string, number>> = { Telephone: 5, "Home visit note": 20 };

/**
 * Where the consultation was recorded and (EMIS) how long it lasted: the practice's main Location, whatever
 * the kind (EMIS's records name it for a home visit too); TPP names the room as text beside it ("Surgery").
 */
function consultationPlace(
  render: Render,
  consultation: Consultation,
): Pick<fhir.Encounter, "length" | "location"> {
  const emis = render.input.flavour.consultationStyle === "emis";
  const minutes = MINUTES[consultation.type] ?? 10;
  const length = emis
    ? { length: { value: minutes, unit: "minute", system: CODE_SYSTEMS.ucum, code: "min" } }
    : {};
  const site = { location: reference("Location", render.ids.location) };
  return { ...length, location: emis ? [site] : [site, { location: { display: "Surgery" } }] };
}

function narrative(render: Render, consultation: Consultation): fhir.Observation {
  const id = render.ids.item("narrative", consultation.id);
  return {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    code: { coding: [{ system: "http://snomed.info/sct", code: "37331000000100", display: "Comment note" }] },
    subject: render.patientRef,
    context: reference("Encounter", render.ids.item("encounter", consultation.id)),
    effectiveDateTime: consultation.date,
    issued: dateTime(consultation.date),
    performer: [author(render, consultation.clinician)],
    comment: consultation.narrative,
  };
}

/** What a consultations query asks for: a search period, or the number of most recent consultations. */
interface ConsultationsOptions {
  readonly period?: SearchPeriod;
  readonly mostRecent?: number;
}

/** References to the items the consultations link to, for the area's secondary Lists. */
interface LinkedItems {
  readonly problems: fhir.Reference[];
  readonly allergies: fhir.Reference[];
  readonly uncategorised: fhir.Reference[];
  readonly immunisations: fhir.Reference[];
  readonly referrals: fhir.Reference[];
  readonly diaryEntries: fhir.Reference[];
}

/**
 * Consultations: each an Encounter with its consultation List, one topic List (about its problem, when it
 * has one) holding the narrative and the items recorded in it.
 */
export function consultationsArea(render: Render, options: ConsultationsOptions): AreaResult {
  const share = shared(render);
  const linked: LinkedItems = {
    problems: [],
    allergies: [],
    uncategorised: [],
    immunisations: [],
    referrals: [],
    diaryEntries: [],
  };
  const resources: fhir.Resource[] = [];
  const lists: fhir.List[] = [];
  const encounters: fhir.Reference[] = [];
  for (const consultation of chosenConsultations(share.consultations, options)) {
    const visit = encounter(render, consultation);
    const visitRef = refOf(visit);
    encounters.push(visitRef);
    const note = narrative(render, consultation);
    resources.push(visit, note);
    const items = [refOf(note), ...recordedItems(render, consultation, resources, linked)];
    const problem = share.problems.find((p) => p.id === consultation.problem);
    let problemRef: fhir.Reference | undefined;
    if (problem !== undefined) {
      const header = problemHeader(render, problem, [visitRef]);
      resources.push(header);
      problemRef = refOf(header);
      linked.problems.push(problemRef);
    }
    lists.push(...consultationLists(render, consultation, visit, items, problem, problemRef));
  }
  const warnings: ListOptions["warnings"] = share.confidential.consultations ? ["confidential-items"] : [];
  return {
    lists: [
      list(render, LIST_CODES.consultations, encounters, { warnings }),
      ...secondary(render, SECONDARY_LISTS.consultationsProblems, linked.problems),
      ...secondary(render, SECONDARY_LISTS.consultationsAllergies, linked.allergies),
      ...secondary(render, SECONDARY_LISTS.consultationsUncategorised, linked.uncategorised),
      ...secondary(render, SECONDARY_LISTS.consultationsImmunisations, linked.immunisations),
      ...secondary(render, SECONDARY_LISTS.consultationsReferrals, linked.referrals),
      ...secondary(render, SECONDARY_LISTS.consultationsDiaryEntries, linked.diaryEntries),
      ...lists,
    ],
    resources,
  };
}

/** The consultations asked for: those in the search period, or the most recent ones, newest first. */
function chosenConsultations(
  consultations: readonly Consultation[],
  options: ConsultationsOptions,
): readonly Consultation[] {
  const inSearchPeriod = consultations.filter((c) => inPeriod(c.date, options.period));
  if (options.mostRecent === undefined) return inSearchPeriod;
  return [...inSearchPeriod]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, options.mostRecent);
}

/**
 * Renders what was recorded in a consultation into `resources`, and returns references to it for the
 * consultation's topic List; each is filed in the area's secondary List of its kind too.
 */
function recordedItems(
  render: Render,
  consultation: Consultation,
  resources: fhir.Resource[],
  linked: LinkedItems,
): fhir.Reference[] {
  const items: fhir.Reference[] = [];
  const recorded = recordedIn(render.input.patient, consultation.id);
  renderInto(resources, recorded.allergies, (a) => allergyResource(render, a), items, linked.allergies);
  for (const entry of recorded.uncategorised) {
    const observation = uncategorisedObservation(render, entry);
    resources.push(observation);
    linked.uncategorised.push(refOf(observation));
    items.push(refOf(observation));
    // The consultation's List holds a template's QuestionnaireResponse beside its entries, as EMIS's does.
    const response = templateResponse(render, entry);
    if (response !== undefined) {
      resources.push(response);
      items.push(refOf(response));
    }
  }
  renderInto(
    resources,
    recorded.immunisations,
    (i) => immunizationResources(render, i),
    items,
    linked.immunisations,
  );
  renderInto(resources, recorded.referrals, (r) => referralRequest(render, r), items, linked.referrals);
  renderInto(
    resources,
    recorded.diaryEntries,
    (d) => procedureRequest(render, d),
    items,
    linked.diaryEntries,
  );
  return items;
}

/**
 * A consultation's structure: its consultation List, pointing at its one topic List, which holds what was
 * recorded and is titled after the problem the consultation was about (when it was about one).
 */
function consultationLists(
  render: Render,
  consultation: Consultation,
  visit: fhir.Encounter,
  items: readonly fhir.Reference[],
  problem: Problem | undefined,
  problemRef: fhir.Reference | undefined,
): fhir.List[] {
  const visitRef = refOf(visit);
  const topicId = `${visit.id}-topic`;
  const consultationListId = `${visit.id}-consultation`;
  return [
    list(render, LIST_CODES.consultation, [reference("List", topicId)], {
      id: consultationListId,
      encounter: visitRef,
      title: consultation.type,
      orderedBy: "system",
    }),
    list(render, LIST_CODES.topic, items, {
      id: topicId,
      encounter: visitRef,
      orderedBy: "system",
      ...(problem === undefined ? {} : { title: problem.code.display }),
      ...(problemRef === undefined ? {} : { problem: problemRef }),
    }),
  ];
}
