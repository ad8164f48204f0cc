/** Faulty gateways that handle a failing practice, PDS or SDS badly: hiding it, hanging on it, hammering it. */
import { request } from "undici";
import type { Fault } from "../faulty-gateway.js";
import type { SouthAnswer, SouthCall } from "../south-proxy.js";

const EMPTY_BUNDLE = JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] });
const EMPTY_SEARCHSET = JSON.stringify({ resourceType: "Bundle", type: "searchset", total: 0, entry: [] });
const FHIR_JSON = { "content-type": "application/fhir+json" };

/** The GP Connect trace id a call carries: the consumer's, passed on to the practice. */
const traceOf = (headers: Record<string, string>) => headers["ssp-traceid"] ?? "";

/** The NHS number a structured-record request asks about. */
const nhsNumberOf = (body: string) => /"value"\s*:\s*"(\d{10})"/.exec(body)?.[1] ?? "";

/** The practice's answers as they arrived, status and body, even when the body was cut off. */
const streamed = new Map<string, { status: number; body: string; contentType: string }>();

/** Reads an answer as far as it goes: a body cut off is kept as far as it came. */
async function readThrough(call: SouthCall): Promise<SouthAnswer & { complete: boolean }> {
  const answer = await request(call.url, {
    method: "POST",
    headers: call.headers,
    body: call.body,
    ...(call.signal === undefined ? {} : { signal: call.signal }),
  });
  const chunks: Buffer[] = [];
  let complete = true;
  try {
    for await (const chunk of answer.body) chunks.push(Buffer.from(chunk as Uint8Array));
  } catch {
    complete = false;
  }
  const contentType = String(answer.headers["content-type"] ?? "application/fhir+json");
  return {
    status: answer.statusCode,
    headers: { "content-type": contentType },
    body: Buffer.concat(chunks).toString("utf8"),
    complete,
  };
}

/** The trace ids of the requests not yet answered, in the order they arrived. */
const arrivals: string[] = [];
/** Resolves when every request that arrived before this one has been answered (at most a while). */
async function inTurn(trace: string): Promise<void> {
  const until = Date.now() + 20_000;
  while (arrivals.indexOf(trace) > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const at = arrivals.indexOf(trace);
  if (at >= 0) arrivals.splice(at, 1);
}

/** The last good record of each patient, by NHS number. */
const lastRecords = new Map<string, SouthAnswer>();

export const RESILIENCE_FAULTS = {
  "hides-errors-as-empty-record": {
    defect:
      'Turns every error into an empty record, so the clinician sees "nothing recorded" instead of a problem.',
    answer: (answer) => (answer.status >= 400 ? { status: 200, body: EMPTY_BUNDLE } : answer),
    catches: {
      "SECURITY-08": /HTTP status 400: the gateway answered 200/,
      "SECURITY-09": /HTTP status 400: the gateway answered 200/,
      "SECURITY-10": /HTTP status 400: the gateway answered 200/,
      "SECURITY-11": /HTTP status 400: the gateway answered 200/,
      "SECURITY-12": /HTTP status 403: the gateway answered 200/,
      "SECURITY-13": /HTTP status 403: the gateway answered 200/,
      "SECURITY-14": /the audit trail refuses DELETE: the audit URL answered 200/,
      "CORE-01": /HTTP status 404: the gateway answered 200/,
      "CONSENT-02": /HTTP status 403: the gateway answered 200/,
      "CONSENT-03": /HTTP status 403: the gateway answered 200/,
      "CONSENT-05": /HTTP status 400: the gateway answered 200/,
      "CONSENT-06": /HTTP status 403: the gateway answered 200/,
      "CORE-02": /HTTP status 400: the gateway answered 200/,
      "CONSENT-07": /HTTP status 400: the gateway answered 200/,
      "CONSENT-08": /HTTP status 403: the gateway answered 200/,
      "CONSENT-09": /HTTP status 403: the gateway answered 200/,
      "CONSENT-10": /HTTP status 403: the gateway answered 200/,
      "CONSENT-12": /HTTP status 403: the gateway answered 200/,
      "RESILIENCE-01": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-02": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-03": /a server-side error status \(5xx\): the gateway answered 200/,
      "SAFETY-08": /HTTP status 404: the gateway answered 200/,
      "SAFETY-09": /HTTP status 404: the gateway answered 200/,
      "SAFETY-10": /HTTP status 404: the gateway answered 200/,
      "RESILIENCE-04": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-06": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-07": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-08": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-09": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-10": /HTTP status 404: the gateway answered 200/,
      "RESILIENCE-13": /a server-side error status \(5xx\): the gateway answered 200/,
      "SECURITY-04": /a server-side error status \(5xx\): the gateway answered 200/,
      "SECURITY-05": /HTTP status 415: the gateway answered 200/,
      "SECURITY-06": /HTTP status 404: the gateway answered 200/,
      "SECURITY-07": /a client error status \(4xx\): the gateway answered 200/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 36 requests failed/,
    },
  },
  "waits-on-a-hung-practice": {
    defect:
      "Gives a practice 30 seconds, its HTTP client's default, and no budget of its own: a practice that never answers keeps the clinician waiting long past their patience.",
    config: { PRACTICE_TIMEOUT_MS: "30000", REQUEST_BUDGET_MS: "60000" },
    catches: { "RESILIENCE-04": /answered within 10000 ms: no HTTP answer/ },
  },
  "gives-up-too-soon": {
    defect: "Gives a practice one second to answer, where GP Connect systems routinely take several.",
    config: { PRACTICE_TIMEOUT_MS: "1000" },
    catches: {
      "RESILIENCE-05": /HTTP status 200: the gateway answered 504/,
      "RESILIENCE-12": /HTTP status 200: the gateway answered 504/,
    },
  },
  "streams-practice-answer": {
    defect:
      "Pipes the practice's answer to the consumer as it arrives, status first, without reading it: a garbled or cut-off record goes out as 200.",
    south: {
      practice: async (call) => {
        const answer = await readThrough(call);
        streamed.set(traceOf(call.headers), {
          status: answer.status,
          body: answer.body,
          contentType: answer.headers["content-type"] ?? "application/fhir+json",
        });
        if (!answer.complete) throw new Error("the practice's answer was cut off");
        return answer;
      },
    },
    answer: (answer, original) => streamed.get(traceOf(original.headers)) ?? answer,
    catches: {
      "RESILIENCE-06": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-07": /a server-side error status \(5xx\): the gateway answered 200/,
      "SECURITY-04": /the answer leaks no stack trace: the body carries/,
    },
  },
  "swallows-connection-errors": {
    defect:
      "Treats a practice it could not reach, or whose answer broke off, as having nothing to share: the clinician gets an empty record.",
    south: {
      practice: async (call, send) => {
        try {
          return await send(call);
        } catch {
          return { status: 200, headers: FHIR_JSON, body: EMPTY_SEARCHSET };
        }
      },
    },
    catches: {
      "RESILIENCE-01": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-07": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-08": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-11": /the record is the patient's: no Patient in the bundle/,
      "RESILIENCE-13": /a server-side error status \(5xx\): the gateway answered 200/,
    },
  },
  "never-retries": {
    defect: "Never retries: one dropped connection, and the clinician is told the record is unavailable.",
    config: { SOUTH_RETRIES: "0" },
    catches: { "RESILIENCE-11": /HTTP status 200: the gateway answered 502/ },
  },
  "hedges-every-practice-call": {
    defect:
      "Sends every record request to the practice three times at once and takes the first answer, tripling the load on every practice.",
    south: {
      practice: (call, send) => Promise.any([send(call), send(call), send(call)]),
    },
    catches: {
      "RESILIENCE-11": /the practice received at most 3 record requests: the practice \(\w+\) received 6/,
      "CONSENT-09": /the practice \(\w+\) was asked for the record exactly once: 3 record requests/,
    },
  },
  "answers-in-arrival-order": {
    defect:
      "Answers requests strictly in the order they arrived, through one queue, so one slow practice holds up the answer to every request behind it.",
    request: (r) => {
      arrivals.push(traceOf(r.headers));
    },
    answer: async (answer, original) => {
      await inTurn(traceOf(original.headers));
      return answer;
    },
    catches: { "RESILIENCE-12": /answered within 2000 ms: answered in \d+ ms/ },
  },
  "serves-stale-record": {
    defect:
      "Keeps each patient's last record and serves it when the practice cannot be reached, as if it were current.",
    south: {
      practice: async (call, send) => {
        const nhsNumber = nhsNumberOf(call.body);
        let failed: SouthAnswer | undefined;
        try {
          const answer = await send(call);
          if (answer.status === 200) lastRecords.set(nhsNumber, answer);
          if (answer.status < 500) return answer;
          failed = answer;
        } catch (error) {
          if (!lastRecords.has(nhsNumber)) throw error;
        }
        return lastRecords.get(nhsNumber) ?? (failed as SouthAnswer);
      },
    },
    catches: { "RESILIENCE-13": /a server-side error status \(5xx\): the gateway answered 200/ },
  },
} satisfies Record<string, Fault>;
