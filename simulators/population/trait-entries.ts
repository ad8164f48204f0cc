/**
 * Entries the traits `outpatient-medication`, `sensitive-items`, `awaiting-filing` and `unusual-content` add to
 * a record: the outpatient tramadol case, items from the sensitive exclusion sets, items not yet filed, and the
 * problem that carries unusual content.
 */
import { addDays, addYears, maxDate, minDate } from "./calendar.js";
import { CHRONIC_LOW_BACK_PAIN, TRAMADOL_50MG_CAPSULES } from "./clinical-terms.js";
import { addInvestigation } from "./investigations.js";
import { addMedication } from "./medications.js";
import { DVT, WARFARIN_3MG } from "./prescribing-terms.js";
import { addProblem } from "./problems.js";
import type { RecordBuilder } from "./record-builder.js";
import { TESTS } from "./record-terms.js";
import { addReferral } from "./referrals.js";
import { SENSITIVE_TERMS, type SensitiveTerm } from "./sensitive-terms.js";
import { hasTrait, type Trait } from "./types.js";

/** The entries of each trait that adds any, in the order they have always been drawn. */
export function traitEntries(b: RecordBuilder, traits: readonly Trait[]): void {
  if (hasTrait(traits, "outpatient-medication")) outpatientTramadol(b);
  if (hasTrait(traits, "sensitive-items")) sensitiveItems(b);
  if (hasTrait(traits, "awaiting-filing")) awaitingFiling(b);
  if (hasTrait(traits, "unusual-content")) unusualContentCarrier(b);
  if (hasTrait(traits, "stopped-medication")) stoppedAnticoagulant(b);
}

/**
 * A living patient's stopped medicine: warfarin for a deep vein thrombosis, its course complete and stopped in
 * the last weeks, with the reason; the record's own renewals of it stopped as re-authorised before that.
 */
function stoppedAnticoagulant(b: RecordBuilder): void {
  const stopped = b.within(addDays(b.end, -60), addDays(b.end, -7));
  const started = b.within(addDays(stopped, -400), addDays(stopped, -120));
  const problem = addProblem(b, { snomed: DVT, significance: "major" }, started, "inactive");
  addMedication(b, WARFARIN_3MG, started, {
    type: "repeat",
    status: "stopped",
    ended: stopped,
    treats: problem.id,
    stopReason: "Clinical grounds (anticoagulation course complete)",
  });
}

/** The tramadol case: prescribed by a hospital pain clinic after a referral, recorded but never issued here. */
function outpatientTramadol(b: RecordBuilder): void {
  const onset = b.within(maxDate(addYears(b.born, 18), addYears(b.end, -3)), addDays(b.end, -60));
  const problem = addProblem(b, CHRONIC_LOW_BACK_PAIN, onset, "active");
  const referred = b.within(addDays(onset, 7), addDays(onset, 30));
  addReferral(b, referred, "Pain Management Clinic", CHRONIC_LOW_BACK_PAIN.snomed.display, {
    problem: problem.id,
  });
  const started = b.within(addDays(referred, 14), b.end);
  addMedication(b, TRAMADOL_50MG_CAPSULES, started, {
    type: "acute",
    prescriber: {
      kind: "hospital-outpatient",
      organisation: `Pain Management Clinic, ${b.town} General Hospital`,
    },
    treats: problem.id,
  });
}

/** Items from the sensitive exclusion sets: always an STI with its antibiotic, and another that fits. */
function sensitiveItems(b: RecordBuilder): void {
  const others = SENSITIVE_TERMS.filter(
    (t) => t.key !== "sexually-transmitted-infection" && (!t.femaleOnly || b.gender === "female"),
  );
  const chosen: SensitiveTerm[] = [
    SENSITIVE_TERMS.find((t) => t.key === "sexually-transmitted-infection") as SensitiveTerm,
    b.random.pick(others),
  ];
  for (const term of chosen) {
    const onset = b.within(addYears(b.born, 18), addDays(b.end, -30));
    const ongoing = term.key === "gender-reassignment";
    const problem = addProblem(
      b,
      { snomed: term.problem, readV2: term.readV2, ctv3: term.ctv3, significance: "major" },
      onset,
      ongoing ? "active" : "inactive",
      { sensitive: true },
    );
    if (term.drug !== undefined) {
      const ended = minDate(addDays(onset, term.drug.supplyDays), b.end);
      addMedication(b, term.drug, onset, {
        type: "acute",
        status: "completed",
        ended,
        treats: problem.id,
        sensitive: true,
      });
    }
  }
}

/** A hospital letter and a laboratory result, both received in the last days and not yet filed. */
function awaitingFiling(b: RecordBuilder): void {
  const received = b.within(addDays(b.end, -6), b.end);
  const hospital = `${b.town} General Hospital`;
  addMedication(
    b,
    {
      product: { system: "http://snomed.info/sct", code: "322236009", display: "Paracetamol 500mg tablets" },
      dosage: "Two tablets up to four times a day",
      quantity: { value: 32, unit: "tablet" },
      supplyDays: 4,
    },
    received,
    {
      type: "acute",
      prescriber: { kind: "hospital-discharge", organisation: hospital },
      awaitingFiling: true,
    },
  );
  addInvestigation(b, TESTS.fbc, received, {}, { awaitingFiling: true });
}

/**
 * `unusual-content` decorates the record's clinical items: an active problem makes sure there is one to carry
 * it, whatever else a young or healthy patient's record holds.
 */
function unusualContentCarrier(b: RecordBuilder): void {
  const onset = b.within(maxDate(b.born, addYears(b.end, -5)), b.end);
  addProblem(b, CHRONIC_LOW_BACK_PAIN, onset, "active");
}
