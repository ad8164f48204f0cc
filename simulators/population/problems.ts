/**
 * Problems: the long-term conditions drawn by prevalence for age, each recorded with the care it brings (its
 * medicine, a referral for some, annual reviews), and the problem entry every diagnosis makes.
 */

import { addYears, fromDayNumber, toDayNumber } from "./calendar.js";
import { PROBLEMS, type ProblemTerm } from "./clinical-terms.js";
import { annualReviews } from "./condition-reviews.js";
import { addConsultation } from "./consultations.js";
import { uniformDate } from "./distributions.js";
import { conditionMedication } from "./medications.js";
import type { Random } from "./random.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import { conditionReferral } from "./referrals.js";
import type { Coding, Problem } from "./types.js";

/** A problem drawn for the patient, before it is recorded. */
interface ProblemDraft {
  readonly term: ProblemTerm;
  readonly onset: string;
  readonly status: "active" | "inactive";
}

export function addProblem(
  b: RecordBuilder,
  term: { snomed: Coding; readV2?: Coding; ctv3?: Coding; significance: "major" | "minor" },
  onset: string,
  status: "active" | "inactive",
  extra: { sensitive?: boolean; relatedProblems?: string[] } = {},
): Problem {
  const recordedBy = b.clinician();
  const onsetDay = toDayNumber(onset);
  const ended =
    status === "inactive" ? fromDayNumber(b.withinDays(onsetDay + 14, onsetDay + 400)) : undefined;
  // Optional fields only when present (no undefined values), so a regenerated record stays deep-equal.
  const problem = { id: entryId("P", b.problems.length + 1), code: term.snomed } as Mutable<Problem>;
  const legacyCode = legacyCodeOf(term, b.practice);
  if (legacyCode !== undefined) problem.legacyCode = legacyCode;
  problem.onset = onset;
  problem.status = status;
  problem.significance = term.significance;
  problem.recordedBy = recordedBy;
  if (ended !== undefined) problem.ended = ended;
  if (extra.relatedProblems !== undefined && extra.relatedProblems.length > 0)
    problem.relatedProblems = extra.relatedProblems;
  if (extra.sensitive === true) problem.sensitive = true;
  b.problems.push(problem);
  addConsultation(
    b,
    onset,
    `Diagnosed: ${term.snomed.display}.`,
    problem.id,
    extra.sensitive,
    undefined,
    recordedBy,
  );
  return problem;
}

/** Long-term conditions (at most `maxProblems`), recorded in order of onset with the care each brings. */
export function chronicCare(b: RecordBuilder, maxProblems: number): void {
  const chosen = drawProblemTerms(b.random, b.age, maxProblems);
  if (chosen === undefined) return;
  const drafts = problemDrafts(b, chosen);
  const idsByKey = new Map<string, string>();
  for (const { term, onset, status } of drafts) {
    // Hypertension in a diabetic is recorded as related to the diabetes (a linked problem).
    const diabetes = idsByKey.get("type-2-diabetes");
    const related = term.key === "essential-hypertension" && diabetes !== undefined ? [diabetes] : undefined;
    const problem = addProblem(
      b,
      term,
      onset,
      status,
      related === undefined ? {} : { relatedProblems: related },
    );
    idsByKey.set(term.key, problem.id);
    if (term.drugs.length === 0) continue;
    conditionMedication(b, term, problem);
    conditionReferral(b, term, problem);
    annualReviews(b, term, problem);
  }
}

/** Every term is drawn for (the draws stay in step), the first maxProblems kept; most patients have none. */
function drawProblemTerms(random: Random, age: number, maxProblems: number): ProblemTerm[] | undefined {
  let chosen: ProblemTerm[] | undefined;
  for (let i = 0; i < PROBLEMS.length; i++) {
    const term = PROBLEMS[i] as ProblemTerm;
    if (random.chance(prevalenceAt(term, age))) {
      chosen ??= [];
      if (chosen.length < maxProblems) chosen.push(term);
    }
  }
  return chosen;
}

function prevalenceAt(term: ProblemTerm, age: number): number {
  let probability = 0;
  const prevalence = term.prevalence;
  for (let i = 0; i < prevalence.length; i++) {
    const step = prevalence[i] as readonly [number, number];
    if (age >= step[0]) probability = step[1];
  }
  return probability;
}

/** When each problem began (not before the age it is first seen at) and whether it resolved, by onset. */
function problemDrafts(b: RecordBuilder, chosen: readonly ProblemTerm[]): ProblemDraft[] {
  const { random, born, end } = b;
  const drafts = chosen.map((term): ProblemDraft => {
    const firstAge = term.prevalence[0]?.[0] ?? 0;
    const onset = uniformDate(random, addYears(born, firstAge), end);
    const status: "active" | "inactive" =
      term.significance === "minor" && random.chance(0.25) ? "inactive" : "active";
    return { term, onset, status };
  });
  drafts.sort((a, b2) => (a.onset < b2.onset ? -1 : a.onset > b2.onset ? 1 : 0));
  return drafts;
}
