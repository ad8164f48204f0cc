/**
 * A problem header (Condition): the problem with links to what relates to it. The problems area renders them,
 * and the consultations and diary areas render the headers of the problems their items are about.
 */
import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from "../../gpconnect/profiles.js";
import type { Problem } from "../population/types.js";
import { author, dateTime, type Render, reference, supplierIdentifier } from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";
import { consultationIndex } from "./consultation-index.js";

/** A problem header; `inBundle` says which other problems' headers the bundle carries (for the links). */
export function problemHeader(
  render: Render,
  problem: Problem,
  related: readonly fhir.Reference[],
  inBundle: ReadonlySet<string> = new Set(),
): fhir.Condition {
  const id = render.ids.item("condition", problem.id);
  const relatedProblems = (problem.relatedProblems ?? []).filter((other) => inBundle.has(other));
  const consultation = consultationIndex(render.input.patient).byProblem.get(problem.id);
  return {
    resourceType: "Condition",
    id,
    meta: { profile: [PROFILES.problemHeader] },
    extension: [
      // The coded entry the problem was made from (sent with the problems area; dropped from the header where
      // it is not sent, see structured-bundle.ts).
      {
        url: render.input.flavour.actualProblemUrl,
        valueReference: reference("Observation", render.ids.item("problem-entry", problem.id)),
      },
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
    code: chosenConcept(problem.code, problem.legacyCode, render.input.flavour),
    subject: render.patientRef,
    // The consultation the problem was first recorded in; dropped where it is not sent.
    ...(consultation === undefined
      ? {}
      : { context: reference("Encounter", render.ids.item("encounter", consultation.id)) }),
    onsetDateTime: problem.onset,
    ...(problem.ended === undefined ? {} : { abatementDateTime: problem.ended }),
    assertedDate: problem.onset,
    asserter: author(render, problem.recordedBy),
    ...(problem.ended === undefined ? {} : { note: [{ text: `Resolved ${problem.ended}` }] }),
  };
}

/** The coded entry a problem header was made from: an Observation of the problem's code, when it began. */
export function actualProblem(render: Render, problem: Problem): fhir.Observation {
  const id = render.ids.item("problem-entry", problem.id);
  return {
    resourceType: "Observation",
    id,
    meta: { profile: [PROFILES.observation] },
    identifier: supplierIdentifier(render, id),
    status: "final",
    code: chosenConcept(problem.code, problem.legacyCode, render.input.flavour),
    subject: render.patientRef,
    effectiveDateTime: problem.onset,
    issued: dateTime(problem.onset),
    performer: [author(render, problem.recordedBy)],
  };
}
