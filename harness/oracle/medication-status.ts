/**
 * Whether a medication is current, read as GP Connect 1.6 says (MedicationStatement and MedicationRequest
 * pages): a MedicationStatement's status is active, completed or stopped (with entered-in-error, intended and
 * on-hold); its authorisation is the MedicationRequest (intent plan) it is basedOn, whose status must agree;
 * a stopped plan carries the MedicationStatusReason extension (statusReason, statusChangeDate).
 */
import { resourcesOfType } from "./bundle.js";

const STATUS_REASON_URL =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationStatusReason-1";

/** One MedicationStatement of a product, with its plan as the record gives them. */
export interface MedicationCourse {
  readonly statementId: string;
  readonly statementStatus: string;
  /** The plan's status, or undefined when the statement names no plan the record holds. */
  readonly planStatus?: string;
  /** The plan's stated reason for a change of status, when it carries one. */
  readonly statusReason?: string;
}

/** Every MedicationStatement whose Medication carries `code` (any coding system) or whose name matches. */
export function coursesOf(bundle: fhir.Bundle, product: { code: string; name: RegExp }): MedicationCourse[] {
  const medications = new Map<string, fhir.Medication>();
  for (const m of resourcesOfType<fhir.Medication>(bundle, "Medication"))
    if (typeof m.id === "string") medications.set(`Medication/${m.id}`, m);
  const plans = new Map<string, fhir.MedicationRequest>();
  for (const r of resourcesOfType<fhir.MedicationRequest>(bundle, "MedicationRequest"))
    if (typeof r.id === "string") plans.set(`MedicationRequest/${r.id}`, r);
  return resourcesOfType<fhir.MedicationStatement>(bundle, "MedicationStatement").flatMap((statement) => {
    const concept =
      statement.medicationCodeableConcept ??
      medications.get(statement.medicationReference?.reference ?? "")?.code;
    const codings = Array.isArray(concept?.coding) ? concept.coding : [];
    const named = [concept?.text, ...codings.map((c) => c.display)].some(
      (text) => typeof text === "string" && product.name.test(text),
    );
    if (!named && !codings.some((c) => c.code === product.code)) return [];
    const plan = (statement.basedOn ?? [])
      .map((ref) => plans.get(ref.reference ?? ""))
      .find((p) => p !== undefined && p.intent === "plan");
    const reason = (plan?.extension ?? [])
      .find((x) => x.url === STATUS_REASON_URL)
      ?.extension?.find((x) => x.url === "statusReason")?.valueCodeableConcept?.text;
    return [
      {
        statementId: String(statement.id),
        statementStatus: String(statement.status),
        ...(plan === undefined ? {} : { planStatus: String(plan.status) }),
        ...(reason === undefined ? {} : { statusReason: reason }),
      },
    ];
  });
}

/** A course is over: the statement is completed or stopped, and its plan (when the record holds it) agrees. */
export function courseIsOver(course: MedicationCourse): boolean {
  const over = (status: string | undefined) => status === "completed" || status === "stopped";
  return over(course.statementStatus) && (course.planStatus === undefined || over(course.planStatus));
}

export function describeCourse(course: MedicationCourse): string {
  const plan = course.planStatus === undefined ? "no plan" : `plan ${course.planStatus}`;
  const reason = course.statusReason === undefined ? "" : ` (${course.statusReason})`;
  return `statement ${course.statementStatus}, ${plan}${reason}`;
}
