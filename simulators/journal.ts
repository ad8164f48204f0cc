/**
 * The journal: every request a simulator receives, so a scenario can check what the gateway did on the
 * south side, not only what it answered. Bounded: the oldest entries go first.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";

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
  readonly status: number;
  readonly latencyMs: number;
}

export interface JournalFilter {
  readonly target?: JournalTargetKind;
  readonly ods?: string;
  readonly nhsNumber?: string;
  /** Only entries with seq greater than this. */
  readonly after?: number;
}

export const DEFAULT_JOURNAL_CAPACITY = 10_000;

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = DEFAULT_JOURNAL_CAPACITY) {}

  record(entry: Omit<JournalEntry, "seq">): JournalEntry {
    const full = { ...entry, seq: this.nextSeq++ };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.target === undefined || e.target === filter.target) &&
        (filter.ods === undefined || e.ods === filter.ods) &&
        (filter.nhsNumber === undefined || e.nhsNumber === filter.nhsNumber) &&
        (filter.after === undefined || e.seq > filter.after),
    );
  }

  /** The highest sequence number handed out so far (0 when empty). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  clear(): void {
    this.entries.length = 0;
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

const startTimes = new WeakMap<FastifyRequest, bigint>();

/**
 * Records every request the app answers (including errors and 404s) into the journal.
 * `nhsNumberOf` names the patient a request was about, from its params or parsed body.
 */
export function recordInJournal(
  app: FastifyInstance,
  journal: Journal,
  target: JournalTarget,
  nhsNumberOf: (request: FastifyRequest) => string | undefined = () => undefined,
): void {
  app.addHook("onRequest", async (request) => {
    startTimes.set(request, process.hrtime.bigint());
  });
  app.addHook("onResponse", async (request, reply) => {
    const started = startTimes.get(request) ?? process.hrtime.bigint();
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const [path = "", search = ""] = request.url.split("?", 2);
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(search)) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    let nhsNumber: string | undefined;
    try {
      nhsNumber = nhsNumberOf(request);
    } catch {
      nhsNumber = undefined;
    }
    journal.record({
      time: new Date(Date.now() - latencyMs).toISOString(),
      target: target.kind,
      ...(target.ods === undefined ? {} : { ods: target.ods }),
      method: request.method,
      path,
      query,
      headers,
      ...(decodeJwtClaims(request.headers.authorization) === undefined
        ? {}
        : { jwtClaims: decodeJwtClaims(request.headers.authorization) }),
      ...(nhsNumber === undefined ? {} : { nhsNumber }),
      status: reply.statusCode,
      latencyMs: Math.round(latencyMs * 1000) / 1000,
    });
  });
}
