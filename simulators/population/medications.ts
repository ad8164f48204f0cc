/**
 * Medicines: prescriptions (acute, or repeat with an issue per supply period) by the practice, a hospital or
 * an outpatient clinic, and the medicine a long-term condition brings.
 */
import { addDays, fromDayNumber, maxDate, minDate, toDayNumber } from "./calendar.js";
import type { DrugTerm, ProblemTerm } from "./clinical-terms.js";
import { entryId, type Mutable, type RecordBuilder } from "./record-builder.js";
import type { Medication, Prescriber, Problem } from "./types.js";

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

export function addMedication(
  b: RecordBuilder,
  drug: DrugTerm,
  started: string,
  options: {
    type: "acute" | "repeat";
    prescriber?: Prescriber;
    status?: Medication["status"];
    ended?: string;
    treats?: string;
    sensitive?: boolean;
    awaitingFiling?: boolean;
    issued?: boolean;
  },
): Medication {
  const prescriber = options.prescriber ?? { kind: "practice" };
  const status = options.status ?? "active";
  let issues: string[] = [];
  if (prescriber.kind === "practice" && options.issued !== false) {
    if (options.type === "acute") issues = [started];
    else {
      const lastIssue = options.ended ?? b.end;
      // A normal record carries the last year of issues; a large one the whole course.
      const first = b.large ? started : maxDate(started, addDays(lastIssue, -365));
      issues = issueDates(b, first, lastIssue, drug.supplyDays);
    }
  }
  // Built field by field (optional ones only when present), in the record's key order.
  const fields: Partial<Mutable<Medication>> = {
    id: entryId("M", b.medications.length + 1),
    product: drug.product,
    dosage: drug.dosage,
    quantity: drug.quantity,
    supplyDays: drug.supplyDays,
    type: options.type,
    prescriber,
    started,
    status,
    issues,
  };
  if (options.treats !== undefined) fields.treats = options.treats;
  fields.recordedBy = b.clinician();
  if (options.ended !== undefined) fields.ended = options.ended;
  if (options.sensitive === true) fields.sensitive = true;
  if (options.awaitingFiling === true) fields.awaitingFiling = true;
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
    (m): Medication => (m.status === "active" ? { ...m, status: "stopped", ended: died } : m),
  );
}
