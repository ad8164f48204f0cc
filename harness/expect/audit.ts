/**
 * Expectations about the gateway's own audit trail, read where its manifest says (`capabilities.audit.url`) and
 * decoded by the harness's own reader (../oracle/audit-trail.ts, which defines the shape a trail must have).
 */
import type { GatewayAnswer } from "../north/consumer.js";
import { type AuditTrailEntry, describeEntry, readAuditTrail } from "../oracle/audit-trail.js";
import type { WorldPatient } from "../world.js";
import { LoadExpectations } from "./load.js";

/** A decision the trail must hold: what the consumer stated, and what came of it. */
export type AuditedDecision =
  | { readonly decision: "refused" }
  | { readonly decision: "emergency"; readonly reason: string };

/** What each decision's check is called, and the outcome its entry must record. */
const AUDITED = {
  refused: { words: "the refusal", result: "refused" },
  emergency: { words: "the emergency access", result: "record-returned" },
} as const;

export class AuditExpectations extends LoadExpectations {
  /**
   * The gateway's audit trail about the patient (`gateway.auditTrail(patient)`) records the decision and what
   * came of it: a refusal as refused, an emergency access as a record returned, with the reason stated.
   */
  audited(trail: GatewayAnswer | undefined, patient: WorldPatient, expected: AuditedDecision): void {
    const reading = trail === undefined || trail.status !== 200 ? undefined : readAuditTrail(trail.body);
    this.precondition(
      "the audit trail can be read",
      reading?.ok === true && reading.nhsNumber === patient.nhsNumber,
      trail === undefined
        ? "the gateway declares no audit URL"
        : trail.status !== 200
          ? `the audit URL answered ${trail.status === 0 ? `nothing: ${trail.error}` : trail.status}`
          : reading?.ok !== true
            ? `the answer is not an audit trail: ${reading?.ok === false ? reading.problem : ""}`
            : `the trail is about ${reading.nhsNumber}, not ${patient.nhsNumber}`,
    );
    const entries = reading?.ok === true ? reading.entries : [];
    const { words, result } = AUDITED[expected.decision];
    const decided = entries.filter((e) => e.decision === expected.decision && e.result === result);
    this.check(
      `the audit trail records ${words}`,
      decided.length > 0,
      `entries: ${describeEntries(entries)}`,
    );
    if (expected.decision !== "emergency") return;
    const reasoned = decided.some((e) => e.reason === expected.reason);
    this.check(
      "the audit trail records the emergency's reason",
      reasoned,
      reasoned
        ? `the reason "${expected.reason}" is recorded`
        : `the clinician said "${expected.reason}"; entries: ${describeEntries(entries)}`,
    );
  }
}

function describeEntries(entries: readonly AuditTrailEntry[]): string {
  return entries.length === 0 ? "none" : entries.map(describeEntry).join("; ");
}
