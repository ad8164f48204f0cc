/**
 * Annual reviews of a long-term condition: a consultation with the tests and measurements the condition
 * brings (NICE / QOF practice).
 */
import { addYears, ageOn, maxDate } from "./calendar.js";
import type { ProblemTerm } from "./clinical-terms.js";
import { addConsultation } from "./consultations.js";
import { addInvestigation } from "./investigations.js";
import type { RecordBuilder } from "./record-builder.js";
import { ANALYTES, TESTS, type TestTerm } from "./record-terms.js";
import type { Problem } from "./types.js";
import { addBloodPressure } from "./uncategorised.js";

/** Tests and measurements a review of each long-term condition brings (NICE / QOF practice). */
const REVIEWS: Partial<
  Record<
    string,
    { tests: readonly TestTerm[]; shift?: Partial<Record<string, { mean: number; sd: number }>>; bp: boolean }
  >
> = {
  "type-2-diabetes": {
    tests: [TESTS.hba1c, TESTS.renal],
    // Keyed on the analytes' own codes, so a changed code cannot silently undo the shift.
    shift: { [ANALYTES.hba1c.code.code]: { mean: 56, sd: 9 } },
    bp: true,
  },
  "essential-hypertension": { tests: [TESTS.renal, TESTS.lipids], bp: true },
  hypothyroidism: {
    tests: [TESTS.thyroid],
    shift: { [ANALYTES.tsh.code.code]: { mean: 3.2, sd: 1.6 } },
    bp: false,
  },
  gout: { tests: [TESTS.renal], bp: false },
};

/** An active condition's reviews: the last two years, or every year since diagnosis in a large record. */
export function annualReviews(b: RecordBuilder, term: ProblemTerm, problem: Problem): void {
  const review = REVIEWS[term.key];
  if (review === undefined || problem.status !== "active") return;
  const { end } = b;
  const onset = problem.onset;
  const years = b.large ? Math.max(1, ageOn(onset, end)) : Math.min(2, Math.max(1, ageOn(onset, end)));
  for (let year = 0; year < years; year++) {
    const date = b.within(maxDate(onset, addYears(end, -(year + 1))), addYears(end, -year));
    const consultation = addConsultation(
      b,
      date,
      `Annual review: ${term.snomed.display.toLowerCase()}.`,
      problem.id,
      undefined,
      "GP Surgery",
    );
    const links = {
      consultation: consultation.id,
      problem: problem.id,
      recordedBy: consultation.clinician,
    };
    if (review.bp) addBloodPressure(b, date, links, term.key === "essential-hypertension");
    for (const test of review.tests) {
      addInvestigation(b, test, date, review.shift ?? {}, {
        problem: problem.id,
        requestedBy: consultation.clinician,
      });
    }
  }
}
