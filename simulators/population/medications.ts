/**
 * Medicines: prescriptions (acute, or repeat with an issue per supply period) by the practice, a hospital or
 * an outpatient clinic, and the medicine a long-term condition brings. A repeat is authorised for a number of
 * issues and re-authorised when they run out: each authorisation is a medication of its own, the earlier
 * ones stopped as "Re-Authorised" and each renewal naming the one it renews (GP Connect's priorPrescription).
 */
import { addDays, fromDayNumber, maxDate, minDate, toDayNumber } from "./calendar.js";
import type { DrugTerm, ProblemTerm } from "./clinical-terms.js";
import { patientInstructionFor } from "./prescribing-terms.js";
import { entryId, type Mutable, type RecordBuilder } from "./record-builder.js";
import type { Medication, Prescriber, PrescriptionType, Problem } from "./types.js";

/** Earlier authorisations of a repeat a record still shows, before the current one. */
const EARLIER_AUTHORISATIONS_SHOWN = 1;
/** Share of the practice's repeats that are repeat dispensing (a batch the pharmacy dispenses in turn). */
const REPEAT_DISPENSING_SHARE = 0.15;
export const RE_AUTHORISED = "Re-Authorised";
/** Issues an authorisation allows: a few months' or a year's supply, fewer where one supply lasts longer. */
const REPEATS_ALLOWED = [3, 6, 12] as const;
const LONG_SUPPLY_REPEATS = [2, 3, 6] as const;

export const isRepeat = (type: PrescriptionType): boolean =>
  type === "repeat" || type === "repeat-dispensing";

/** Issue dates of a repeat, one per supply period, from `from` to `to`. */
function issueDates(b: RecordBuilder, from: string, to: string, supplyDays: number): string[] {
  const issues: string[] = [];
  let day = toDayNumber(from);
  const last = toDayNumber(to);
  while (day <= last) {
    issues.push(fromDayNumber(day));
    day += supplyDays + b.random.int(-2, 4);
  }
  return issues;
}

export interface MedicationOptions {
  type: PrescriptionType;
  prescriber?: Prescriber;
  status?: Medication["status"];
  ended?: string;
  treats?: string;
  sensitive?: boolean;
  awaitingFiling?: boolean;
  issued?: boolean;
  /** Why a stopped medication was stopped, on the day it ended. */
  stopReason?: string;
}

export function addMedication(
  b: RecordBuilder,
  drug: DrugTerm,
  started: string,
  options: MedicationOptions,
): Medication {
  const prescriber = options.prescriber ?? { kind: "practice" };
  let issues: string[] = [];
  if (prescriber.kind === "practice" && options.issued !== false) {
    if (!isRepeat(options.type)) issues = [started];
    else {
      const lastIssue = options.ended ?? b.end;
      // A normal record carries the last year of issues; a large one the whole course.
      const first = b.large ? started : maxDate(started, addDays(lastIssue, -365));
      issues = issueDates(b, first, lastIssue, drug.supplyDays);
    }
  }
  // The one draw of the record's main stream an entry makes, as it always has: the author.
  const recordedBy = b.clinician();
  if (prescriber.kind === "practice" && isRepeat(options.type) && options.issued !== false)
    return authorisedCourse(b, drug, started, options, issues, recordedBy);
  const status = options.status ?? "active";
  const stopReason =
    status === "stopped" && options.stopReason !== undefined && options.ended !== undefined
      ? { date: options.ended, text: options.stopReason }
      : undefined;
  return pushMedication(b, drug, started, options, {
    type: options.type,
    prescriber,
    status,
    ended: options.ended,
    issues,
    stopReason,
    authorisation: undefined,
    prior: undefined,
    recordedBy,
  });
}

/**
 * A practice's repeat as its authorisations: one per `repeatsAllowed` issues, the last (current) one with the
 * course's own status, those before it stopped as re-authorised; the record shows the last few.
 */
function authorisedCourse(
  b: RecordBuilder,
  drug: DrugTerm,
  started: string,
  options: MedicationOptions,
  issues: readonly string[],
  recordedBy: string,
): Medication {
  const rx = b.prescribing;
  const type: PrescriptionType =
    options.type === "repeat" && rx.chance(REPEAT_DISPENSING_SHARE) ? "repeat-dispensing" : options.type;
  const allowed = rx.pick(drug.supplyDays >= 56 ? LONG_SUPPLY_REPEATS : REPEATS_ALLOWED);
  const length = allowed * drug.supplyDays;
  const startDay = toDayNumber(started);
  const lastDay = toDayNumber(options.ended ?? b.end);
  const spans = Math.max(0, Math.floor((lastDay - startDay) / length));
  let prior: string | undefined;
  let medication: Medication | undefined;
  for (let k = Math.max(0, spans - EARLIER_AUTHORISATIONS_SHOWN); k <= spans; k++) {
    const fromDay = startDay + k * length;
    const current = k === spans;
    const from = fromDayNumber(fromDay);
    const renewed = fromDayNumber(fromDay + length);
    const own = issues.filter((d) => d >= from && (current || d < renewed));
    const status = current ? (options.status ?? "active") : "stopped";
    const ended = current ? options.ended : renewed;
    const repeatsIssued = current
      ? Math.min(allowed, Math.floor((lastDay - fromDay) / drug.supplyDays) + 1)
      : allowed;
    const stopReason =
      status !== "stopped" || ended === undefined
        ? undefined
        : { date: ended, text: current ? (options.stopReason ?? "No longer required") : RE_AUTHORISED };
    medication = pushMedication(b, drug, from, options, {
      type,
      prescriber: PRACTICE,
      status,
      ended,
      issues: own,
      stopReason,
      authorisation: { repeatsAllowed: allowed, repeatsIssued, expires: renewed },
      prior,
      // Earlier authorisations by any of the practice's prescribers, drawn from the prescribing stream.
      recordedBy: current ? recordedBy : rx.pick(b.practice.clinicians).id,
    });
    prior = medication.id;
  }
  return medication as Medication;
}

const PRACTICE: Prescriber = { kind: "practice" };

/** The notes a prescriber leaves on a prescription the record only holds, or one not to be collected at once. */
function prescriberNote(entry: EntryDetail): string | undefined {
  if (entry.prescriber.kind !== "practice")
    return "Issued by hospital - please do not issue from GP practice";
  if (entry.type === "delayed-prescribing")
    return "Delayed prescription: to be collected only if symptoms have not improved in 3 days";
  return undefined;
}

/** What an entry takes beyond the options: one shape, so building entries stays on the fast path. */
interface EntryDetail {
  readonly type: PrescriptionType;
  readonly prescriber: Prescriber;
  readonly status: Medication["status"];
  readonly ended: string | undefined;
  readonly issues: string[];
  readonly stopReason: Medication["statusReason"];
  readonly authorisation: Medication["authorisation"];
  readonly prior: string | undefined;
  readonly recordedBy: string;
}

/** One medication entry, built field by field (optional ones only when present), in the record's key order. */
function pushMedication(
  b: RecordBuilder,
  drug: DrugTerm,
  started: string,
  options: MedicationOptions,
  entry: EntryDetail,
): Medication {
  const fields: Partial<Mutable<Medication>> = {
    id: entryId("M", b.medications.length + 1),
    product: drug.product,
    dosage: drug.dosage,
    quantity: drug.quantity,
    supplyDays: drug.supplyDays,
    type: entry.type,
    prescriber: entry.prescriber,
    started,
    status: entry.status,
    issues: entry.issues,
  };
  if (options.treats !== undefined) fields.treats = options.treats;
  fields.recordedBy = entry.recordedBy;
  if (entry.ended !== undefined) fields.ended = entry.ended;
  if (options.sensitive === true) fields.sensitive = true;
  if (options.awaitingFiling === true) fields.awaitingFiling = true;
  if (entry.authorisation !== undefined) fields.authorisation = entry.authorisation;
  if (entry.stopReason !== undefined) fields.statusReason = entry.stopReason;
  if (entry.prior !== undefined) fields.priorPrescription = entry.prior;
  const instruction = patientInstructionFor(drug.product.code);
  if (instruction !== undefined) fields.patientInstruction = instruction;
  const note = prescriberNote(entry);
  if (note !== undefined) fields.prescriberNote = note;
  // EMIS's own code and name for the product, where EMIS has one (SystmOne sends dm+d alone).
  if (drug.emis !== undefined && b.practice.system === "emis") {
    fields.localCode = drug.emis.code;
    if (drug.emis.term !== undefined) fields.productTerm = drug.emis.term;
  }
  const medication = fields as Medication;
  b.medications.push(medication);
  return medication;
}

/**
 * The medicine for a problem just recorded. An active problem's is a repeat, a few of them started on a
 * hospital discharge and then taken over by the practice; a resolved problem keeps the short course that
 * treated it.
 */
export function conditionMedication(b: RecordBuilder, term: ProblemTerm, problem: Problem): void {
  const { random, end } = b;
  const drug = random.pick(term.drugs);
  const started = minDate(addDays(problem.onset, random.int(0, 30)), end);
  if (problem.status === "active") {
    if (term.significance === "major" && random.chance(0.08)) {
      const dischargeEnded = minDate(addDays(started, 14), end);
      addMedication(b, drug, started, {
        type: "acute",
        prescriber: { kind: "hospital-discharge", organisation: `${b.town} General Hospital` },
        status: "completed",
        ended: dischargeEnded,
        treats: problem.id,
      });
      addMedication(b, drug, dischargeEnded, { type: "repeat", treats: problem.id });
    } else {
      addMedication(b, drug, started, { type: "repeat", treats: problem.id });
    }
  } else {
    const ended = minDate(addDays(started, drug.supplyDays), problem.ended ?? end);
    addMedication(b, drug, started, { type: "acute", status: "completed", ended, treats: problem.id });
  }
}

/** A dead patient's medicines: those still active were stopped on the day of death. */
export function stoppedAtDeath(medications: readonly Medication[], died: string): Medication[] {
  return medications.map(
    (m): Medication =>
      m.status === "active"
        ? { ...m, status: "stopped", ended: died, statusReason: { date: died, text: "Patient died" } }
        : m,
  );
}
