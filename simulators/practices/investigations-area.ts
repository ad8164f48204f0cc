/**
 * The investigations area: each investigation a DiagnosticReport with its Specimen and its results as
 * Observations, within the search period asked for; the List warns of results still awaiting filing.
 */
import { CODE_SYSTEMS, LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { Investigation } from "../population/types.js";
import { type AreaResult, inPeriod, refOf } from "./area-result.js";
import {
  author,
  concept,
  dateTime,
  type ListOptions,
  list,
  quantity,
  type Render,
  reference,
  supplierIdentifier,
} from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import { shared } from "./shared-record.js";
import type { SearchPeriod } from "./structured-query.js";

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
      code: chosenConcept(result.code, result.legacyCode, render.input.flavour),
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
