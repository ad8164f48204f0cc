/**
 * Expectations about the gateway's own audit trail, read where its manifest says (`capabilities.audit.url`) and
 * decoded by the harness's own reader (../oracle/audit-trail.ts, which defines the shape a trail must have).
 */
import type { AuditTrailRequest, GatewayAnswer } from "../north/consumer.js";
import { HARNESS_CLINICIAN, HARNESS_CONSUMER } from "../north/identity.js";
import { type AuditTrailEntry, describeEntry, readAuditTrail } from "../oracle/audit-trail.js";
import type { WorldPatient } from "../world.js";
import { LoadExpectations } from "./load.js";

/** A decision the trail must hold: what the consumer stated, and what came of it. */
export type AuditedDecision =
  | { readonly decision: "refused" }
  | { readonly decision: "emergency"; readonly reason: string };

/** How far the gateway's clock may differ from the harness's when it writes an entry's time. */
const CLOCK_SKEW_MS = 60_000;

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
    const entries = this.trailEntries(trail, patient);
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

  /**
   * A refused attempt is in the trail like a successful one: an entry with the consent the consumer stated and
   * the status it was refused with, saying who asked (the harness's clinician), from which organisation (its
   * ODS code) and when (during the scenario). The trail being the patient's is its precondition.
   */
  refusalAudited(
    trail: GatewayAnswer | undefined,
    patient: WorldPatient,
    attempt: { readonly decision: "granted" | "refused"; readonly status: number; readonly what: string },
  ): void {
    const entries = this.trailEntries(trail, patient);
    const entry = entries.find((e) => e.decision === attempt.decision && e.status === attempt.status);
    const found = this.check(
      `the audit trail records ${attempt.what}`,
      entry !== undefined,
      entry === undefined
        ? `no entry "${attempt.decision}" refused with ${attempt.status}; entries: ${describeEntries(entries)}`
        : `recorded: ${describeEntry(entry)}`,
    );
    if (!found || entry === undefined) return;
    this.check(
      "the audit entry names who asked",
      entry.practitionerSdsId === HARNESS_CLINICIAN.sdsUserId,
      `${attempt.what}: the clinician's SDS user id is ${HARNESS_CLINICIAN.sdsUserId}; the entry names ${entry.practitionerSdsId ?? "nobody"}`,
    );
    this.check(
      "the audit entry names the organisation",
      entry.consumerOds === HARNESS_CONSUMER.ods,
      `${attempt.what}: the consumer is ${HARNESS_CONSUMER.ods}; the entry names ${entry.consumerOds ?? "none"}`,
    );
    const time = entry.time === undefined ? Number.NaN : Date.parse(entry.time);
    const during =
      time >= Date.parse(this.options.since) - CLOCK_SKEW_MS && time <= Date.now() + CLOCK_SKEW_MS;
    this.check(
      "the audit entry says when",
      during,
      `${attempt.what}: the scenario began at ${this.options.since}; the entry's time is ${entry.time ?? "missing"}`,
    );
  }

  /**
   * Nothing alters the trail through the gateway's API: each attempt (DELETE, PUT, POST, PATCH on the audit
   * URL) is refused with a 4xx, and the trail read after them is the trail read before.
   */
  auditTrailUnaltered(
    before: GatewayAnswer | undefined,
    attempts: ReadonlyArray<{
      readonly request: AuditTrailRequest;
      readonly answer: GatewayAnswer | undefined;
    }>,
    after: GatewayAnswer | undefined,
    patient: WorldPatient,
  ): void {
    const held = this.trailEntries(before, patient).length;
    for (const { request, answer } of attempts) {
      const status = answer?.status ?? 0;
      this.check(
        `the audit trail refuses ${request.method}`,
        status >= 400 && status <= 499,
        answer === undefined
          ? "the gateway declares no audit URL"
          : status === 0
            ? `no HTTP answer: ${answer.error}`
            : `the audit URL answered ${status}`,
      );
    }
    const same = after !== undefined && after.status === 200 && after.text === before?.text;
    this.check(
      "the audit trail is unchanged",
      same,
      same
        ? `the same trail before and after: ${held === 1 ? "1 entry" : `${held} entries`}`
        : `before: ${before?.text.slice(0, 300) ?? "nothing"}; after: ${after?.status === 200 ? after.text.slice(0, 300) : `status ${after?.status ?? "none"}`}`,
    );
  }

  /** The trail's entries about the patient (precondition: it can be read, and is the patient's). */
  private trailEntries(trail: GatewayAnswer | undefined, patient: WorldPatient): readonly AuditTrailEntry[] {
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
    return reading?.ok === true ? reading.entries : [];
  }
}

function describeEntries(entries: readonly AuditTrailEntry[]): string {
  return entries.length === 0 ? "none" : entries.map(describeEntry).join("; ");
}
