/** What every section of a structured-record bundle shares: the render context and the shapes of lists and references. */
import { SNOMED_SYSTEM } from "../population/clinical-terms.js";
import type { Clinician, Coding } from "../population/types.js";
import type { SupplierFlavour } from "./flavours.js";
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  GENERAL_PRACTICE_SETTING,
  LIST_WARNING_NOTES,
  type ListWarning,
  PROFILES,
} from "./gpc-profiles.js";
import type { RecordIds } from "./resource-ids.js";
import type { StructuredRecordInput } from "./structured-bundle.js";

/** Everything a section builder needs. */
export interface Render {
  readonly input: StructuredRecordInput;
  readonly ids: RecordIds;
  readonly patientRef: fhir.Reference;
  /** Clinicians the bundle must describe, collected while rendering entries. */
  readonly authors: Map<string, Clinician>;
}

export const reference = (resourceType: string, id: string): fhir.Reference => ({
  reference: `${resourceType}/${id}`,
});

export function meta(render: Render, profile: string, id: string, versioned: boolean): fhir.Meta {
  return versioned ? { versionId: render.ids.versionId(id), profile: [profile] } : { profile: [profile] };
}

export function supplierIdentifier(render: Render, id: string): fhir.Identifier[] {
  return [
    {
      system: render.input.flavour.identifierSystem(render.input.practice),
      value: render.ids.identifierValue(id),
    },
  ];
}

/** SNOMED CT with the supplier's legacy code beside it, in the supplier's order. */
export function concept(
  snomed: Coding,
  legacy: Coding | undefined,
  flavour: SupplierFlavour,
): fhir.CodeableConcept {
  const snomedCoding: fhir.Coding = { system: snomed.system, code: snomed.code, display: snomed.display };
  if (legacy === undefined) return { coding: [snomedCoding] };
  const legacyCoding: fhir.Coding = {
    system: legacy.system,
    code: legacy.code,
    display: legacy.display,
    userSelected: true,
  };
  return { coding: flavour.legacyCodeFirst ? [legacyCoding, snomedCoding] : [snomedCoding, legacyCoding] };
}

/** The author of an entry, as the flavour references it (and remembered for the directory section). */
export function author(render: Render, clinicianId: string): fhir.Reference {
  const clinician = render.input.practice.clinicians.find((c) => c.id === clinicianId);
  if (clinician !== undefined) render.authors.set(clinician.id, clinician);
  return render.input.flavour.authorReference === "Practitioner"
    ? reference("Practitioner", render.ids.practitioner(clinicianId))
    : reference("PractitionerRole", render.ids.practitionerRole(clinicianId));
}

/** STU3 allows only a Practitioner (not a role) as the requesting agent. */
export function requester(render: Render, clinicianId: string): fhir.MedicationRequestRequester {
  author(render, clinicianId);
  return { agent: reference("Practitioner", render.ids.practitioner(clinicianId)) };
}

export interface ListOptions {
  /** Warnings to carry, each with its note (items withheld, data awaiting filing). */
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

export function list(
  render: Render,
  listCode: { readonly code: string; readonly display: string },
  items: readonly fhir.Reference[],
  options: ListOptions = {},
): fhir.List {
  const warnings = options.warnings ?? [];
  const extension: fhir.Extension[] = [
    ...(options.encounter === undefined
      ? [
          {
            url: EXTENSIONS.clinicalSetting,
            valueCodeableConcept: { coding: [{ system: SNOMED_SYSTEM, ...GENERAL_PRACTICE_SETTING }] },
          },
        ]
      : []),
    ...warnings.map((code) => ({ url: EXTENSIONS.listWarningCode, valueCode: code })),
    ...(options.problem === undefined
      ? []
      : [
          {
            url: EXTENSIONS.relatedProblemHeader,
            extension: [{ url: "target", valueReference: options.problem }],
          },
        ]),
  ];
  const order = options.orderedBy ?? "event-date";
  const resource: fhir.List = {
    resourceType: "List",
    ...(options.id === undefined ? {} : { id: options.id }),
    meta: { profile: [PROFILES.list] },
    ...(extension.length === 0 ? {} : { extension }),
    status: "current",
    mode: "snapshot",
    title: options.title ?? listCode.display,
    code: {
      coding: [{ system: options.system ?? SNOMED_SYSTEM, code: listCode.code, display: listCode.display }],
    },
    subject: render.patientRef,
    ...(options.encounter === undefined ? {} : { encounter: options.encounter }),
    date: `${render.input.asOf}T00:00:00+00:00`,
    orderedBy: {
      coding: [
        order === "event-date"
          ? { system: CODE_SYSTEMS.listOrder, code: "event-date", display: "Sorted by Event Date" }
          : { system: CODE_SYSTEMS.listOrder, code: "system", display: "Sorted by System" },
      ],
    },
  };
  const notes = warnings.map((code) => LIST_WARNING_NOTES[code]);
  if (items.length > 0) {
    return {
      ...resource,
      ...(notes.length === 0 ? {} : { note: [{ text: notes.join(" ") }] }),
      entry: items.map((item) => ({ item })),
    };
  }
  // An empty list says why it is empty, as GP Connect requires.
  return {
    ...resource,
    note: [{ text: [...notes, "Information not available"].join(" ") }],
    emptyReason: {
      coding: [
        { system: CODE_SYSTEMS.listEmptyReason, code: "no-content-recorded", display: "No Content Recorded" },
      ],
    },
  };
}
