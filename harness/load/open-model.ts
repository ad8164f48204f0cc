/**
 * The open-model engine: requests arrive on the profile's schedule whatever the gateway does, each timed from
 * its INTENDED send time, so a gateway that stalls cannot hide behind coordinated omission (a closed-model
 * tool waits for the stall to end before sending again, and never times the requests it did not send). An
 * arrival that finds the pool of requests in flight full is dropped and counted, as k6 counts
 * dropped_iterations; a send later than `lateMs` after its due time is counted late, and the scheduler's lag
 * (due time to send) is itself measured, so a busy machine shows in the figures instead of in the latencies.
 */
import type { LoadCounts } from "../run-result.js";
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
  /**
   * Below this many milliseconds before the next arrival the scheduler polls with setImmediate instead of a
   * timer (whose granularity is a millisecond): sub-millisecond sends for a core kept busy. 0: timers only.
   * Default 1.5.
   */
  readonly spinMs?: number;
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

const SPIN_MS = 1.5;

/** Runs the profile: resolves once every request sent is answered (or timed out). */
export function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  return new Promise((resolve) => new OpenModelRun(options, resolve).start());
}

/** One run of the open model: the schedule, the pool, and what was recorded. */
class OpenModelRun {
  private readonly offsets: number[];
  private readonly pool: number;
  private readonly latency = new LatencyRecorder();
  private readonly service = new LatencyRecorder();
  private readonly lag = new LatencyRecorder();
  private readonly seconds = new SecondsTable();
  private readonly requests: RequestRecord[] = [];
  private readonly counts;
  private inFlight = 0;
  private next = 0;
  private scheduleDone = false;
  private started = 0;

  constructor(
    private readonly options: OpenModelOptions,
    private readonly resolve: (result: OpenModelResult) => void,
  ) {
    this.offsets = arrivalOffsets(options.profile);
    this.pool = poolSize(options.profile);
    this.counts = { scheduled: this.offsets.length, sent: 0, succeeded: 0, failed: 0, dropped: 0, late: 0 };
  }

  start(): void {
    this.started = performance.now() + 1;
    setTimeout(() => this.tick(), 0);
  }

  /** Sends every arrival now due, then waits for the next: a timer while it is far, setImmediate when near. */
  private tick(): void {
    const { offsets, started } = this;
    if (this.options.signal?.aborted) this.next = offsets.length;
    while (this.next < offsets.length && started + offsets[this.next]! <= performance.now()) {
      this.dispatch(this.next, started + offsets[this.next]!, performance.now());
      this.next += 1;
    }
    if (this.next >= offsets.length) {
      this.scheduleDone = true;
      this.finishIfDone();
      return;
    }
    const wait = started + offsets[this.next]! - performance.now();
    const spin = this.options.spinMs ?? SPIN_MS;
    if (wait > spin) setTimeout(() => this.tick(), Math.max(0, wait - spin));
    else setImmediate(() => this.tick());
  }

  private dispatch(index: number, due: number, now: number): void {
    this.lag.record(now - due);
    if (now - due > (this.options.lateMs ?? 5)) this.counts.late += 1;
    const second = Math.floor((due - this.started) / 1000);
    if (this.inFlight >= this.pool) {
      this.counts.dropped += 1;
      this.seconds.drop(second);
      return;
    }
    this.inFlight += 1;
    this.counts.sent += 1;
    let sent: Promise<RequestOutcome>;
    try {
      sent = this.options.send(index, AbortSignal.timeout(this.options.timeoutMs ?? 60_000));
    } catch {
      sent = Promise.resolve({ ok: false });
    }
    const settle = (outcome: RequestOutcome) => this.settle(index, due, now, second, outcome);
    sent.then(settle, () => settle({ ok: false }));
  }

  private settle(index: number, due: number, sentAt: number, second: number, outcome: RequestOutcome): void {
    const ended = performance.now();
    this.latency.record(ended - due);
    this.service.record(ended - sentAt);
    if (outcome.ok) this.counts.succeeded += 1;
    else this.counts.failed += 1;
    this.seconds.answer(second, ended - due, outcome.ok);
    if (this.options.keepRequests) {
      const epoch = performance.timeOrigin;
      this.requests.push({
        index,
        intendedAt: epoch + due,
        sentAt: epoch + sentAt,
        endedAt: epoch + ended,
        latencyMs: ended - due,
        ok: outcome.ok,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
      });
    }
    this.inFlight -= 1;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (!this.scheduleDone || this.inFlight > 0) return;
    const { counts } = this;
    this.resolve({
      latency: this.latency.summary(),
      serviceTime: this.service.summary(),
      schedulingLag: this.lag.summary(),
      counts: { ...counts },
      errorRate: counts.sent === 0 ? 0 : counts.failed / counts.sent,
      pool: this.pool,
      durationMs: performance.now() - this.started,
      seconds: this.seconds.rows(),
      ...(this.options.keepRequests ? { requests: this.requests.sort((a, b) => a.index - b.index) } : {}),
    });
  }
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
