/** Faulty gateways that handle a failing practice, PDS or SDS badly: hiding it, hanging on it, hammering it. */
import type { Fault } from "../faulty-gateway.js";

const EMPTY_BUNDLE = JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] });

export const RESILIENCE_FAULTS = {
  "hides-errors-as-empty-record": {
    defect:
      'Turns every error into an empty record, so the clinician sees "nothing recorded" instead of a problem.',
    answer: (answer) => (answer.status >= 400 ? { status: 200, body: EMPTY_BUNDLE } : answer),
    catches: {
      "CORE-01": /HTTP status 404: the gateway answered 200/,
      "CONSENT-02": /HTTP status 403: the gateway answered 200/,
      "CONSENT-03": /HTTP status 403: the gateway answered 200/,
      "CONSENT-05": /HTTP status 400: the gateway answered 200/,
      "CONSENT-06": /HTTP status 403: the gateway answered 200/,
      "CORE-02": /HTTP status 400: the gateway answered 200/,
      "RESILIENCE-01": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-02": /a server-side error status \(5xx\): the gateway answered 200/,
      "RESILIENCE-03": /a server-side error status \(5xx\): the gateway answered 200/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 30 requests failed/,
    },
  },
} satisfies Record<string, Fault>;
