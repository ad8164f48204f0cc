/**
 * Renders a synthetic patient's record as the GP Connect structured-record Bundle a real provider sends:
 * Patient, practice Organization, Practitioners and their roles, the allergies List with its entries and the
 * other clinical areas asked for (each rendered in its own module), shaped and ordered by the supplier
 * flavour. Pure: the same input gives the same Bundle.
 */
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, EXTENSIONS, LIST_CODES, PROFILES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import { NO_KNOWN_ALLERGY } from "../population/clinical-terms.js";
import type { Allergy } from "../population/types.js";
import {
  author,
  concept,
  list,
  meta,
  type Render,
  reference,
  type StructuredRecordInput,
  supplierIdentifier,
} from "./bundle-render.js";
import { consultationsArea } from "./consultations-area.js";
import { diaryArea } from "./diary-area.js";
import type { BundleSection, SupplierFlavour } from "./flavours.js";
import { immunisationsArea } from "./immunisations-area.js";
import { investigationsArea } from "./investigations-area.js";
import { medicationResources } from "./medication-area.js";
import { problemsArea } from "./problems-area.js";
import { referralsArea } from "./referrals-area.js";
import { recordIds } from "./resource-ids.js";
import type { StructuredRecordQuery } from "./structured-parameters.js";
import { uncategorisedArea } from "./uncategorised-area.js";

function patientResource(render: Render): fhir.Patient {
  const { patient } = render.input;
  const id = render.ids.patient;
  author(render, patient.usualGp.id);
  return {
    resourceType: "Patient",
    id,
    meta: meta(render, PROFILES.patient, id, true),
    extension: [
      {
        url: EXTENSIONS.registrationDetails,
        extension: [{ url: "registrationPeriod", valuePeriod: { start: patient.registeredSince } }],
      },
    ],
    identifier: [
      {
        extension: [
          {
            url: EXTENSIONS.nhsNumberVerificationStatus,
            valueCodeableConcept: {
              coding: [
                {
                  system: CODE_SYSTEMS.nhsNumberVerificationStatus,
                  code: "01",
                  display: "Number present and verified",
                },
              ],
            },
          },
        ],
        system: NHS_NUMBER_SYSTEM,
        value: patient.nhsNumber,
      },
    ],
    active: true,
    name: [
      {
        use: "official",
        family: patient.name.family,
        given: [...patient.name.given],
        ...(patient.name.prefix === "" ? {} : { prefix: [patient.name.prefix] }),
      },
    ],
    ...(patient.telecom === undefined
      ? {}
      : { telecom: [{ system: "phone", value: patient.telecom.replaceAll(" ", ""), use: "mobile" }] }),
    gender: patient.gender,
    birthDate: patient.birthDate,
    address: [
      {
        use: "home",
        type: "physical",
        line: [...patient.address.line],
        city: patient.address.city,
        ...(patient.address.district === undefined ? {} : { district: patient.address.district }),
        postalCode: patient.address.postalCode,
      },
    ],
    generalPractitioner: [reference("Practitioner", render.ids.practitioner(patient.usualGp.id))],
    managingOrganization: reference("Organization", render.ids.organization),
  };
}

function directoryResources(render: Render): fhir.Resource[] {
  const { practice } = render.input;
  const organizationId = render.ids.organization;
  const organization: fhir.Organization = {
    resourceType: "Organization",
    id: organizationId,
    meta: meta(render, PROFILES.organization, organizationId, true),
    identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: practice.ods }],
    type: [{ coding: [{ system: CODE_SYSTEMS.organisationType, code: "gp-practice" }], text: "GP Practice" }],
    name: practice.name,
    address: [
      {
        use: "work",
        type: "physical",
        line: [...practice.address.line],
        city: practice.address.city,
        ...(practice.address.district === undefined ? {} : { district: practice.address.district }),
        postalCode: practice.address.postalCode,
      },
    ],
  };
  // Clinicians in the order of the practice's staff list, so the bytes do not depend on rendering order.
  const clinicians = practice.clinicians.filter((c) => render.authors.has(c.id));
  const practitioners = clinicians.map((clinician): fhir.Practitioner => {
    const id = render.ids.practitioner(clinician.id);
    return {
      resourceType: "Practitioner",
      id,
      meta: meta(render, PROFILES.practitioner, id, true),
      identifier: [{ system: SDS_USER_ID_SYSTEM, value: clinician.sdsUserId }],
      name: [
        { use: "official", family: clinician.family, given: [clinician.given], prefix: [clinician.prefix] },
      ],
    };
  });
  const roles = clinicians.map((clinician): fhir.PractitionerRole => {
    const id = render.ids.practitionerRole(clinician.id);
    return {
      resourceType: "PractitionerRole",
      id,
      meta: meta(render, PROFILES.practitionerRole, id, true),
      practitioner: reference("Practitioner", render.ids.practitioner(clinician.id)),
      organization: reference("Organization", organizationId),
      code: [{ coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: "R0260", display: clinician.role }] }],
    };
  });
  return render.input.flavour.practitionerRolesPaired
    ? [organization, ...practitioners.flatMap((practitioner, i) => [practitioner, roles[i] as fhir.Resource])]
    : [organization, ...practitioners, ...roles];
}

function allergyResource(render: Render, allergy: Allergy): fhir.AllergyIntolerance {
  const id = render.ids.allergy(allergy.id);
  return {
    resourceType: "AllergyIntolerance",
    id,
    meta: { profile: [PROFILES.allergyIntolerance] },
    identifier: supplierIdentifier(render, id),
    clinicalStatus: "active",
    verificationStatus: "unconfirmed",
    type: "allergy",
    category: [allergy.category],
    criticality: allergy.severity === "severe" ? "high" : "low",
    code: concept(allergy.code, allergy.legacyCode, render.input.flavour),
    patient: render.patientRef,
    assertedDate: allergy.recorded,
    recorder: author(render, allergy.recordedBy),
    reaction: [
      {
        substance: concept(allergy.substance, undefined, render.input.flavour),
        manifestation: [concept(allergy.reaction, undefined, render.input.flavour)],
        severity: allergy.severity,
      },
    ],
  };
}

function allergyResources(render: Render): { lists: fhir.List[]; resources: fhir.Resource[] } | undefined {
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
 * later ones are merged into the first.
 */
function oneLinkedProblemsList(lists: fhir.List[]): fhir.List[] {
  const isLinkedProblems = (l: fhir.List) =>
    l.code?.coding?.[0]?.code === SECONDARY_LISTS.problemsLinkedProblems;
  const first = lists.find(isLinkedProblems);
  if (first === undefined) return lists;
  const items = new Set((first.entry ?? []).map((e) => e.item.reference));
  for (const other of lists) {
    if (other === first || !isLinkedProblems(other)) continue;
    for (const e of other.entry ?? []) {
      if (items.has(e.item.reference)) continue;
      items.add(e.item.reference);
      first.entry = [...(first.entry ?? []), e];
    }
  }
  return lists.filter((l) => l === first || !isLinkedProblems(l));
}

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
    const isProblemsList = (l: fhir.List) => l.code?.coding?.[0]?.code === LIST_CODES.problems.code;
    blocks.push(
      items.filter((r) => r.resourceType !== "Condition"),
      lists.filter((l) => !isProblemsList(l)),
      lists.filter(isProblemsList),
      items.filter((r) => r.resourceType === "Condition"),
    );
  }
  return blocks;
}

/** A canonical key of what was asked, so the bundle id is stable for the same question. */
export function queryKey(query: StructuredRecordQuery): string {
  const { nhsNumber: _nhsNumber, ...asked } = query;
  return JSON.stringify(asked);
}

export function structuredRecordBundle(input: StructuredRecordInput): fhir.Bundle {
  const ids = recordIds(
    input.flavour,
    input.seed,
    input.practice,
    input.patient.nhsNumber,
    queryKey(input.query),
  );
  const render: Render = { input, ids, patientRef: reference("Patient", ids.patient), authors: new Map() };
  const { query } = input;

  const patient = patientResource(render);
  const consultations =
    query.consultations === undefined ? undefined : consultationsArea(render, query.consultations);
  const problems = query.problems === undefined ? undefined : problemsArea(render, query.problems);
  const medications = medicationResources(render);
  const allergies = allergyResources(render);
  const immunisations =
    query.immunisations === undefined ? undefined : immunisationsArea(render, query.immunisations);
  const uncategorised =
    query.uncategorised === undefined ? undefined : uncategorisedArea(render, query.uncategorised.period);
  const investigations =
    query.investigations === undefined ? undefined : investigationsArea(render, query.investigations.period);
  const referrals = query.referrals === undefined ? undefined : referralsArea(render, query.referrals.period);
  const diary =
    query.diaryEntries === undefined ? undefined : diaryArea(render, query.diaryEntries.searchDate);
  // Rendered last: it lists every clinician the entries above referenced.
  const directory = directoryResources(render);

  // A diary entry's problem headers go with the problem headers of the problems area.
  const diaryEntries = diary?.resources.filter((r) => r.resourceType === "ProcedureRequest") ?? [];
  const diaryProblems = diary?.resources.filter((r) => r.resourceType !== "ProcedureRequest") ?? [];
  const areaLists: Record<AreaSection, fhir.List[]> = {
    consultations: consultations?.lists ?? [],
    problems: problems?.lists ?? [],
    medications: medications === undefined ? [] : [medications.list],
    allergies: allergies?.lists ?? [],
    immunisations: immunisations?.lists ?? [],
    uncategorised: uncategorised?.lists ?? [],
    investigations: investigations?.lists ?? [],
    referrals: referrals?.lists ?? [],
    diary: diary?.lists ?? [],
  };
  const lists = oneLinkedProblemsList(LIST_ORDER.flatMap((area) => areaLists[area]));
  // The linked-problems Lists merged into one: the others are not sent.
  const sent = new Set(lists);
  for (const area of LIST_ORDER) areaLists[area] = areaLists[area].filter((l) => sent.has(l));
  const sections: Record<BundleSection, fhir.Resource[]> = {
    lists,
    patient: [patient],
    directory,
    medications: medications?.resources ?? [],
    allergies: allergies?.resources ?? [],
    problems: [...(problems?.resources ?? []), ...diaryProblems],
    consultations: consultations?.resources ?? [],
    immunisations: immunisations?.resources ?? [],
    uncategorised: uncategorised?.resources ?? [],
    investigations: investigations?.resources ?? [],
    referrals: referrals?.resources ?? [],
    diary: diaryEntries,
  };
  const { flavour } = input;
  const blocks = bundleBlocks(flavour, sections, areaLists);
  // One resource appears once, wherever several areas linked to it. The rendering sent is the fullest (a
  // problem header from the problems area carries all its links; from a consultation only that one), or
  // the first the flavour's order reaches; problem headers still go with the problems area's.
  const priority =
    flavour.sharedItemsAt === "fullest-rendering"
      ? RENDERING_PRIORITY.map((section) => sections[section])
      : [sections.problems.filter((r) => r.resourceType === "Condition"), ...blocks];
  const chosen = new Map<string, fhir.Resource>();
  for (const resources of priority) {
    for (const resource of resources) {
      const key = `${resource.resourceType}/${resource.id}`;
      const first = chosen.get(key);
      if (first === undefined) chosen.set(key, resource);
      else if (first !== resource && first.resourceType === "Condition")
        addRelatedContent(first as fhir.Condition, resource as fhir.Condition);
    }
  }
  const emitted = new Set<string>();
  const entry: fhir.BundleEntry[] = [];
  for (const resources of blocks) {
    for (const resource of resources) {
      const key = `${resource.resourceType}/${resource.id}`;
      if (resource.id !== undefined && (emitted.has(key) || chosen.get(key) !== resource)) continue;
      emitted.add(key);
      entry.push({ resource });
    }
  }
  // A diary entry names the consultation it was set in only when that consultation is sent too, as every
  // other reference in the Bundle resolves within it (a recall asked for on its own carries no context).
  for (const { resource } of entry) {
    if (resource?.resourceType !== "ProcedureRequest") continue;
    const diaryEntry = resource as fhir.ProcedureRequest;
    const context = diaryEntry.context?.reference;
    if (context !== undefined && !emitted.has(context)) delete diaryEntry.context;
  }
  return {
    resourceType: "Bundle",
    id: ids.bundle,
    meta: { profile: [PROFILES.bundle] },
    type: "collection",
    entry,
  };
}
