/**
 * The diary entries area: recalls as ProcedureRequests, with the headers of the problems they relate to in
 * the linked-problems List.
 */
import { LIST_CODES, PROFILES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import type { DiaryEntry } from "../population/types.js";
import { type AreaResult, refOf, secondary } from "./area-result.js";
import { list, type Render, reference, requester, supplierIdentifier } from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import { problemHeader } from "./problem-header.js";
import { shared } from "./shared-record.js";

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
    code: chosenConcept(entry.code, undefined, render.input.flavour, entry.term),
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
