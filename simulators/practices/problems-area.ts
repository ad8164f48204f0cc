/**
 * The problems area: the problem headers that match the query's filters, each linking what relates to it
 * (medications, consultations, uncategorised data, investigations, referrals, diary entries), and the
 * problems they are related to, in the linked-problems List.
 */
import { LIST_CODES, SECONDARY_LISTS } from "../../gpconnect/profiles.js";
import type { Medication, Problem } from "../population/types.js";
import { type AreaResult, refOf, renderInto, secondary } from "./area-result.js";
import { type ListOptions, list, type Render } from "./bundle-render.js";
import { encounter } from "./consultations-area.js";
import { procedureRequest } from "./diary-area.js";
import { investigationResources } from "./investigations-area.js";
import { medicationSummary } from "./medication-area.js";
import { actualProblem, problemHeader } from "./problem-header.js";
import { referralRequest } from "./referrals-area.js";
import { shared } from "./shared-record.js";
import type { ProblemFilter } from "./structured-query.js";
import { uncategorisedResources } from "./uncategorised-area.js";

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
      (u) => uncategorisedResources(render, u),
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
    const entry = actualProblem(render, problem);
    resources.push(entry);
    observationRefs.push(refOf(entry));
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
