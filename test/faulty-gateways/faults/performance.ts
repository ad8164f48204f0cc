/**
 * Faulty gateways that are correct one request at a time and fail under load: queueing what should run side by
 * side, adding time of their own, letting one practice's failure or a PDS outage outlast itself.
 */
import type { Fault } from "../faulty-gateway.js";
import type { SouthAnswer, SouthCall, SouthHook } from "../south-proxy.js";
import { anyScenarioBut } from "./record-scenarios.js";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a breaker answers instead of calling the service: 503 with an OperationOutcome. */
const BREAKER_OPEN: SouthAnswer = {
  status: 503,
  headers: { "content-type": "application/fhir+json" },
  body: JSON.stringify({
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code: "transient", diagnostics: "circuit open" }],
  }),
};

/** Practice calls one at a time, each waiting for the one before: a connection pool of one. */
function poolOfOne(): SouthHook {
  let tail: Promise<unknown> = Promise.resolve();
  return (call, send) => {
    const turn = tail.then(() => send(call));
    tail = turn.catch(() => undefined);
    return turn;
  };
}

/**
 * A circuit breaker: after `trips` failures within `windowMs` (a 5xx or no answer), it answers 503 itself for
 * `openMs` without calling the service.
 */
function breaker(trips: number, windowMs: number, openMs: number): SouthHook {
  let failures: number[] = [];
  let openUntil = 0;
  const failed = () => {
    const now = Date.now();
    failures = [...failures.filter((at) => at > now - windowMs), now];
    if (failures.length >= trips) openUntil = now + openMs;
  };
  return async (call: SouthCall, send) => {
    if (Date.now() < openUntil) return BREAKER_OPEN;
    try {
      const answer = await send(call);
      if (answer.status >= 500) failed();
      return answer;
    } catch (error) {
      failed();
      throw error;
    }
  };
}

export const PERFORMANCE_FAULTS = {
  "practice-calls-queued": {
    defect:
      "Keeps a single connection for all its practice calls, so under load each record request waits for every one before it.",
    south: { practice: poolOfOne() },
    catches: {
      "PERFORMANCE-01": /the latency met p\(95\)<4000: p\(95\) was \d+/,
      "PERFORMANCE-02": /the gateway's own overhead met p\(95\)<300/,
    },
    // Any scenario may wait behind another's slow or hanging practice, depending on which ran beside it, and
    // then fail on whichever of its checks the wait spoils first.
    mayCatch: anyScenarioBut(["PERFORMANCE-01", "PERFORMANCE-02"], /./),
  },
  "slow-own-work": {
    defect:
      "Spends 600 ms of its own on every request (an audit record written synchronously to a slow store), whatever the practice takes.",
    before: () => delay(600),
    catches: { "PERFORMANCE-02": /the gateway's own overhead met p\(95\)<300: p\(95\) was \d+/ },
  },
  "one-breaker-for-every-practice": {
    defect:
      "Has one circuit breaker for all practices, so one practice's failures stop the gateway calling any practice.",
    south: { practice: breaker(8, 2000, 1000) },
    catches: { "PERFORMANCE-03": /the error rate met rate<0\.01: [1-9]\d* of 20 requests failed/ },
    // Any scenario may meet the breaker another scenario's failing practice tripped, depending on the order, and
    // then fail on whichever of its checks that spoils first.
    mayCatch: anyScenarioBut(["PERFORMANCE-03"], /./),
  },
  "pds-breaker-stays-open": {
    defect:
      "Stops calling PDS for a minute once it has failed ten times running, so records stay unavailable long after PDS is back.",
    south: { pds: breaker(10, 60_000, 60_000) },
    catches: { "PERFORMANCE-04": /the error rate met rate<0\.01: 20 of 20 requests failed/ },
  },
} satisfies Record<string, Fault>;
