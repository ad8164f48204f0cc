/**
 * The clinical areas beyond medications and allergies: problems (with their headers linking what relates to
 * them), consultations (Encounters with their consultation and topic Lists), immunisations, uncategorised data,
 * investigations (reports, specimens, results) and referrals. Each area renders its primary List and resources;
 * items an area pulls in through links go into secondary Lists, and the bundle drops the duplicates.
 */

import { CODE_SYSTEMS, EXTENSIONS, LIST_CODES, PROFILES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import type {
  Consultation,
  DiaryEntry,
  Immunisation,
  ImmunisationStatus,
  Investigation,
  Medication,
  Problem,
  Referral,
  UncategorisedEntry,
} from "../population/types.js";
import {
  author,
  concept,
  type ListOptions,
  list,
  type Render,
  reference,
  requester,
  supplierIdentifier,
} from "./bundle-render.js";
import { medicationSummary } from "./medication-area.js";
import { shared } from "./shared-record.js";
import type { ProblemFilter, SearchPeriod } from "./structured-parameters.js";

export interface AreaResult {
  readonly lists: fhir.List[];
  readonly resources: fhir.Resource[];
}

const inPeriod = (date: string, period: SearchPeriod | undefined) =>
  period === undefined ||
  ((period.start === undefined || date >= period.start) && (period.end === undefined || date <= period.end));

const dateTime = (date: string) => `${date}T00:00:00+00:00`;

const secondary = (render: Render, code: string, items: readonly fhir.Reference[]): fhir.List[] =>
  items.length === 0
    ? []
    : [
        list(render, { code, display: title(code) }, items, {
          system: CODE_SYSTEMS.secondaryList,
        }),
      ];

function title(code: string): string {
  const words = code.split("-");
  const [area = "", ...rest] = words;
  return `${area.charAt(0).toUpperCase()}${area.slice(1)} - ${rest.join(" ")}`;
}

const refOf = (resource: fhir.Resource): fhir.Reference =>
  reference(resource.resourceType ?? "", resource.id ?? "");

/** A problem header; `inBundle` says which other problems' headers the bundle carries (for the links). */
export function problemHeader(
  render: Render,
  problem: Problem,
  related: readonly fhir.Reference[],
  inBundle: ReadonlySet<string> = new Set(),
): fhir.Condition {
  const id = render.ids.item("condition", problem.id);
  const relatedProblems = (problem.relatedProblems ?? []).filter((other) => inBundle.has(other));
  return {
    resourceType: "Condition",
    id,
    meta: { profile: [PROFILES.problemHeader] },
    extension: [
      { url: EXTENSIONS.problemSignificance, valueCode: problem.significance },
      ...relatedProblems.map((other) => ({
        url: EXTENSIONS.relatedProblemHeader,
        extension: [
          { url: "type", valueCode: "child" },
          { url: "target", valueReference: reference("Condition", render.ids.item("condition", other)) },
        ],
      })),
      ...related.map((valueReference) => ({ url: EXTENSIONS.relatedClinicalContent, valueReference })),
    ],
    identifier: supplierIdentifier(render, id),
    clinicalStatus: problem.status,
    category: [
      {
        coding: [
          { system: CODE_SYSTEMS.conditionCategory, code: "problem-list-item", display: "Problem List Item" },
        ],
      },
    ],
    code: concept(problem.code, problem.legacyCode, render.input.flavour),
    subject: render.patientRef,
    onsetDateTime: problem.onset,
    ...(problem.ended === undefined ? {} : { abatementDateTime: problem.ended }),
    assertedDate: problem.onset,
    asserter: author(render, problem.recordedBy),
  };
}

function encounter(render: Render, consultation: Consultation): fhir.Encounter {
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
    participant: [
      {
        type: [
          {
            coding: [{ system: CODE_SYSTEMS.participationType, code: "PPRF", display: "primary performer" }],
          },
        ],
        individual: clinician,
      },
    ],
    period: { start: dateTime(consultation.date), end: dateTime(consultation.date) },
    serviceProvider: reference("Organization", render.ids.organization),
  };
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
        valueCodeableConcept: concept(item.procedure, item.legacyCode, render.input.flavour),
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
 * A diary entry as GP Connect 1.6.2's Diary Entry profile says (a ProcedureRequest): status active, intent
 * plan, the planned date or period, who entered it and when, the consultation it came from. Nothing the
 * profile says MUST NOT be populated: no reasonReference (a linked problem references the entry instead).
 */
export function procedureRequest(render: Render, entry: DiaryEntry): fhir.ProcedureRequest {
  const id = render.ids.item("diary", entry.id);
  const resource: fhir.ProcedureRequest = {
    resourceType: "ProcedureRequest",
    id,
    meta: { profile: [PROFILES.procedureRequest] },
    identifier: supplierIdentifier(render, id),
    status: "active",
    intent: "plan",
    code: concept(entry.code, undefined, render.input.flavour),
    subject: render.patientRef,
  };
  if (entry.consultation !== undefined)
    resource.context = reference("Encounter", render.ids.item("encounter", entry.consultation));
  if (entry.plannedUntil === undefined) resource.occurrenceDateTime = entry.planned;
  else resource.occurrencePeriod = { start: entry.planned, end: entry.plannedUntil };
  resource.authoredOn = entry.authoredOn;
  resource.requester = requester(render, entry.recordedBy);
  if (entry.note !== undefined) resource.note = [{ text: entry.note }];
  return resource;
}

const quantity = (value: { value: number; unit: string; ucum: string }): fhir.Quantity => ({
  value: value.value,
  unit: value.unit,
  system: CODE_SYSTEMS.ucum,
  code: value.ucum,
});

export function uncategorisedObservation(render: Render, entry: UncategorisedEntry): fhir.Observation {
  const id = render.ids.item("observation", entry.id);
  return {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    code: concept(entry.code, undefined, render.input.flavour),
    subject: render.patientRef,
    effectiveDateTime: entry.date,
    issued: dateTime(entry.date),
    performer: [author(render, entry.recordedBy)],
    ...(entry.value === undefined ? {} : { valueQuantity: quantity(entry.value) }),
    ...(entry.components === undefined
      ? {}
      : {
          component: entry.components.map((c) => ({
            code: concept(c.code, undefined, render.input.flavour),
            valueQuantity: quantity(c.value),
          })),
        }),
  };
}

export function investigationResources(render: Render, item: Investigation): fhir.Resource[] {
  const reportId = render.ids.item("report", item.id);
  const specimenId = render.ids.item("specimen", item.id);
  const results = item.results.map((result): fhir.Observation => {
    const id = render.ids.item("result", result.id);
    return {
      resourceType: "Observation",
      id,
      meta: { profile: [PROFILES.observation] },
      identifier: supplierIdentifier(render, id),
      status: "final",
      category: [
        {
          coding: [
            { system: "http://hl7.org/fhir/observation-category", code: "laboratory", display: "Laboratory" },
          ],
        },
      ],
      code: concept(result.code, result.legacyCode, render.input.flavour),
      subject: render.patientRef,
      effectiveDateTime: item.collected,
      issued: dateTime(item.reported),
      valueQuantity: quantity(result.value),
      ...(result.flag === undefined
        ? {}
        : {
            interpretation: {
              coding: [
                {
                  system: CODE_SYSTEMS.interpretation,
                  code: result.flag,
                  display: result.flag === "H" ? "High" : "Low",
                },
              ],
            },
          }),
      specimen: reference("Specimen", specimenId),
      referenceRange: [
        {
          ...(result.low === undefined ? {} : { low: quantity({ ...result.value, value: result.low }) }),
          ...(result.high === undefined ? {} : { high: quantity({ ...result.value, value: result.high }) }),
        },
      ],
    };
  });
  const specimen: fhir.Specimen = {
    resourceType: "Specimen",
    id: specimenId,
    meta: { profile: [PROFILES.specimen] },
    identifier: supplierIdentifier(render, specimenId),
    status: "available",
    type: concept(item.specimen, undefined, render.input.flavour),
    subject: render.patientRef,
    collection: { collectedDateTime: item.collected },
  };
  const report: fhir.DiagnosticReport = {
    resourceType: "DiagnosticReport",
    id: reportId,
    meta: { profile: [PROFILES.diagnosticReport] },
    identifier: supplierIdentifier(render, reportId),
    status: "final",
    code: concept(item.test, undefined, render.input.flavour),
    subject: render.patientRef,
    effectiveDateTime: item.collected,
    issued: dateTime(item.reported),
    performer: [{ actor: author(render, item.requestedBy) }],
    specimen: [reference("Specimen", specimenId)],
    result: results.map(refOf),
    conclusion: `${item.laboratory}: ${item.results.some((r) => r.flag !== undefined) ? "abnormal result(s)" : "results within reference range"}.`,
  };
  return [report, specimen, ...results];
}

export function referralRequest(render: Render, item: Referral): fhir.ReferralRequest {
  const id = render.ids.item("referral", item.id);
  return {
    resourceType: "ReferralRequest",
    id,
    meta: { profile: [PROFILES.referralRequest] },
    identifier: supplierIdentifier(render, id),
    status: "unknown",
    intent: "order",
    priority: item.priority,
    serviceRequested: [{ text: item.recipient.split(",")[0] ?? item.recipient }],
    subject: render.patientRef,
    authoredOn: item.date,
    requester: requester(render, item.requestedBy),
    reasonCode: [concept(item.service, undefined, render.input.flavour)],
    description: `${item.reason}: referred to ${item.recipient}`,
  };
}

/** Problems: the headers that match any filter, with what relates to them, and the linked problems. */
export function problemsArea(render: Render, filters: readonly ProblemFilter[]): AreaResult {
  const { patient } = render.input;
  const share = shared(render);
  const matches = (p: Problem) =>
    filters.length === 0 ||
    filters.some(
      (f) =>
        (f.status === undefined || f.status === p.status) &&
        (f.significance === undefined || f.significance === p.significance),
    );
  const primary = share.problems.filter(matches);
  const primaryIds = new Set(primary.map((p) => p.id));
  const linkedIds = new Set(
    primary.flatMap((p) => p.relatedProblems ?? []).filter((id) => !primaryIds.has(id)),
  );
  const linked = share.problems.filter((p) => linkedIds.has(p.id));

  const resources: fhir.Resource[] = [];
  const medicationRefs: fhir.Reference[] = [];
  const consultationRefs: fhir.Reference[] = [];
  const observationRefs: fhir.Reference[] = [];
  const investigationRefs: fhir.Reference[] = [];
  const referralRefs: fhir.Reference[] = [];
  const diaryRefs: fhir.Reference[] = [];
  const inBundle = new Set([...primaryIds, ...linkedIds]);
  const headers = [...primary, ...linked].map((problem) => {
    const related: fhir.Reference[] = [];
    const about = <T extends { readonly problem?: string }>(items: readonly T[]) =>
      items.filter((item) => item.problem === problem.id);
    renderInto(
      resources,
      share.medications.filter((m: Medication) => m.treats === problem.id),
      (m) => medicationSummary(render, m),
      related,
      medicationRefs,
    );
    renderInto(resources, about(share.consultations), (c) => encounter(render, c), related, consultationRefs);
    renderInto(
      resources,
      about(patient.uncategorised),
      (u) => uncategorisedObservation(render, u),
      related,
      observationRefs,
    );
    renderInto(
      resources,
      about(share.investigations),
      (t) => investigationResources(render, t),
      related,
      investigationRefs,
    );
    renderInto(resources, about(patient.referrals), (r) => referralRequest(render, r), related, referralRefs);
    renderInto(
      resources,
      about(patient.diaryEntries),
      (d) => procedureRequest(render, d),
      related,
      diaryRefs,
    );
    return problemHeader(render, problem, related, inBundle);
  });
  const warnings: ListOptions["warnings"] = share.confidential.problems ? ["confidential-items"] : [];
  const lists = [
    list(render, LIST_CODES.problems, headers.slice(0, primary.length).map(refOf), { warnings }),
    ...secondary(render, SECONDARY_LISTS.problemsLinkedProblems, headers.slice(primary.length).map(refOf)),
    ...secondary(render, SECONDARY_LISTS.problemsMedications, medicationRefs),
    ...secondary(render, SECONDARY_LISTS.problemsConsultations, consultationRefs),
    ...secondary(render, SECONDARY_LISTS.problemsUncategorised, observationRefs),
    ...secondary(render, SECONDARY_LISTS.problemsInvestigations, investigationRefs),
    ...secondary(render, SECONDARY_LISTS.problemsReferrals, referralRefs),
    ...secondary(render, SECONDARY_LISTS.problemsDiaryEntries, diaryRefs),
  ];
  return { lists, resources: [...headers, ...resources] };
}

/**
 * Consultations: each an Encounter with its consultation List, one topic List (about its problem, when it
 * has one) holding the narrative and the items recorded in it.
 */
export function consultationsArea(
  render: Render,
  options: { period?: SearchPeriod; mostRecent?: number },
): AreaResult {
  const { patient } = render.input;
  const share = shared(render);
  let chosen = share.consultations.filter((c) => inPeriod(c.date, options.period));
  if (options.mostRecent !== undefined) {
    chosen = [...chosen]
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
      .slice(0, options.mostRecent);
  }
  const resources: fhir.Resource[] = [];
  const lists: fhir.List[] = [];
  const encounters: fhir.Reference[] = [];
  const problemRefs: fhir.Reference[] = [];
  const observationRefs: fhir.Reference[] = [];
  const immunisationRefs: fhir.Reference[] = [];
  const referralRefs: fhir.Reference[] = [];
  const diaryRefs: fhir.Reference[] = [];
  for (const consultation of chosen) {
    const visit = encounter(render, consultation);
    const visitRef = refOf(visit);
    encounters.push(visitRef);
    const note = narrative(render, consultation);
    const items: fhir.Reference[] = [refOf(note)];
    resources.push(visit, note);
    const recordedIn = <T extends { readonly consultation?: string }>(entries: readonly T[]) =>
      entries.filter((entry) => entry.consultation === consultation.id);
    renderInto(
      resources,
      recordedIn(patient.uncategorised),
      (u) => uncategorisedObservation(render, u),
      items,
      observationRefs,
    );
    renderInto(
      resources,
      recordedIn(patient.immunisations),
      (i) => immunization(render, i),
      items,
      immunisationRefs,
    );
    renderInto(
      resources,
      recordedIn(patient.referrals),
      (r) => referralRequest(render, r),
      items,
      referralRefs,
    );
    renderInto(
      resources,
      recordedIn(patient.diaryEntries),
      (d) => procedureRequest(render, d),
      items,
      diaryRefs,
    );
    const problem = share.problems.find((p) => p.id === consultation.problem);
    let problemRef: fhir.Reference | undefined;
    if (problem !== undefined) {
      const header = problemHeader(render, problem, [visitRef]);
      resources.push(header);
      problemRef = refOf(header);
      problemRefs.push(problemRef);
    }
    const topicId = `${visit.id}-topic`;
    const consultationListId = `${visit.id}-consultation`;
    lists.push(
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
    );
  }
  const warnings: ListOptions["warnings"] = share.confidential.consultations ? ["confidential-items"] : [];
  return {
    lists: [
      list(render, LIST_CODES.consultations, encounters, { warnings }),
      ...secondary(render, SECONDARY_LISTS.consultationsProblems, problemRefs),
      ...secondary(render, SECONDARY_LISTS.consultationsUncategorised, observationRefs),
      ...secondary(render, SECONDARY_LISTS.consultationsImmunisations, immunisationRefs),
      ...secondary(render, SECONDARY_LISTS.consultationsReferrals, referralRefs),
      ...secondary(render, SECONDARY_LISTS.consultationsDiaryEntries, diaryRefs),
      ...lists,
    ],
    resources,
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

export function uncategorisedArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const resources = render.input.patient.uncategorised
    .filter((entry) => inPeriod(entry.date, period))
    .map((entry) => uncategorisedObservation(render, entry));
  return { lists: [list(render, LIST_CODES.uncategorised, resources.map(refOf))], resources };
}

export function investigationsArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const share = shared(render);
  const resources: fhir.Resource[] = [];
  const reports: fhir.Reference[] = [];
  for (const item of share.investigations.filter((t) => inPeriod(t.collected, period))) {
    const rendered = investigationResources(render, item);
    reports.push(refOf(rendered[0] as fhir.Resource));
    resources.push(...rendered);
  }
  const warnings: ListOptions["warnings"] = share.awaitingFiling.investigations
    ? ["data-awaiting-filing"]
    : [];
  return { lists: [list(render, LIST_CODES.investigations, reports, { warnings })], resources };
}

export function referralsArea(render: Render, period: SearchPeriod | undefined): AreaResult {
  const resources = render.input.patient.referrals
    .filter((item) => inPeriod(item.date, period))
    .map((item) => referralRequest(render, item));
  return { lists: [list(render, LIST_CODES.referrals, resources.map(refOf))], resources };
}

/**
 * Diary entries (recalls): every active entry, or with diaryEntriesSearchDate those planned (the date, or
 * the period's start) on or before it (GP Connect 1.6 search criteria); overdue ones are always among them,
 * since the search date cannot be before today. A problem an entry relates to comes as its problem header,
 * referencing the entry, in the linked-problems list.
 */
export function diaryArea(render: Render, searchDate: string | undefined): AreaResult {
  const share = shared(render);
  const entries = render.input.patient.diaryEntries.filter(
    (entry) => searchDate === undefined || entry.planned <= searchDate,
  );
  const resources: fhir.Resource[] = entries.map((entry) => procedureRequest(render, entry));
  const headers: fhir.Condition[] = [];
  for (const problem of share.problems) {
    const related: fhir.Reference[] = [];
    for (let i = 0; i < entries.length; i++)
      if ((entries[i] as DiaryEntry).problem === problem.id)
        related.push(refOf(resources[i] as fhir.Resource));
    if (related.length > 0) headers.push(problemHeader(render, problem, related));
  }
  return {
    lists: [
      list(render, LIST_CODES.diaryEntries, resources.map(refOf)),
      ...secondary(render, SECONDARY_LISTS.problemsLinkedProblems, headers.map(refOf)),
    ],
    resources: [...resources, ...headers],
  };
}

/**
 * Renders each item, adds what it renders to `resources`, and files a reference to its first resource (the
 * one the others hang from) in every reference list given.
 */
function renderInto<T>(
  resources: fhir.Resource[],
  items: readonly T[],
  render: (item: T) => fhir.Resource | readonly fhir.Resource[],
  ...referenceLists: fhir.Reference[][]
): void {
  for (const item of items) {
    const rendered = render(item);
    const all: readonly fhir.Resource[] = Array.isArray(rendered) ? rendered : [rendered as fhir.Resource];
    resources.push(...all);
    for (const references of referenceLists) references.push(refOf(all[0] as fhir.Resource));
  }
}
