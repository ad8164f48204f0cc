/** Faulty gateways that get point-of-access consent, dissent or sharing agreements wrong. */
import { operationOutcome } from "../../../gpconnect/outcomes.js";
import type { Fault } from "../faulty-gateway.js";

const EMPTY_BUNDLE = JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] });

/** Whether the consumer asked for the audit trail (the reference gateway's `GET /_audit`). */
const asksForAudit = (original: { method: string; url: string }) =>
  original.method === "GET" && original.url.startsWith("/_audit");

/** The audit trail's answer with each entry changed by `change`. */
function changeEntries(body: string, change: (entry: Record<string, unknown>) => void): string {
  const trail = JSON.parse(body) as { entries?: Record<string, unknown>[] };
  for (const entry of trail.entries ?? []) change(entry);
  return JSON.stringify(trail);
}

export const CONSENT_FAULTS = {
  "ignores-refusal": {
    defect: "Reads X-Consent but treats a refusal as consent.",
    request: (r) => {
      if (r.headers["x-consent"] === "refused") r.headers["x-consent"] = "granted";
    },
    catches: {
      "CONSENT-02": /HTTP status 403: the gateway answered 200/,
      "CONSENT-06": /HTTP status 403: the gateway answered 200/,
      "CONSENT-10": /HTTP status 403: the gateway answered 200/,
      "SECURITY-13": /HTTP status 403: the gateway answered 200/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 36 requests failed/,
    },
  },
  "refuses-everything": {
    defect: "Treats every answer as a refusal: nobody sees any record.",
    request: (r) => {
      r.headers["x-consent"] = "refused";
    },
    catches: {
      "SECURITY-13": /the audit trail records the expired token: no entry/,
      "SECURITY-14": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-03": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-06": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-02": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-03": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-05": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-06": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-07": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-11": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-12": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-13": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-14": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-15": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-08": /HTTP status 404: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-09": /HTTP status 404: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-10": /HTTP status 404: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SECURITY-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-05": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-09": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-06":
        /the record was requested from the practice .*: the practice's journal holds no record request/,
      "CORE-07":
        /the record was requested from the practice .*: the practice's journal holds no record request/,
      "CORE-08": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-07": /HTTP status 400: the gateway answered 403/,
      "CONSENT-09": /error code NO_ORGANISATION_CONSENT: the error code is NO_PATIENT_CONSENT/,
      "CONSENT-11": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-12": /error code ACCESS DENIED: the error code is NO_PATIENT_CONSENT/,
      "CORE-01": /HTTP status 404: the gateway answered 403/,
      "CONSENT-05": /HTTP status 400: the gateway answered 403/,
      "RESILIENCE-01": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-02": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-03": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-04": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-05": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "RESILIENCE-06": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-07": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-08": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-09": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-10": /HTTP status 404: the gateway answered 403/,
      "RESILIENCE-11": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "RESILIENCE-12": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "RESILIENCE-13": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SECURITY-02": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SECURITY-03":
        /the record was requested from the practice .*: the practice's journal holds no record request/,
      "SECURITY-04": /a server-side error status \(5xx\): the gateway answered 403/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 36 requests failed/,
      "PERFORMANCE-03": /the error rate met rate<0\.01: [1-9]\d* of 20 requests failed/,
      "PERFORMANCE-04": /the error rate met rate<0\.01: [1-9]\d* of 20 requests failed/,
    },
  },
  "fetches-before-asking": {
    defect:
      "Fetches the record first and only then acts on a refusal: the answer looks right, the journal does not.",
    request: (r) => {
      if (r.headers["x-consent"] === "refused") r.headers["x-consent"] = "granted";
    },
    answer: (answer, original) =>
      original.headers["x-consent"] === "refused"
        ? {
            status: 403,
            body: JSON.stringify(operationOutcome("NO_PATIENT_CONSENT", "Refused at the point of access.")),
          }
        : answer,
    catches: {
      "SECURITY-13": /the audit trail records the refused consent: no entry/,
      "CONSENT-02": /no record request reached the practice .*: the practice received 1 record request/,
      "CONSENT-10": /the audit trail records the refusal: entries: granted → record-returned/,
    },
  },
  "invents-emergency-reason": {
    defect:
      "Supplies a reason of its own when the clinician gave none, so the emergency override needs no reason.",
    request: (r) => {
      if (r.headers["x-consent"] === "emergency" && !r.headers["x-consent-reason"]) {
        r.headers["x-consent-reason"] = "emergency";
      }
    },
    catches: { "CONSENT-05": /HTTP status 400: the gateway answered 200/ },
  },
  "no-emergency-override": {
    defect: "Does not know the emergency override and treats it as a refusal.",
    request: (r) => {
      if (r.headers["x-consent"] === "emergency") r.headers["x-consent"] = "refused";
    },
    catches: {
      "CONSENT-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-05": /HTTP status 400: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-11": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 36 requests failed/,
    },
  },
  "missing-consent-as-granted": {
    defect: "Treats a request that states no consent as consent granted.",
    request: (r) => {
      r.headers["x-consent"] ??= "granted";
    },
    catches: { "CONSENT-07": /HTTP status 400: the gateway answered 200/ },
  },
  "dissent-as-error": {
    defect:
      "Does not recognise the practice's dissent (403 NO_PATIENT_CONSENT) and reports it as an internal error.",
    answer: (answer, original) =>
      answer.status === 403 &&
      answer.body.includes("NO_PATIENT_CONSENT") &&
      original.headers["x-consent"] !== "refused"
        ? {
            status: 500,
            body: JSON.stringify(
              operationOutcome("INTERNAL_SERVER_ERROR", "Unexpected answer from the practice."),
            ),
          }
        : answer,
    catches: {
      "CONSENT-03": /HTTP status 403: the gateway answered 500 \(INTERNAL_SERVER_ERROR\)/,
      "CONSENT-08": /HTTP status 403: the gateway answered 500 \(INTERNAL_SERVER_ERROR\)/,
    },
  },
  "retries-refusals": {
    defect: "Retries a practice's refusal (403) twice, as though it were a transient failure.",
    south: {
      practice: async (call, send) => {
        let answer = await send(call);
        for (let retry = 0; retry < 2 && answer.status === 403; retry++) answer = await send(call);
        return answer;
      },
    },
    catches: { "CONSENT-09": /asked for the record exactly once: 3 record requests, answered 403, 403, 403/ },
  },
  "access-denied-as-empty-record": {
    defect:
      "Reads a practice that has not enabled sharing (403 ACCESS DENIED) as one with nothing to share: an empty record.",
    answer: (answer) =>
      answer.status === 403 && answer.body.includes("ACCESS DENIED")
        ? { status: 200, body: EMPTY_BUNDLE }
        : answer,
    catches: {
      "SECURITY-12": /HTTP status 403: the gateway answered 200/,
      "CONSENT-12": /HTTP status 403: the gateway answered 200/,
    },
  },
  "audits-nothing": {
    defect: "Serves the audit query but records nothing in it.",
    instead: async (original) => {
      if (!asksForAudit(original)) return undefined;
      const nhsNumber = new URL(original.url, "http://gateway").searchParams.get("nhsNumber");
      return {
        status: 200,
        body: JSON.stringify({ nhsNumber, entries: [] }),
        contentType: "application/json",
      };
    },
    catches: {
      "SECURITY-13": /the audit trail records the refused consent: no entry/,
      "CONSENT-10": /the audit trail records the refusal: entries: none/,
      "CONSENT-11": /the audit trail records the emergency access: entries: none/,
    },
  },
  "audits-emergency-without-reason": {
    defect: "Audits emergency access but not the reason the clinician gave for it.",
    answer: (answer, original) =>
      asksForAudit(original) && answer.status === 200
        ? {
            ...answer,
            body: changeEntries(answer.body, (entry) => {
              delete entry.reason;
            }),
          }
        : answer,
    catches: { "CONSENT-11": /the audit trail records the emergency's reason: the clinician said/ },
  },
  "audit-refuses-consumer-token": {
    defect: "Guards its audit query with a token of its own, refusing the consumer's (401).",
    instead: async (original) =>
      asksForAudit(original)
        ? {
            status: 401,
            body: JSON.stringify(operationOutcome("BAD_REQUEST", "An audit token is required.")),
          }
        : undefined,
    catches: {
      "SECURITY-13": /the audit trail can be read: the audit URL answered 401/,
      "SECURITY-14": /the audit trail can be read: the audit URL answered 401/,
      "CONSENT-10": /the audit trail can be read: the audit URL answered 401/,
      "CONSENT-11": /the audit trail can be read: the audit URL answered 401/,
    },
  },
} satisfies Record<string, Fault>;
