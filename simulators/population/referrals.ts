/** Referrals to hospital and community services, and the ones a long-term condition brings. */
import { addDays } from "./calendar.js";
import type { ProblemTerm } from "./clinical-terms.js";
import { addConsultation } from "./consultations.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import { REFERRAL_TERMS, type ReferralTerm } from "./record-terms.js";
import type { Problem, Referral } from "./types.js";

/**
 * Where a condition is referred to, how the referral is coded, and how often. NHS Talking Therapies take
 * referrals from the patient: the practice records the self-referral it advised.
 */
const REFERRALS: Partial<Record<string, { service: string; term: ReferralTerm; chance: number }>> = {
  "osteoarthritis-of-knee": {
    service: "Trauma and Orthopaedics",
    term: REFERRAL_TERMS.orthopaedic,
    chance: 0.3,
  },
  depression: { service: "NHS Talking Therapies", term: REFERRAL_TERMS.selfReferral, chance: 0.4 },
  "type-2-diabetes": {
    service: "Diabetes Structured Education",
    term: REFERRAL_TERMS.patientReferral,
    chance: 0.3,
  },
};

export function addReferral(
  b: RecordBuilder,
  date: string,
  service: string,
  reason: string,
  links: {
    problem?: string;
    consultation?: string;
    priority?: "routine" | "urgent";
    requestedBy?: string;
    term?: ReferralTerm;
  },
): void {
  const term: ReferralTerm = links.term ?? REFERRAL_TERMS.patientReferral;
  const referral = {
    id: entryId("R", b.referrals.length + 1),
    date,
    service: term.code,
  } as Mutable<Referral>;
  const legacyCode = legacyCodeOf(term, b.practice);
  if (legacyCode !== undefined) referral.legacyCode = legacyCode;
  referral.recipient = `${service}, ${b.town} General Hospital`;
  referral.priority = links.priority ?? "routine";
  referral.reason = reason;
  referral.requestedBy = links.requestedBy ?? b.clinician();
  if (links.problem !== undefined) referral.problem = links.problem;
  if (links.consultation !== undefined) referral.consultation = links.consultation;
  b.referrals.push(referral);
}

/** Some conditions are referred on, from a review in the months after diagnosis. */
export function conditionReferral(b: RecordBuilder, term: ProblemTerm, problem: Problem): void {
  const referral = REFERRALS[term.key];
  if (referral === undefined || !b.random.chance(referral.chance)) return;
  const date = b.within(addDays(problem.onset, 30), addDays(problem.onset, 400));
  const consultation = addConsultation(
    b,
    date,
    `Reviewed ${term.snomed.display.toLowerCase()}. Referred.`,
    problem.id,
  );
  addReferral(b, date, referral.service, term.snomed.display, {
    problem: problem.id,
    consultation: consultation.id,
    requestedBy: consultation.clinician,
    term: referral.term,
  });
}
