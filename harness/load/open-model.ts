/**
 * The open-model engine: requests arrive on the profile's schedule whatever the gateway does, each timed from
 * its INTENDED send time, so a gateway that stalls cannot hide behind coordinated omission (a closed-model
 * tool waits for the stall to end before sending again, and never times the requests it did not send). An
 * arrival that finds the pool of requests in flight full is dropped and counted, as k6 counts
 * dropped_iterations; a send later than `lateMs` after its due time is counted late, and the scheduler's lag
 * (due time to send) is itself measured, so a busy machine shows in the figures instead of in the latencies.
 */
import { LatencyRecorder, type LatencySummary } from "./histogram.js";
import { type ArrivalProfile, arrivalOffsets, poolSize } from "./profile.js";

/** What became of one request, as the caller's `send` reports it. */
export interface RequestOutcome {
  /** The request did what was asked (a 2xx answer, or whatever the caller counts as success). */
  readonly ok: boolean;
  readonly status?: number;
}

/** Sends request number `index`; `signal` aborts it at the request timeout. */
export type SendRequest = (index: number, signal: AbortSignal) => Promise<RequestOutcome>;

export interface OpenModelOptions {
  readonly profile: ArrivalProfile;
  readonly send: SendRequest;
  /** A send more than this after its due time counts as late (default 5 ms). */
  readonly lateMs?: number;
  /** A request not answered within this is aborted and counted as failed (default 60 s). */
  readonly timeoutMs?: number;
  /** Keep a record of every request (for per-hop attribution); off for long runs. */
  readonly keepRequests?: boolean;
  /** Stops the schedule: arrivals not yet due are not sent. */
  readonly signal?: AbortSignal;
}

/** One request, in wall-clock milliseconds since the epoch (fractional). */
export interface RequestRecord {
  readonly index: number;
  readonly intendedAt: number;
  readonly sentAt: number;
  readonly endedAt: number;
  /** From the intended send time to the answer. */
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly status?: number;
}

/** One second of the run (by intended send time). */
export interface LoadSecond {
  readonly second: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

export interface LoadCounts {
  /** Arrivals the schedule asked for. */
  readonly scheduled: number;
  readonly sent: number;
  /** Answered as the caller counts success. */
  readonly succeeded: number;
  /** Answered otherwise, timed out, or the connection failed. */
  readonly failed: number;
  /** Not sent: the pool of requests in flight was full at the due time. */
  readonly dropped: number;
  /** Sent, but later than `lateMs` after the due time. */
  readonly late: number;
}

export interface OpenModelResult {
  /** From each request's intended send time to its answer: what a clinician waiting would have seen. */
  readonly latency: LatencySummary;
  /** From the actual send to the answer (what a closed-model tool reports). */
  readonly serviceTime: LatencySummary;
  /** The scheduler's own lag: due time to send. */
  readonly schedulingLag: LatencySummary;
  readonly counts: LoadCounts;
  /** failed / sent (0 when nothing was sent). */
  readonly errorRate: number;
  readonly pool: number;
  readonly durationMs: number;
  readonly seconds: readonly LoadSecond[];
  readonly requests?: readonly RequestRecord[];
}

/** Below this, the scheduler yields with setImmediate instead of a timer, whose granularity is a millisecond. */
const SPIN_MS = 1.5;

/** Runs the profile: resolves once every request sent is answered (or timed out). */
export function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  const offsets = arrivalOffsets(options.profile);
  const pool = poolSize(options.profile);
  const lateMs = options.lateMs ?? 5;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const latency = new LatencyRecorder();
  const service = new LatencyRecorder();
  const lag = new LatencyRecorder();
  const seconds = new SecondsTable();
  const requests: RequestRecord[] = [];
  const counts = { scheduled: offsets.length, sent: 0, succeeded: 0, failed: 0, dropped: 0, late: 0 };
  const epoch = performance.timeOrigin;
  let inFlight = 0;
  let next = 0;
  let scheduleDone = false;
  const started = performance.now() + 1;

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (!scheduleDone || inFlight > 0) return;
      resolve({
        latency: latency.summary(),
        serviceTime: service.summary(),
        schedulingLag: lag.summary(),
        counts: { ...counts },
        errorRate: counts.sent === 0 ? 0 : counts.failed / counts.sent,
        pool,
        durationMs: performance.now() - started,
        seconds: seconds.rows(),
        ...(options.keepRequests ? { requests: requests.sort((a, b) => a.index - b.index) } : {}),
      });
    };
    const dispatch = (index: number, due: number, now: number) => {
      lag.record(now - due);
      if (now - due > lateMs) counts.late += 1;
      const second = Math.floor((due - started) / 1000);
      if (inFlight >= pool) {
        counts.dropped += 1;
        seconds.drop(second);
        return;
      }
      inFlight += 1;
      counts.sent += 1;
      const settle = (outcome: RequestOutcome) => {
        const ended = performance.now();
        latency.record(ended - due);
        service.record(ended - now);
        if (outcome.ok) counts.succeeded += 1;
        else counts.failed += 1;
        seconds.answer(second, ended - due, outcome.ok);
        if (options.keepRequests)
          requests.push({
            index,
            intendedAt: epoch + due,
            sentAt: epoch + now,
            endedAt: epoch + ended,
            latencyMs: ended - due,
            ok: outcome.ok,
            ...(outcome.status === undefined ? {} : { status: outcome.status }),
          });
        inFlight -= 1;
        finishIfDone();
      };
      let sent: Promise<RequestOutcome>;
      try {
        sent = options.send(index, AbortSignal.timeout(timeoutMs));
      } catch {
        sent = Promise.resolve({ ok: false });
      }
      sent.then(settle, () => settle({ ok: false }));
    };
    const tick = () => {
      const now = performance.now();
      if (options.signal?.aborted) next = offsets.length;
      while (next < offsets.length && started + offsets[next]! <= now) {
        dispatch(next, started + offsets[next]!, performance.now());
        next += 1;
      }
      if (next >= offsets.length) {
        scheduleDone = true;
        finishIfDone();
        return;
      }
      const wait = started + offsets[next]! - performance.now();
      if (wait > SPIN_MS) setTimeout(tick, wait - SPIN_MS);
      else setImmediate(tick);
    };
    setTimeout(tick, 0);
  });
}

/** Per-second counts and latencies, by intended send time. */
class SecondsTable {
  private readonly table = new Map<
    number,
    { sent: number; failed: number; dropped: number; sum: number; max: number }
  >();

  private row(second: number) {
    let row = this.table.get(second);
    if (row === undefined) {
      row = { sent: 0, failed: 0, dropped: 0, sum: 0, max: 0 };
      this.table.set(second, row);
    }
    return row;
  }

  drop(second: number): void {
    this.row(second).dropped += 1;
  }

  answer(second: number, ms: number, ok: boolean): void {
    const row = this.row(second);
    row.sent += 1;
    if (!ok) row.failed += 1;
    row.sum += ms;
    row.max = Math.max(row.max, ms);
  }

  rows(): LoadSecond[] {
    return [...this.table.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, row]) => ({
        second,
        sent: row.sent,
        failed: row.failed,
        dropped: row.dropped,
        meanMs: row.sent === 0 ? 0 : Math.round((row.sum / row.sent) * 10) / 10,
        maxMs: Math.round(row.max * 10) / 10,
      }));
  }
}
