/**
 * The gateway's own overhead, per request and per hop. The simulators' journal says when the gateway called
 * PDS, SDS and the practice and how long each took; a load request's south calls are found by the patient it
 * named (each load request has a patient of its own) and the time it was with the gateway. The overhead is the
 * end-to-end time (send to answer) less the time the gateway spent waiting on the simulated services along its
 * critical path: the union of its calls' intervals within the request's window, so calls made side by side are
 * not counted twice. What is left is what a supplier must fix; the rest is what the NHS side cost.
 */
import type { JournalEntry } from "../../simulators/index.js";
import { nhsNumbersAskedFor, requestNames } from "../oracle/structured-request.js";
import type { HopFigure, WaterfallFigure } from "../run-result.js";
import { type LatencySummary, summarise } from "./histogram.js";
import type { RequestRecord } from "./open-model.js";

/** A load request as the load step sent it: the engine's record and whom it was about. */
export interface LoadRequestSent {
  readonly record: RequestRecord;
  readonly nhsNumber: string;
  /** The patient's practice. */
  readonly ods: string;
}

/** One call the gateway made south for a request, in milliseconds from the request's send. */
export type Hop = HopFigure;

export interface AttributedRequest {
  readonly index: number;
  readonly nhsNumber: string;
  /** From the intended send time to the answer. */
  readonly latencyMs: number;
  /** From the actual send to the answer. */
  readonly endToEndMs: number;
  /** Time spent waiting on PDS, SDS and the practice (overlaps merged). */
  readonly southMs: number;
  /** endToEndMs less southMs: the gateway's own time. */
  readonly overheadMs: number;
  readonly ok: boolean;
  readonly status?: number;
  readonly hops: readonly Hop[];
}

/** Slack around a request's window: the journal's times are whole milliseconds. */
const SLACK_MS = 2;

/** Each request's south calls and overhead, read from the journal entries of the run. */
export function attributeRequests(
  sent: readonly LoadRequestSent[],
  journal: readonly JournalEntry[],
): AttributedRequest[] {
  const pds = journal.filter((e) => e.target === "pds");
  const sds = journal.filter((e) => e.target === "sds");
  const practices = journal.filter((e) => e.target === "practice");
  return sent.map(({ record, nhsNumber, ods }) => {
    const from = record.sentAt - SLACK_MS;
    const to = record.endedAt + SLACK_MS;
    const within = (e: JournalEntry) => {
      const at = Date.parse(e.time);
      return at >= from && at <= to;
    };
    const hops = [
      ...pds.filter((e) => within(e) && requestNames(e, nhsNumber)),
      ...sds.filter((e) => within(e) && requestNames(e, ods)),
      ...practices.filter((e) => within(e) && nhsNumbersAskedFor(e.body).includes(nhsNumber)),
    ]
      .map((e) => hopOf(e, record.sentAt))
      .sort((a, b) => a.startMs - b.startMs);
    const endToEndMs = record.endedAt - record.sentAt;
    const southMs = mergedLength(
      hops.map((h) => [h.startMs, h.startMs + h.ms] as const),
      endToEndMs,
    );
    return {
      index: record.index,
      nhsNumber,
      latencyMs: record.latencyMs,
      endToEndMs,
      southMs,
      overheadMs: Math.max(0, endToEndMs - southMs),
      ok: record.ok,
      ...(record.status === undefined ? {} : { status: record.status }),
      hops,
    };
  });
}

function hopOf(e: JournalEntry, sentAt: number): Hop {
  return {
    target: e.target,
    ...(e.ods === undefined ? {} : { ods: e.ods }),
    startMs: round(Date.parse(e.time) - sentAt),
    ms: round(e.latencyMs),
    status: e.status,
  };
}

/** The length of the union of the intervals, each clipped to [0, end]. */
export function mergedLength(intervals: ReadonlyArray<readonly [number, number]>, end: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(0, a), Math.min(end, b)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let runFrom = Number.NEGATIVE_INFINITY;
  let runTo = Number.NEGATIVE_INFINITY;
  for (const [a, b] of clipped) {
    if (a > runTo) {
      if (runTo > runFrom) total += runTo - runFrom;
      runFrom = a;
      runTo = b;
    } else runTo = Math.max(runTo, b);
  }
  if (runTo > runFrom) total += runTo - runFrom;
  return total;
}

/** One of the slowest requests, with its hops: where the time went. */
export type Waterfall = WaterfallFigure;

export interface OverheadFigures {
  /** Send to answer, per request. */
  readonly endToEnd: LatencySummary;
  /** The gateway's own time, per request. */
  readonly overhead: LatencySummary;
  /** Each kind of south call's own time, over the calls made. */
  readonly hops: {
    readonly pds: LatencySummary;
    readonly sds: LatencySummary;
    readonly practice: LatencySummary;
  };
  readonly slowest: readonly Waterfall[];
}

export function overheadFigures(requests: readonly AttributedRequest[], slowest = 5): OverheadFigures {
  const hopsOf = (target: Hop["target"]) =>
    summarise(requests.flatMap((r) => r.hops.filter((h) => h.target === target).map((h) => h.ms)));
  return {
    endToEnd: summarise(requests.map((r) => r.endToEndMs)),
    overhead: summarise(requests.map((r) => r.overheadMs)),
    hops: { pds: hopsOf("pds"), sds: hopsOf("sds"), practice: hopsOf("practice") },
    slowest: [...requests]
      .sort((a, b) => b.latencyMs - a.latencyMs)
      .slice(0, slowest)
      .map((r) => ({
        nhsNumber: r.nhsNumber,
        latencyMs: round(r.latencyMs),
        endToEndMs: round(r.endToEndMs),
        overheadMs: round(r.overheadMs),
        ...(r.status === undefined ? {} : { status: r.status }),
        hops: r.hops,
      })),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
