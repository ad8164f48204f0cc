/**
 * The diary a practice keeps for a patient: recalls for medication reviews, long-term conditions, seasonal
 * influenza vaccination and cervical screening, each a diary entry planned after the day it was entered.
 */

import { dayNumberOf, fromDayNumber, toDayNumber } from "./calendar.js";
import { PROBLEMS } from "./clinical-terms.js";
import { addConsultation } from "./consultations.js";
import { DECLINED_VACCINATIONS, INFLUENZA_VACCINATION_TERM, RECALLS } from "./recall-terms.js";
import { entryId, type Mutable, type RecordBuilder } from "./record-builder.js";
import { ASTHMA_REVIEW_TEMPLATE, type ReviewTemplate } from "./record-terms.js";
import type { Coding, Consultation, DiaryEntry, Problem } from "./types.js";
import { reviewTemplate } from "./uncategorised.js";

/** A condition's recall: what is due, how long after its review, and whether over a month. */
interface ConditionRecall {
  readonly code: Coding;
  readonly intervalDays: number;
  readonly windowDays?: number;
  readonly reviewNarrative?: string;
  /** The template the review is recorded with, where the practice's system has one for it. */
  readonly reviewTemplate?: ReviewTemplate;
}

/** Recalls a long-term condition brings. */
const CONDITION_RECALLS: Partial<Record<string, ConditionRecall>> = {
  "type-2-diabetes": { code: RECALLS.diabetesMonitoring, intervalDays: 365, windowDays: 28 },
  "essential-hypertension": { code: RECALLS.bloodPressure, intervalDays: 182 },
  hypothyroidism: { code: RECALLS.thyroidFunction, intervalDays: 365 },
  asthma: {
    code: RECALLS.asthmaReview,
    intervalDays: 365,
    windowDays: 28,
    reviewNarrative: "Asthma review. Inhaler technique checked; personalised asthma action plan updated.",
    reviewTemplate: ASTHMA_REVIEW_TEMPLATE,
  },
};
const PROBLEM_KEYS_BY_CODE = new Map(PROBLEMS.map((term) => [term.snomed.code, term.key]));
/** Share of eligible women with a cervical screening recall in the diary (the rest have ceased or opted out). */
const CERVICAL_RECALL_SHARE = 0.8;

/**
 * A diary entry, by day numbers: entered within the record (from birth to its end), planned after it was
 * entered; a period when `untilDay` is given.
 */
function addDiaryEntry(
  b: RecordBuilder,
  code: Coding,
  plannedDay: number,
  untilDay: number | undefined,
  authoredDay: number,
  links: { consultation?: string; problem?: string; recordedBy?: string; note?: string; term?: string } = {},
): void {
  const authored = Math.min(Math.max(authoredDay, b.bornDay), b.endDay);
  const planned = Math.max(plannedDay, authored + 1);
  const entry = {
    id: entryId("D", b.diaryEntries.length + 1),
    code,
  } as Mutable<DiaryEntry>;
  if (links.term !== undefined) entry.term = links.term;
  entry.planned = fromDayNumber(planned);
  if (untilDay !== undefined) entry.plannedUntil = fromDayNumber(Math.max(untilDay, planned));
  entry.authoredOn = fromDayNumber(authored);
  entry.recordedBy = links.recordedBy ?? b.clinician();
  if (links.consultation !== undefined) entry.consultation = links.consultation;
  if (links.problem !== undefined) entry.problem = links.problem;
  if (links.note !== undefined) entry.note = links.note;
  b.diaryEntries.push(entry);
}

/**
 * The diary a practice keeps for the patient: the recalls that fit their problems, medicines, age and sex,
 * mostly due in the coming months, some already overdue (planned date passed, still active). Drawn after the
 * rest of the record. A dead patient's recalls were closed at death, so none are held.
 */
export function diary(b: RecordBuilder, deceased: boolean): void {
  if (deceased) return;
  medicationReviewRecall(b);
  for (const problem of b.problems) {
    const key = followedCondition(problem);
    const recall = key === undefined ? undefined : CONDITION_RECALLS[key];
    if (recall !== undefined) conditionRecall(b, problem, recall);
  }
  fluVaccinationRecall(b);
  cervicalScreeningRecall(b);
}

/** The last medication review set the next one a year on; about one in ten is now overdue. */
function medicationReviewRecall(b: RecordBuilder): void {
  const endDay = b.endDay;
  let firstRepeat = Number.POSITIVE_INFINITY;
  for (const m of b.medications) {
    const repeat = m.type === "repeat" || m.type === "repeat-dispensing";
    if (repeat && m.status === "active" && m.prescriber.kind === "practice")
      firstRepeat = Math.min(firstRepeat, toDayNumber(m.started));
  }
  if (firstRepeat === Number.POSITIVE_INFINITY) return;
  const reviewed = b.withinDays(Math.max(firstRepeat, endDay - 400), endDay - 20);
  addDiaryEntry(b, RECALLS.medicationReview, reviewed + 365, undefined, reviewed);
}

/** The condition (its key) a problem brings recalls for: active ones, sensitive ones aside. */
function followedCondition(problem: Problem): string | undefined {
  if (problem.status !== "active" || problem.sensitive === true) return undefined;
  return PROBLEM_KEYS_BY_CODE.get(problem.code.code);
}

/** The next review of a condition, planned from its last review (recorded now if the record has none). */
function conditionRecall(b: RecordBuilder, problem: Problem, recall: ConditionRecall): void {
  let review: Consultation | undefined;
  for (const c of b.consultations) {
    if (
      c.problem === problem.id &&
      c.narrative.startsWith("Annual review") &&
      !(c.date < (review?.date ?? ""))
    )
      review = c;
  }
  if (review === undefined) {
    const day = b.withinDays(Math.max(toDayNumber(problem.onset), b.endDay - 330), b.endDay);
    review = addConsultation(
      b,
      fromDayNumber(day),
      recall.reviewNarrative ?? `Reviewed ${problem.code.display.toLowerCase()}.`,
      problem.id,
      undefined,
      "GP Surgery",
    );
    if (recall.reviewTemplate !== undefined)
      reviewTemplate(b, recall.reviewTemplate, review.date, {
        consultation: review.id,
        problem: problem.id,
        recordedBy: review.clinician,
      });
  }
  const reviewDay = toDayNumber(review.date);
  const planned = reviewDay + recall.intervalDays + b.random.int(-14, 14);
  addDiaryEntry(
    b,
    recall.code,
    planned,
    recall.windowDays === undefined ? undefined : planned + recall.windowDays,
    reviewDay,
    { consultation: review.id, problem: problem.id, recordedBy: review.clinician },
  );
}

/** The coming (or current, if not yet given) influenza season for those the programme covers. */
function fluVaccinationRecall(b: RecordBuilder): void {
  const endDay = b.endDay;
  const endYear = b.endYear;
  const thisSeason = dayNumberOf(endYear, 9, 1);
  let seasonStart = endDay < thisSeason ? thisSeason : dayNumberOf(endYear + 1, 9, 1);
  if (endDay >= thisSeason) {
    let givenThisSeason = false;
    for (const i of b.immunisations)
      if (
        i.notGiven === undefined &&
        i.procedure.code === DECLINED_VACCINATIONS.influenza.givenProcedure.code
      )
        givenThisSeason ||= toDayNumber(i.date) >= thisSeason;
    if (!givenThisSeason) seasonStart = thisSeason;
  }
  if (fluRecallAtAnyAge(b.problems) || b.ageReachedDay(65) <= seasonStart) {
    const authored = b.withinDays(seasonStart - 150, Math.min(endDay, seasonStart - 30));
    addDiaryEntry(b, RECALLS.influenzaVaccination, seasonStart, seasonStart + 121, authored, {
      term: INFLUENZA_VACCINATION_TERM,
    });
  }
}

/** Active diabetes or asthma brings the influenza recall at any age. */
function fluRecallAtAnyAge(problems: readonly Problem[]): boolean {
  for (const problem of problems) {
    const key = followedCondition(problem);
    if (key === "type-2-diabetes" || key === "asthma") return true;
  }
  return false;
}

/** Cervical screening: every three years from 25 to 49, every five from 50 to 64. */
function cervicalScreeningRecall(b: RecordBuilder): void {
  const random = b.random;
  if (b.gender !== "female" || b.age < 25 || b.age > 64 || !random.chance(CERVICAL_RECALL_SHARE)) return;
  const interval = b.age < 50 ? 1095 : 1826;
  const planned = b.endDay + random.int(-180, interval - 180);
  const lastScreened = Math.max(planned - interval, b.ageReachedDay(24) + 180);
  addDiaryEntry(b, RECALLS.cervicalScreening, planned, undefined, lastScreened, {
    note: "Cervical screening recall",
  });
}
