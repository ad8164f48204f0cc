/**
 * A problem header (Condition): the problem with links to what relates to it. The problems area renders them,
 * and the consultations and diary areas render the headers of the problems their items are about.
 */
import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from "../../gpconnect/profiles.js";
import type { Problem } from "../population/types.js";
import { author, concept, type Render, reference, supplierIdentifier } from "./bundle-render.js";
import { chosenConcept } from "./chosen-term.js";

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
    code: chosenConcept(problem.code, problem.legacyCode, render.input.flavour),
    subject: render.patientRef,
    onsetDateTime: problem.onset,
    ...(problem.ended === undefined ? {} : { abatementDateTime: problem.ended }),
    assertedDate: problem.onset,
    asserter: author(render, problem.recordedBy),
  };
}
