/**
 * Renders a synthetic patient's record as the GP Connect structured-record Bundle a real provider sends: the
 * Patient, the clinical areas asked for (each rendered by its own module) and the directory of the
 * practice and the clinicians they reference, shaped and ordered by the supplier flavour, each resource
 * once. Pure: the same input gives the same Bundle.
 */

import { EXTENSIONS, LIST_CODES, PROFILES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import { hasTrait } from "../population/types.js";
import { allergiesArea } from "./allergies-area.js";
import type { AreaResult } from "./area-result.js";
import { dateTime, type Render, reference, type StructuredRecordInput } from "./bundle-render.js";
import { consultationsArea } from "./consultations-area.js";
import { deepFreeze } from "./deep-freeze.js";
import { diaryArea } from "./diary-area.js";
import { directoryResources } from "./directory-resources.js";
import type { BundleSection, SupplierFlavour } from "./flavours.js";
import { immunisationsArea } from "./immunisations-area.js";
import { investigationsArea } from "./investigations-area.js";
import { medicationArea } from "./medication-area.js";
import { patientResource } from "./patient-resource.js";
import { problemsArea } from "./problems-area.js";
import { referralsArea } from "./referrals-area.js";
import { recordIds } from "./resource-ids.js";
import type { StructuredRecordQuery } from "./structured-query.js";
import { uncategorisedArea } from "./uncategorised-area.js";
import { addUnusualContent } from "./unusual-content.js";

/** The clinical areas, in the order their Lists are gathered (EMIS sends them in this order). */
type AreaSection = Exclude<BundleSection, "lists" | "patient" | "directory">;
const LIST_ORDER: readonly AreaSection[] = [
  "consultations",
  "problems",
  "medications",
  "allergies",
  "immunisations",
  "uncategorised",
  "investigations",
  "referrals",
  "diary",
];

/** Which rendering of an item several areas rendered is the fullest: a problem header's from the problems area. */
const RENDERING_PRIORITY: readonly BundleSection[] = [
  "lists",
  "patient",
  "directory",
  "problems",
  "medications",
  "allergies",
  "consultations",
  "immunisations",
  "uncategorised",
  "investigations",
  "referrals",
  "diary",
];

/**
 * GP Connect returns one "linked problems" list however many areas brought problems into the bundle: the
 * later ones are merged into the first. Answers the Lists merged away (not sent).
 */
function mergeLinkedProblemsLists(lists: readonly fhir.List[]): ReadonlySet<fhir.List> {
  const linked = lists.filter(isLinkedProblems);
  const [first, ...others] = linked;
  if (first === undefined || others.length === 0) return NOTHING_MERGED;
  const items = new Set((first.entry ?? []).map((e) => e.item.reference));
  for (const other of others) {
    for (const e of other.entry ?? []) {
      if (items.has(e.item.reference)) continue;
      items.add(e.item.reference);
      first.entry = [...(first.entry ?? []), e];
    }
  }
  return new Set(others);
}

const NOTHING_MERGED: ReadonlySet<fhir.List> = new Set();

const isLinkedProblems = (l: fhir.List) =>
  l.code?.coding?.[0]?.code === SECONDARY_LISTS.problemsLinkedProblems;
const isProblemsList = (l: fhir.List) => l.code?.coding?.[0]?.code === LIST_CODES.problems.code;

/**
 * A problem header several areas rendered (each with the links it knew of) is sent once, with every link:
 * the related content the other renderings carried is added to the one that is sent.
 */
function addRelatedContent(kept: fhir.Condition, other: fhir.Condition): void {
  const url = EXTENSIONS.relatedClinicalContent;
  const extensions = kept.extension ?? [];
  const known = new Set(extensions.filter((e) => e.url === url).map((e) => e.valueReference?.reference));
  const extra = (other.extension ?? []).filter(
    (e) => e.url === url && !known.has(e.valueReference?.reference),
  );
  if (extra.length > 0) kept.extension = [...extensions, ...extra];
}

const isAreaSection = (section: BundleSection): section is AreaSection =>
  section !== "lists" && section !== "patient" && section !== "directory";

/**
 * The bundle's resources in the flavour's order, as blocks: every List together where the order says
 * "lists", or each area's Lists after its items (the problems area: its linked items and their Lists, the
 * Problems List, then the problem headers). `areaLists` holds only the Lists that are sent.
 */
function bundleBlocks(
  flavour: SupplierFlavour,
  sections: Readonly<Record<BundleSection, fhir.Resource[]>>,
  areaLists: Readonly<Record<AreaSection, fhir.List[]>>,
): fhir.Resource[][] {
  if (flavour.listPlacement === "together") return flavour.sectionOrder.map((section) => sections[section]);
  const blocks: fhir.Resource[][] = [];
  for (const section of flavour.sectionOrder) {
    if (!isAreaSection(section)) {
      if (section !== "lists") blocks.push(sections[section]);
      continue;
    }
    const items = sections[section];
    const lists = areaLists[section];
    if (section !== "problems") {
      blocks.push(items, lists);
      continue;
    }
    blocks.push(
      items.filter((r) => r.resourceType !== "Condition"),
      lists.filter((l) => !isProblemsList(l)),
      lists.filter(isProblemsList),
      items.filter((r) => r.resourceType === "Condition"),
    );
  }
  return blocks;
}

const BUNDLE_META: fhir.Meta = deepFreeze({ profile: [PROFILES.bundle] });

/** A canonical key of what was asked, so the bundle id is stable for the same question. */
export function queryKey(query: StructuredRecordQuery): string {
  const { nhsNumber: _nhsNumber, ...asked } = query;
  return JSON.stringify(asked);
}

/** What each clinical area rendered; undefined for an area not asked for. */
type RenderedAreas = Readonly<Record<AreaSection, AreaResult | undefined>>;

/** The Bundle a practice answers `input.query` with: the areas asked for from `input.patient`'s record. */
export function structuredRecordBundle(input: StructuredRecordInput): fhir.Bundle {
  const ids = recordIds(
    input.flavour,
    input.seed,
    input.practice,
    input.patient.nhsNumber,
    queryKey(input.query),
  );
  const render: Render = {
    input,
    ids,
    patientRef: reference("Patient", ids.patient),
    authors: new Map(),
    authorReferences: new Map(),
    listDate: dateTime(input.asOf),
    identifierSystem: input.flavour.identifierSystem(input.practice),
  };
  const patient = patientResource(render);
  const areas = renderAreas(render);
  // Rendered last: it lists every clinician the entries above referenced.
  const directory = directoryResources(render);
  const { lists, areaLists } = listsSent(areas);
  const sections = bundleSections(lists, patient, directory, areas);
  const blocks = bundleBlocks(input.flavour, sections, areaLists);
  const bundle: fhir.Bundle = {
    resourceType: "Bundle",
    id: ids.bundle,
    meta: BUNDLE_META,
    type: "collection",
    entry: bundleEntries(input, blocks, chosenRenderings(input.flavour, sections, blocks)),
  };
  if (hasTrait(input.patient.traits, "unusual-content")) addUnusualContent(bundle);
  return bundle;
}

/** The clinical areas the query asks for, each rendered. */
function renderAreas(render: Render): RenderedAreas {
  const { query } = render.input;
  return {
    consultations:
      query.consultations === undefined ? undefined : consultationsArea(render, query.consultations),
    problems: query.problems === undefined ? undefined : problemsArea(render, query.problems),
    medications: medicationArea(render),
    allergies: allergiesArea(render),
    immunisations:
      query.immunisations === undefined ? undefined : immunisationsArea(render, query.immunisations),
    uncategorised:
      query.uncategorised === undefined ? undefined : uncategorisedArea(render, query.uncategorised.period),
    investigations:
      query.investigations === undefined
        ? undefined
        : investigationsArea(render, query.investigations.period),
    referrals: query.referrals === undefined ? undefined : referralsArea(render, query.referrals.period),
    diary: query.diaryEntries === undefined ? undefined : diaryArea(render, query.diaryEntries.searchDate),
  };
}

/**
 * The Lists sent, in LIST_ORDER, and each area's Lists among them: the linked-problems Lists merged into one
 * (see mergeLinkedProblemsLists), the others are not sent.
 */
function listsSent(areas: RenderedAreas): {
  lists: fhir.List[];
  areaLists: Record<AreaSection, fhir.List[]>;
} {
  const all: fhir.List[] = [];
  for (const area of LIST_ORDER) {
    const lists = areas[area]?.lists;
    if (lists !== undefined) for (const l of lists) all.push(l);
  }
  const merged = mergeLinkedProblemsLists(all);
  const areaLists = {} as Record<AreaSection, fhir.List[]>;
  for (const area of LIST_ORDER) {
    const lists = areas[area]?.lists ?? [];
    areaLists[area] = merged.size === 0 ? lists : lists.filter((l) => !merged.has(l));
  }
  return { lists: merged.size === 0 ? all : all.filter((l) => !merged.has(l)), areaLists };
}

/** The resources of each section of the bundle. */
function bundleSections(
  lists: fhir.List[],
  patient: fhir.Patient,
  directory: fhir.Resource[],
  areas: RenderedAreas,
): Record<BundleSection, fhir.Resource[]> {
  // A diary entry's problem headers go with the problem headers of the problems area.
  const diary = areas.diary?.resources ?? [];
  const diaryEntries = diary.filter((r) => r.resourceType === "ProcedureRequest");
  const diaryProblems = diary.filter((r) => r.resourceType !== "ProcedureRequest");
  return {
    lists,
    patient: [patient],
    directory,
    medications: areas.medications?.resources ?? [],
    allergies: areas.allergies?.resources ?? [],
    problems: [...(areas.problems?.resources ?? []), ...diaryProblems],
    consultations: areas.consultations?.resources ?? [],
    immunisations: areas.immunisations?.resources ?? [],
    uncategorised: areas.uncategorised?.resources ?? [],
    investigations: areas.investigations?.resources ?? [],
    referrals: areas.referrals?.resources ?? [],
    diary: diaryEntries,
  };
}

/**
 * The rendering chosen for each resource, by type and then id: looked up by the resource's own strings, so no
 * "type/id" key is made for each of a record's hundred-odd resources.
 */
class Renderings {
  private readonly byType = new Map<string, Map<string, fhir.Resource>>();

  get(resourceType: string, id: string): fhir.Resource | undefined {
    return this.byType.get(resourceType)?.get(id);
  }

  /** The rendering kept for `resource`'s type and id: `resource` itself if it is the first. */
  keep(resource: fhir.Resource & { readonly id: string }): fhir.Resource {
    const resourceType = resource.resourceType ?? "";
    let ofType = this.byType.get(resourceType);
    if (ofType === undefined) {
      ofType = new Map();
      this.byType.set(resourceType, ofType);
    }
    const first = ofType.get(resource.id);
    if (first !== undefined) return first;
    ofType.set(resource.id, resource);
    return resource;
  }

  /** Notes that the rendering kept for this type and id has been sent: it is not sent again. */
  markSent(resourceType: string, id: string): void {
    this.byType.get(resourceType)?.set(id, SENT);
  }

  /** Whether the resource a reference ("Type/id") names has been sent. */
  sent(reference: string): boolean {
    const slash = reference.indexOf("/");
    return slash >= 0 && this.get(reference.slice(0, slash), reference.slice(slash + 1)) === SENT;
  }
}

/** What a resource's rendering is replaced with once it is sent (no Set of the sent resources is needed). */
const SENT: fhir.Resource = Object.freeze({});

/**
 * One resource appears once, wherever several areas linked to it. The rendering sent is the fullest (a
 * problem header from the problems area carries all its links; from a consultation only that one), or
 * the first the flavour's order reaches; problem headers still go with the problems area's. The other
 * renderings of a problem header add the links they carry to the one sent.
 */
function chosenRenderings(
  flavour: SupplierFlavour,
  sections: Readonly<Record<BundleSection, fhir.Resource[]>>,
  blocks: readonly fhir.Resource[][],
): Renderings {
  const chosen = new Renderings();
  if (flavour.sharedItemsAt === "fullest-rendering") {
    for (const section of RENDERING_PRIORITY) choose(chosen, sections[section], false);
  } else {
    choose(chosen, sections.problems, true);
    for (const block of blocks) choose(chosen, block, false);
  }
  return chosen;
}

function choose(chosen: Renderings, resources: readonly fhir.Resource[], onlyConditions: boolean): void {
  for (const resource of resources) {
    if (resource.id === undefined || (onlyConditions && resource.resourceType !== "Condition")) continue;
    const first = chosen.keep(resource as fhir.Resource & { readonly id: string });
    if (first !== resource && first.resourceType === "Condition")
      addRelatedContent(first as fhir.Condition, resource as fhir.Condition);
  }
}

/** The Bundle's entries: the blocks in order, each resource once, as its chosen rendering. */
function bundleEntries(
  input: StructuredRecordInput,
  blocks: readonly fhir.Resource[][],
  chosen: Renderings,
): fhir.BundleEntry[] {
  const entry: fhir.BundleEntry[] = [];
  for (const resources of blocks) {
    for (const resource of resources) {
      if (resource.id !== undefined) {
        const resourceType = resource.resourceType ?? "";
        // Once sent, the chosen rendering is no longer the one kept: a second sight of it is skipped too.
        if (chosen.get(resourceType, resource.id) !== resource) continue;
        chosen.markSent(resourceType, resource.id);
      }
      entry.push({ resource });
    }
  }
  dropUnsentContexts(input, entry, chosen);
  dropUnsentPriorPrescriptions(entry, chosen);
  return entry;
}

/**
 * An entry names the consultation it was recorded in (a diary entry's, a problem's, a referral's or a template
 * group's context, an immunisation's encounter, an allergy's associated encounter) only when that consultation
 * is sent too, as
 * every other reference in the Bundle resolves within it (a recall asked for on its own carries no context).
 */
function dropUnsentContexts(
  input: StructuredRecordInput,
  entry: readonly fhir.BundleEntry[],
  chosen: Renderings,
): void {
  const unsent = (ref: fhir.Reference | undefined) =>
    ref?.reference !== undefined && !chosen.sent(ref.reference);
  for (const { resource } of entry) {
    switch (resource?.resourceType) {
      case "Condition": {
        const header = resource as fhir.Condition;
        if (unsent(header.context)) delete header.context;
        // A header the problems area did not render names no entry it was made from.
        header.extension = (header.extension ?? []).filter(
          (e) => e.url !== input.flavour.actualProblemUrl || !unsent(e.valueReference),
        );
        break;
      }
      case "ReferralRequest": {
        const referral = resource as fhir.ReferralRequest;
        if (unsent(referral.context)) delete referral.context;
        const letters = (referral.supportingInfo ?? []).filter((ref) => !unsent(ref));
        if (letters.length > 0) referral.supportingInfo = letters;
        else delete referral.supportingInfo;
        const recipients = (referral.recipient ?? []).filter((ref) => !unsent(ref));
        if (recipients.length > 0) referral.recipient = recipients;
        else delete referral.recipient;
        break;
      }
      case "ProcedureRequest":
      case "DiagnosticReport":
      case "QuestionnaireResponse": {
        const item = resource as { context?: fhir.Reference };
        if (unsent(item.context)) delete item.context;
        break;
      }
      case "DocumentReference": {
        const letter = resource as fhir.DocumentReference;
        if (unsent(letter.context?.encounter)) delete letter.context;
        break;
      }
      case "Immunization": {
        const item = resource as fhir.Immunization;
        if (unsent(item.encounter)) delete item.encounter;
        break;
      }
      case "AllergyIntolerance": {
        const item = resource as fhir.AllergyIntolerance;
        const kept = (item.extension ?? []).filter(
          (e) => e.url !== EXTENSIONS.associatedEncounter || !unsent(e.valueReference),
        );
        if (kept.length > 0) item.extension = kept;
        else delete item.extension;
        break;
      }
    }
  }
}

/** A renewed repeat names the authorisation it renews only when that one is sent too (out of scope, withheld). */
function dropUnsentPriorPrescriptions(entry: readonly fhir.BundleEntry[], chosen: Renderings): void {
  for (const { resource } of entry) {
    if (resource?.resourceType !== "MedicationRequest") continue;
    const plan = resource as fhir.MedicationRequest;
    const prior = plan.priorPrescription?.reference;
    if (prior !== undefined && !chosen.sent(prior)) delete plan.priorPrescription;
  }
}
