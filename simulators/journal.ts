/**
 * The journal: every request a simulator receives, so a scenario can check what the gateway did on the
 * south side, not only what it answered. Bounded: when full, the oldest entries go first, and the journal
 * says how many it dropped.
 */
import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppliedFault } from "./faults.js";

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

export class Journal {
  /** A ring: `start` is the oldest entry once the buffer is full. */
  private readonly entries: JournalEntry[] = [];
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
    if (this.entries.length < this.capacity) {
      this.entries.push(full);
    } else {
      this.entries[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
      this.droppedCount++;
    }
    return full;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    const until = filter.until === undefined ? undefined : Date.parse(filter.until);
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[(this.start + i) % this.entries.length];
      if (
        e !== undefined &&
        (filter.target === undefined || e.target === filter.target) &&
        (filter.ods === undefined || e.ods === filter.ods) &&
        (filter.nhsNumber === undefined || e.nhsNumber === filter.nhsNumber) &&
        (filter.after === undefined || e.seq > filter.after) &&
        (since === undefined || Date.parse(e.time) >= since) &&
        (until === undefined || Date.parse(e.time) < until)
      ) {
        out.push(e);
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

/** What is known of a request in flight, until it is written to the journal once. */
interface InFlight {
  readonly arrived: number;
  readonly started: bigint;
  recorded: boolean;
  fault?: AppliedFault;
  /** The status put on the wire by a fault that answers outside the framework (truncated). */
  rawStatus?: number;
  /** The bearer JWT's claims, when the handler has decoded them already (so they are not decoded twice). */
  jwtClaims?: Record<string, unknown>;
}

const inFlight = new WeakMap<IncomingMessage, InFlight>();

/** Notes the fault a request met, for its journal entry (called by the fault injection). */
export function noteFault(request: IncomingMessage, fault: AppliedFault, rawStatus?: number): void {
  const state = inFlight.get(request);
  if (state === undefined) return;
  state.fault = fault;
  if (rawStatus !== undefined) state.rawStatus = rawStatus;
}

/** Hands the journal the claims a handler decoded from this request's bearer JWT, to record as they are. */
export function noteJwtClaims(request: IncomingMessage, claims: Record<string, unknown>): void {
  const state = inFlight.get(request);
  if (state !== undefined) state.jwtClaims = claims;
}

/**
 * Records every request the app receives (errors, 404s and faulted requests included) into the journal:
 * answered ones when the answer is sent, the others when their connection ends.
 * `nhsNumberOf` names the patient a request was about, from its params or parsed body.
 */
export function recordInJournal(
  app: FastifyInstance,
  journal: Journal,
  target: JournalTarget,
  nhsNumberOf: (request: FastifyRequest) => string | undefined = () => undefined,
): void {
  const write = (request: FastifyRequest, status: number): void => {
    const state = inFlight.get(request.raw);
    if (state === undefined || state.recorded) return;
    state.recorded = true;
    journal.record(entryFor(request, target, state, status, nhsNumberOf));
  };

  app.addHook("onRequest", async (request, reply: FastifyReply) => {
    inFlight.set(request.raw, {
      arrived: Date.now(),
      started: process.hrtime.bigint(),
      recorded: false,
    });
    // Hung, reset and truncated requests never finish an answer: record them when their connection ends.
    reply.raw.once("close", () => {
      if (reply.raw.writableFinished) return;
      write(request, inFlight.get(request.raw)?.rawStatus ?? 0);
    });
  });
  app.addHook("onResponse", async (request, reply) => {
    write(request, reply.statusCode);
  });
}

function entryFor(
  request: FastifyRequest,
  target: JournalTarget,
  state: InFlight,
  status: number,
  nhsNumberOf: (request: FastifyRequest) => string | undefined,
): Omit<JournalEntry, "seq"> {
  const latencyMs = Number(process.hrtime.bigint() - state.started) / 1e6;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const queryStart = request.url.indexOf("?");
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query: Record<string, string | string[]> = {};
  if (queryStart >= 0) {
    for (const [k, v] of new URLSearchParams(request.url.slice(queryStart + 1).split("?", 1)[0])) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  let nhsNumber: string | undefined;
  try {
    nhsNumber = nhsNumberOf(request);
  } catch {
    nhsNumber = undefined;
  }
  const jwtClaims = state.jwtClaims ?? decodeJwtClaims(request.headers.authorization);
  const parameters = parameterNames(request.body);
  return {
    time: new Date(state.arrived).toISOString(),
    target: target.kind,
    ...(target.ods === undefined ? {} : { ods: target.ods }),
    method: request.method,
    path,
    query,
    headers,
    ...(jwtClaims === undefined ? {} : { jwtClaims }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(parameters === undefined ? {} : { parameters }),
    status,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    ...(state.fault === undefined ? {} : { fault: state.fault }),
  };
}
