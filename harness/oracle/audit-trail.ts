/**
 * Reading a gateway's consent audit trail, with the harness's own code. The harness defines the shape, so that
 * a gateway written anywhere can meet it (the manifest schema's `capabilities.audit` says the same): a GET of
 * the audit URL answers JSON
 *
 *   { "nhsNumber": "9990000018",
 *     "entries": [ { "decision": "granted" | "refused" | "emergency" | ...,
 *                    "reason": "why, for an emergency",
 *                    "outcome": { "result": "record-returned" | "refused" | "error",
 *                                 "status": 403, "spineCode": "NO_PATIENT_CONSENT" },
 *                    ... } ] }
 *
 * one entry per request about the patient, oldest first, each also saying when and who asked, as far as the
 * request named them: "time" (ISO 8601), "practitionerSdsId" (the SDS user id of the JWT's
 * requesting_practitioner), "consumerOds" (the ODS code of its requesting_organization). Further fields are the
 * gateway's own and are ignored.
 */

/** One decision of the trail, as the harness reads it. */
export interface AuditTrailEntry {
  readonly decision: string;
  readonly reason?: string;
  readonly result?: string;
  readonly status?: number;
  readonly spineCode?: string;
  /** When the request was decided (ISO 8601, as the gateway wrote it). */
  readonly time?: string;
  /** Who asked: the practitioner's SDS user id. */
  readonly practitionerSdsId?: string;
  /** From which organisation: its ODS code. */
  readonly consumerOds?: string;
}

export type AuditTrailReading =
  | { readonly ok: true; readonly nhsNumber: string; readonly entries: readonly AuditTrailEntry[] }
  | { readonly ok: false; readonly problem: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The trail in a body, or what keeps it from being one. */
export function readAuditTrail(body: unknown): AuditTrailReading {
  if (!isObject(body)) return { ok: false, problem: "the answer is not a JSON object" };
  const nhsNumber = text(body.nhsNumber);
  if (nhsNumber === undefined) return { ok: false, problem: "the answer names no nhsNumber" };
  if (!Array.isArray(body.entries)) return { ok: false, problem: "the answer has no entries array" };
  const entries: AuditTrailEntry[] = [];
  for (const [index, entry] of body.entries.entries()) {
    const decision = isObject(entry) ? text(entry.decision) : undefined;
    if (!isObject(entry) || decision === undefined) {
      return { ok: false, problem: `entries[${index}] has no decision` };
    }
    const outcome = isObject(entry.outcome) ? entry.outcome : {};
    const reason = text(entry.reason);
    const result = text(outcome.result);
    const spineCode = text(outcome.spineCode);
    const who = {
      time: text(entry.time),
      practitionerSdsId: text(entry.practitionerSdsId),
      consumerOds: text(entry.consumerOds),
    };
    entries.push({
      ...Object.fromEntries(Object.entries(who).filter(([, value]) => value !== undefined)),
      decision,
      ...(reason === undefined ? {} : { reason }),
      ...(result === undefined ? {} : { result }),
      ...(typeof outcome.status === "number" ? { status: outcome.status } : {}),
      ...(spineCode === undefined ? {} : { spineCode }),
    });
  }
  return { ok: true, nhsNumber, entries };
}

/** An entry in words, for a check's detail. */
export function describeEntry(entry: AuditTrailEntry): string {
  const outcome = [entry.result, entry.status, entry.spineCode].filter((part) => part !== undefined);
  return `${entry.decision}${entry.reason === undefined ? "" : ` ("${entry.reason}")`}${
    outcome.length === 0 ? "" : ` → ${outcome.join(" ")}`
  }`;
}
