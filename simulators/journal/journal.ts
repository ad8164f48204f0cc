/**
 * The journal: every request a simulator receives, so a scenario can check what the gateway did on the
 * south side, not only what it answered. Bounded: when full, the oldest entries go first, and the journal
 * says how many it dropped. What a simulator's app does to fill it is in recording.ts.
 */
import type { AppliedFault } from "../faults/faults.js";

export type JournalTargetKind = "pds" | "sds" | "practice";

export interface JournalTarget {
  readonly kind: JournalTargetKind;
  /** The practice's ODS code, for practice targets. */
  readonly ods?: string;
}

export interface JournalEntry {
  /** Monotonic sequence number within the region. */
  readonly seq: number;
  /** ISO timestamp when the request arrived. */
  readonly time: string;
  readonly target: JournalTargetKind;
  readonly ods?: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  /** Request headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** Claims of the bearer JWT, decoded (not verified), when one was sent and could be decoded. */
  readonly jwtClaims?: Record<string, unknown>;
  /** The patient the request was about, when it named one. */
  readonly nhsNumber?: string;
  /** Names of the FHIR Parameters the body carried (a practice's structured-record request), in order. */
  readonly parameters?: string[];
  /**
   * The request's body as the simulator parsed it (JSON), when it had one: the evidence itself, for readers
   * who decode what the gateway sent with their own code rather than trust `nhsNumber` and `parameters`.
   */
  readonly body?: unknown;
  /** The HTTP status answered; 0 when the connection ended without an answer (hang, reset, client gone). */
  readonly status: number;
  readonly latencyMs: number;
  /** The fault the request met, when one was set on the target and picked this request. */
  readonly fault?: AppliedFault;
}

export interface JournalFilter {
  readonly target?: JournalTargetKind;
  /** A practice's ODS code. */
  readonly ods?: string;
  readonly nhsNumber?: string;
  /** Only entries with seq greater than this. */
  readonly after?: number;
  /** Only requests that arrived at or after this ISO time. */
  readonly since?: string;
  /** Only requests that arrived before this ISO time. */
  readonly until?: string;
}

export interface JournalStats {
  /** Most entries held at once. */
  readonly capacity: number;
  /** Entries dropped for lack of room since the journal was started or last cleared. */
  readonly dropped: number;
  /** Entries held now. */
  readonly size: number;
}

export const DEFAULT_JOURNAL_CAPACITY = 10_000;
export const MAX_JOURNAL_CAPACITY = 10_000_000;

/**
 * A request as the hooks keep it: references and numbers, cheap to take on every request. The copies a
 * JournalEntry holds (headers, query, ISO time, parameter names) are made when the journal is read.
 */
export interface RecordedRequest {
  /** Given by the journal when it holds the request. */
  seq: number;
  readonly arrivedMs: number;
  readonly target: JournalTarget;
  readonly method: string;
  readonly url: string;
  /** Shared with other entries of the same app when their values are the same (see keptHeaders). */
  readonly headers: Readonly<Record<string, string>>;
  readonly jwtClaims: Record<string, unknown> | undefined;
  readonly nhsNumber: string | undefined;
  /** The parsed body, for its parameter names; request bodies are never mutated once parsed. */
  readonly body: unknown;
  readonly status: number;
  readonly latencyMs: number;
  readonly fault: AppliedFault | undefined;
}

type Held = JournalEntry | RecordedRequest;

const isRecordedRequest = (held: Held): held is RecordedRequest => "arrivedMs" in held;

export class Journal {
  /** A ring: `start` is the oldest entry once the buffer is full. */
  private readonly entries: Held[] = [];
  private start = 0;
  private nextSeq = 1;
  private droppedCount = 0;
  readonly capacity: number;

  constructor(capacity = DEFAULT_JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_JOURNAL_CAPACITY) {
      throw new RangeError(
        `journal capacity must be a whole number from 1 to ${MAX_JOURNAL_CAPACITY}, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  record(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const full: JournalEntry = { ...entry, seq: this.nextSeq++ };
    this.hold(full);
    return full;
  }

  /**
   * Records a request from the hooks, deferring the copies until the journal is read. The object is held
   * as it is (its seq set here), not copied: a full journal holds thousands, long enough for the garbage
   * collector to move each one, so one small object of fixed shape per request is what it costs.
   */
  recordRequest(request: RecordedRequest): void {
    request.seq = this.nextSeq++;
    this.hold(request);
  }

  private hold(held: Held): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(held);
    } else {
      this.entries[this.start] = held;
      this.start = (this.start + 1) % this.capacity;
      this.droppedCount++;
    }
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    const until = filter.until === undefined ? undefined : Date.parse(filter.until);
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const slot = (this.start + i) % this.entries.length;
      const e = this.entries[slot];
      if (e === undefined) continue;
      const recorded = isRecordedRequest(e);
      const target = recorded ? e.target.kind : e.target;
      const ods = recorded ? e.target.ods : e.ods;
      const arrivedMs = recorded ? e.arrivedMs : Date.parse(e.time);
      if (
        (filter.target === undefined || target === filter.target) &&
        (filter.ods === undefined || ods === filter.ods) &&
        (filter.nhsNumber === undefined || e.nhsNumber === filter.nhsNumber) &&
        (filter.after === undefined || e.seq > filter.after) &&
        (since === undefined || arrivedMs >= since) &&
        (until === undefined || arrivedMs < until)
      ) {
        if (recorded) {
          // Made once: later reads answer the same entry.
          const entry = journalEntryOf(e);
          this.entries[slot] = entry;
          out.push(entry);
        } else {
          out.push(e);
        }
      }
    }
    return out;
  }

  /** The highest sequence number handed out so far (0 when none). Clearing does not reset it. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  stats(): JournalStats {
    return { capacity: this.capacity, dropped: this.droppedCount, size: this.entries.length };
  }

  clear(): void {
    this.entries.length = 0;
    this.start = 0;
    this.droppedCount = 0;
  }
}

/** Decodes the claims of a bearer JWT without verifying it (GP Connect tokens are unsigned). */
export function decodeJwtClaims(authorization: string | undefined): Record<string, unknown> | undefined {
  if (!authorization?.startsWith("Bearer ")) return undefined;
  const parts = authorization.slice(7).trim().split(".");
  if (parts.length < 2 || parts[1] === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Names of the parameters of a FHIR Parameters body, or undefined for any other body. */
export function parameterNames(body: unknown): string[] | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const resource = body as { resourceType?: unknown; parameter?: unknown };
  if (resource.resourceType !== "Parameters" || !Array.isArray(resource.parameter)) return undefined;
  return resource.parameter.flatMap((p: unknown) =>
    p !== null && typeof p === "object" && typeof (p as { name?: unknown }).name === "string"
      ? [(p as { name: string }).name]
      : [],
  );
}

function journalEntryOf(recorded: RecordedRequest): JournalEntry {
  const { url, target } = recorded;
  // A copy of its own: the kept object may be shared with other entries.
  const headers: Record<string, string> = { ...recorded.headers };
  const queryStart = url.indexOf("?");
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const query: Record<string, string | string[]> = {};
  if (queryStart >= 0) {
    for (const [k, v] of new URLSearchParams(url.slice(queryStart + 1).split("?", 1)[0])) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const jwtClaims = recorded.jwtClaims ?? decodeJwtClaims(headers.authorization);
  const parameters = parameterNames(recorded.body);
  const { nhsNumber, fault } = recorded;
  return {
    time: new Date(recorded.arrivedMs).toISOString(),
    target: target.kind,
    ...(target.ods === undefined ? {} : { ods: target.ods }),
    method: recorded.method,
    path,
    query,
    headers,
    ...(jwtClaims === undefined ? {} : { jwtClaims }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(parameters === undefined ? {} : { parameters }),
    ...(recorded.body === undefined || recorded.body === null ? {} : { body: recorded.body }),
    status: recorded.status,
    latencyMs: recorded.latencyMs,
    ...(fault === undefined ? {} : { fault }),
    seq: recorded.seq,
  };
}
