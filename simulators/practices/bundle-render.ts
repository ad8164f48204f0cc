/** What every section of a structured-record bundle shares: the render context and the shapes of lists and references. */

import {
  CODE_SYSTEMS,
  dataInTransitNote,
  EXTENSIONS,
  GENERAL_PRACTICE_SETTING,
  LIST_WARNING_NOTES,
  type ListWarning,
  PROFILES,
} from "../../gpconnect/profiles.js";
import { SNOMED_SYSTEM } from "../population/clinical-terms.js";
import type { Clinician, Coding, Practice, SyntheticPatient } from "../population/types.js";
import { deepFreeze } from "./deep-freeze.js";
import type { SupplierFlavour } from "./flavours.js";
import type { RecordIds } from "./resource-ids.js";
import type { StructuredRecordQuery } from "./structured-query.js";

/** What a structured-record Bundle is rendered from: the record, the question asked of it and the supplier. */
export interface StructuredRecordInput {
  readonly seed: number;
  readonly practice: Practice;
  readonly patient: SyntheticPatient;
  readonly query: StructuredRecordQuery;
  readonly flavour: SupplierFlavour;
  /** The day the record is read as of (the population's reference date): stamped on the Lists. */
  readonly asOf: string;
}

/** Everything a section builder needs. */
export interface Render {
  readonly input: StructuredRecordInput;
  readonly ids: RecordIds;
  readonly patientRef: fhir.Reference;
  /** Clinicians the bundle must describe, collected while rendering entries. */
  readonly authors: Map<string, Clinician>;
  /** The reference to each clinician's Practitioner, made once per record and shared (frozen) by its entries. */
  readonly authorReferences: Map<string, fhir.Reference>;
  /** The date every List is stamped with: the day the record is read as of, as a FHIR dateTime. */
  readonly listDate: string;
  /** The system of the supplier identifier every clinical resource carries (the flavour's, for the practice). */
  readonly identifierSystem: string;
}

export const reference = (resourceType: string, id: string): fhir.Reference => ({
  reference: `${resourceType}/${id}`,
});

export function meta(render: Render, profile: string, id: string, versioned: boolean): fhir.Meta {
  if (!versioned) return { profile: [profile] };
  const versionId = render.ids.versionId(id);
  // TPP stamps when the record was last changed; the simulated record is as of the day it is read.
  return render.input.flavour.stampsLastUpdated
    ? { profile: [profile], versionId, lastUpdated: `${render.input.asOf}T00:00:00+00:00` }
    : { versionId, profile: [profile] };
}

export function supplierIdentifier(render: Render, id: string): fhir.Identifier[] {
  return [{ system: render.identifierSystem, value: render.ids.identifierValue(id) }];
}

/**
 * SNOMED CT with the supplier's legacy code beside it, in the supplier's order: EMIS marks the legacy code
 * (the clinician's pick) userSelected; TPP never sets userSelected and carries the picked term as the text.
 */
export function concept(
  snomed: Coding,
  legacy: Coding | undefined,
  flavour: SupplierFlavour,
): fhir.CodeableConcept {
  const snomedCoding: fhir.Coding = { system: snomed.system, code: snomed.code, display: snomed.display };
  if (legacy === undefined) return { coding: [snomedCoding] };
  const legacyCoding: fhir.Coding = { system: legacy.system, code: legacy.code, display: legacy.display };
  if (flavour.marksUserSelected) legacyCoding.userSelected = true;
  const coding = flavour.legacyCodeFirst ? [legacyCoding, snomedCoding] : [snomedCoding, legacyCoding];
  return flavour.originalTermAsText ? { coding, text: legacy.display } : { coding };
}

/**
 * The author of an entry (remembered for the directory section). Both suppliers reference the Practitioner:
 * EMIS's records and TPP's captures (recorder, asserter, performer, requester, note.authorReference) alike.
 */
export function author(render: Render, clinicianId: string): fhir.Reference {
  let known = render.authorReferences.get(clinicianId);
  if (known === undefined) {
    const clinician = clinicianOf(render.input.practice, clinicianId);
    if (clinician !== undefined) render.authors.set(clinician.id, clinician);
    known = Object.freeze(reference("Practitioner", render.ids.practitioner(clinicianId)));
    render.authorReferences.set(clinicianId, known);
  }
  return known;
}

/** A practice's clinicians by id, indexed once per practice (an entry names its author by id). */
const staffIndexes = new WeakMap<Practice, ReadonlyMap<string, Clinician>>();

function clinicianOf(practice: Practice, clinicianId: string): Clinician | undefined {
  let staff = staffIndexes.get(practice);
  if (staff === undefined) {
    staff = new Map(practice.clinicians.map((c) => [c.id, c]));
    staffIndexes.set(practice, staff);
  }
  return staff.get(clinicianId);
}

/** STU3 allows only a Practitioner (not a role) as the requesting agent. */
export function requester(render: Render, clinicianId: string): fhir.MedicationRequestRequester {
  return { agent: author(render, clinicianId) };
}

export interface ListOptions {
  /**
   * Warnings to carry, each with its note (items withheld, data awaiting filing). `data-in-transit` is added
   * by `list` itself, to every list but a consultation's structure, while the patient's record is in transit.
   */
  readonly warnings?: readonly ListWarning[];
  /** A fixed id, when other resources reference the list (consultation structure). */
  readonly id?: string;
  readonly encounter?: fhir.Reference;
  /** A secondary list's code comes from GPConnect-SecondaryListValues-1, not SNOMED CT. */
  readonly system?: string;
  readonly title?: string;
  readonly orderedBy?: "event-date" | "system";
  /** For a topic list: the problem it is about. */
  readonly problem?: fhir.Reference;
}

/**
 * The parts of a List that are the same in every record, built once and shared, frozen (a record has about
 * fifty Lists).
 */
const LIST_META: fhir.Meta = deepFreeze({ profile: [PROFILES.list] });
const CLINICAL_SETTING: fhir.Extension = deepFreeze({
  url: EXTENSIONS.clinicalSetting,
  valueCodeableConcept: { coding: [{ system: SNOMED_SYSTEM, ...GENERAL_PRACTICE_SETTING }] },
});
const ONLY_CLINICAL_SETTING: fhir.Extension[] = deepFreeze([CLINICAL_SETTING]);
const WARNING_EXTENSIONS = new Map<ListWarning, fhir.Extension>(
  (Object.keys(LIST_WARNING_NOTES) as ListWarning[]).map((code) => [
    code,
    deepFreeze({ url: EXTENSIONS.listWarningCode, valueCode: code }),
  ]),
);
const ORDERED_BY_EVENT_DATE: fhir.CodeableConcept = deepFreeze({
  coding: [{ system: CODE_SYSTEMS.listOrder, code: "event-date", display: "Sorted by Event Date" }],
});
const ORDERED_BY_SYSTEM: fhir.CodeableConcept = deepFreeze({
  coding: [{ system: CODE_SYSTEMS.listOrder, code: "system", display: "Sorted by System" }],
});
const NO_CONTENT_RECORDED: fhir.CodeableConcept = deepFreeze({
  coding: [
    { system: CODE_SYSTEMS.listEmptyReason, code: "no-content-recorded", display: "No Content Recorded" },
  ],
});
const EMPTY_LIST_NOTE = "Information not available";

/** A List's code, by code system, code and display: one shared CodeableConcept each. */
const listCodes = new Map<string, Map<string, Map<string, fhir.CodeableConcept>>>();

function listCode(system: string, code: string, display: string): fhir.CodeableConcept {
  let ofSystem = listCodes.get(system);
  if (ofSystem === undefined) {
    ofSystem = new Map();
    listCodes.set(system, ofSystem);
  }
  let ofCode = ofSystem.get(code);
  if (ofCode === undefined) {
    ofCode = new Map();
    ofSystem.set(code, ofCode);
  }
  let concept = ofCode.get(display);
  if (concept === undefined) {
    concept = deepFreeze({ coding: [{ system, code, display }] });
    ofCode.set(display, concept);
  }
  return concept;
}

/** A List's note when it names no date (all but the data-in-transit one): one shared note each. */
const listNotes = new Map<string, fhir.Annotation[]>();

function listNote(text: string, shareable: boolean): fhir.Annotation[] {
  if (!shareable) return [{ text }];
  let note = listNotes.get(text);
  if (note === undefined) {
    note = deepFreeze([{ text }]);
    listNotes.set(text, note);
  }
  return note;
}

/**
 * A List resource. Optional fields are assigned in place, in the order the JSON gives them, rather than
 * spread in from conditional fragments: a List is built for every section of every record.
 */
export function list(
  render: Render,
  listCodeAndDisplay: { readonly code: string; readonly display: string },
  items: readonly fhir.Reference[],
  options: ListOptions = {},
): fhir.List {
  // GP Connect: while a record is in transit every list warns so, except the lists that give a consultation
  // its structure (those carry an encounter), which never carry warning codes.
  const inTransit = render.input.patient.recordInTransit === true && options.encounter === undefined;
  const warnings: readonly ListWarning[] = inTransit
    ? [...(options.warnings ?? []), "data-in-transit"]
    : (options.warnings ?? []);
  let extension: fhir.Extension[] | undefined;
  if (warnings.length === 0 && options.problem === undefined) {
    if (options.encounter === undefined) extension = ONLY_CLINICAL_SETTING;
  } else {
    extension = [];
    if (options.encounter === undefined) extension.push(CLINICAL_SETTING);
    for (const code of warnings) extension.push(WARNING_EXTENSIONS.get(code) as fhir.Extension);
    if (options.problem !== undefined) {
      extension.push({
        url: EXTENSIONS.relatedProblemHeader,
        extension: [{ url: "target", valueReference: options.problem }],
      });
    }
  }
  const resource: fhir.List = { resourceType: "List" } as fhir.List;
  if (options.id !== undefined) resource.id = options.id;
  resource.meta = LIST_META;
  if (extension !== undefined) resource.extension = extension;
  resource.status = "current";
  resource.mode = "snapshot";
  resource.title = options.title ?? listCodeAndDisplay.display;
  resource.code = listCode(
    options.system ?? SNOMED_SYSTEM,
    listCodeAndDisplay.code,
    listCodeAndDisplay.display,
  );
  resource.subject = render.patientRef;
  if (options.encounter !== undefined) resource.encounter = options.encounter;
  resource.date = render.listDate;
  resource.orderedBy =
    (options.orderedBy ?? "event-date") === "event-date" ? ORDERED_BY_EVENT_DATE : ORDERED_BY_SYSTEM;
  let notes = "";
  for (const code of warnings) {
    const note =
      code === "data-in-transit"
        ? dataInTransitNote(render.input.patient.registeredSince)
        : LIST_WARNING_NOTES[code];
    notes = notes === "" ? note : `${notes} ${note}`;
  }
  if (items.length > 0) {
    if (notes !== "") resource.note = listNote(notes, !inTransit);
    resource.entry = items.map((item) => ({ item }));
    return resource;
  }
  // An empty list says why it is empty, as GP Connect requires.
  resource.note = listNote(notes === "" ? EMPTY_LIST_NOTE : `${notes} ${EMPTY_LIST_NOTE}`, !inTransit);
  resource.emptyReason = NO_CONTENT_RECORDED;
  return resource;
}

/** A whole date as a FHIR dateTime, at midnight UTC. */
export const dateTime = (date: string) => `${date}T00:00:00+00:00`;

/** A quantity in UCUM units. */
export const quantity = (value: { value: number; unit: string; ucum: string }): fhir.Quantity => ({
  value: value.value,
  unit: value.unit,
  system: CODE_SYSTEMS.ucum,
  code: value.ucum,
});
