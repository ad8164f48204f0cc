/**
 * The investigations area: each investigation a DiagnosticReport with its Specimen and its results as
 * Observations, within the search period asked for; the List warns of results still awaiting filing.
 */
import { LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
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
import { consultationIndex } from "./consultation-index.js";
import { deepFreeze } from "./deep-freeze.js";
import { shared } from "./shared-record.js";
import type { SearchPeriod } from "./structured-query.js";

/** The reference range as the laboratory words it ("3.5 - 5.3 mmol/L", "< 5.0 mmol/L"). */
function rangeText(low: number | undefined, high: number | undefined, unit: string): string {
  if (low !== undefined && high !== undefined) return `${low} - ${high} ${unit}`;
  if (high !== undefined) return `< ${high} ${unit}`;
  return low === undefined ? "No range given" : `> ${low} ${unit}`;
}

/** The consultation on the day the specimen was taken (a review's), if there was one. */
function consultationOn(render: Render, date: string): fhir.Reference | undefined {
  const consultation = consultationIndex(render.input.patient).byDate.get(date);
  return consultation === undefined
    ? undefined
    : reference("Encounter", render.ids.item("encounter", consultation.id));
}

const PATHOLOGY = deepFreeze({
  coding: [
    {
      system: "http://hl7.org/fhir/v2/0074",
      code: "PAT",
      display: "Pathology (gross & histopath, not surgical)",
    },
  ],
});

/**
 * A test of several results as GP Connect's test group (pathology guidance): an Observation of the test whose
 * members are its results, which the report lists in their place (EMIS's records carry such groups).
 */
function testGroup(
  render: Render,
  item: Investigation,
  results: readonly fhir.Observation[],
): fhir.Observation {
  const id = render.ids.item("test-group", item.id);
  return {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    code: chosenConcept(item.test, undefined, render.input.flavour),
    subject: render.patientRef,
    effectiveDateTime: item.collected,
    issued: dateTime(item.reported),
    related: results.map((result) => ({ type: "has-member", target: refOf(result) })),
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
                  system: render.input.flavour.interpretationSystem,
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
          text: rangeText(result.low, result.high, result.value.unit),
        },
      ],
    };
  });
  const tpp = render.input.flavour.investigationStyle === "tpp";
  const group = tpp || results.length < 2 ? undefined : testGroup(render, item, results);
  const context = consultationOn(render, item.collected);
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
    ...(tpp ? { category: PATHOLOGY } : {}),
    code: concept(item.test, undefined, render.input.flavour),
    subject: render.patientRef,
    ...(tpp && context !== undefined ? { context } : {}),
    effectiveDateTime: item.collected,
    issued: dateTime(item.reported),
    performer: [{ actor: author(render, item.requestedBy) }],
    specimen: [reference("Specimen", specimenId)],
    result: group === undefined ? results.map(refOf) : [refOf(group)],
    conclusion: `${item.laboratory}: ${item.results.some((r) => r.flag !== undefined) ? "abnormal result(s)" : "results within reference range"}.`,
  };
  return group === undefined ? [report, specimen, ...results] : [report, specimen, group, ...results];
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
