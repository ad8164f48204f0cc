/**
 * Filling the journal from a simulator's fastify app: hooks that take each request as it arrives and write it
 * once, when it is answered or when its connection ends unanswered (hang, reset, truncated answers), with the
 * fault it met. Cheap on the hot path: references and numbers now, copies only when the journal is read.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppliedFault } from "../faults/faults.js";
import type { Journal, JournalTarget } from "./journal.js";

/** What is known of a request in flight, until it is written to the journal once. */
interface InFlight {
  readonly arrivedMs: number;
  /** performance.now() on arrival, for the latency. */
  readonly started: number;
  readonly request: FastifyRequest;
  readonly recorder: Recorder;
  recorded: boolean;
  fault?: AppliedFault;
  /** The status put on the wire by a fault that answers outside the framework (truncated). */
  rawStatus?: number;
  /** The bearer JWT's claims, when the handler has decoded them already (so they are not decoded twice). */
  jwtClaims?: Record<string, unknown>;
}

/** What one app's hooks write to: the journal, the target and how to name a request's patient. */
interface Recorder {
  readonly journal: Journal;
  readonly target: JournalTarget;
  readonly nhsNumberOf: (request: FastifyRequest) => string | undefined;
  /** The headers and URL the last entry kept, to share with the next when they are the same. */
  lastHeaders: Readonly<Record<string, string>> | undefined;
  lastHeaderNames: readonly string[];
  lastUrl: string;
}

/**
 * The headers to keep for a request, as the journal shows them (arrays joined). A full journal holds
 * thousands of entries: keeping each request's own header strings (a GP Connect JWT alone is a kilobyte or
 * two) costs tens of megabytes, and collector work to move them. Consecutive requests from one consumer
 * mostly carry the same values, so a value equal to the previous entry's is shared with it, and so is the
 * whole object when every value is.
 */
function keptHeaders(headers: IncomingHttpHeaders, recorder: Recorder): Readonly<Record<string, string>> {
  const last = recorder.lastHeaders;
  const lastNames = recorder.lastHeaderNames;
  let same = last !== undefined;
  let count = 0;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    // Same names in the same order, and the same values: the JSON of the entry is the same.
    if (lastNames[count++] !== name || last?.[name] !== (Array.isArray(value) ? value.join(", ") : value)) {
      same = false;
      break;
    }
  }
  if (same && last !== undefined && count === lastNames.length) return last;
  const copy: Record<string, string> = {};
  const names: string[] = [];
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    const previous = last?.[name];
    copy[name] = previous === value ? previous : value;
    names.push(name);
  }
  recorder.lastHeaders = copy;
  recorder.lastHeaderNames = names;
  return copy;
}

/**
 * A request's InFlight, on the request itself. Not a WeakMap keyed by the request: the InFlight refers back
 * to the request, and V8's young-generation collector keeps such ephemeron entries alive until a full
 * collection, so every request (a few kilobytes) was promoted to the old generation, and collection was the
 * largest cost of a cached answer.
 */
const IN_FLIGHT = Symbol("gp-harness journal: request in flight");
type TrackedRequest = IncomingMessage & { [IN_FLIGHT]?: InFlight };
const inFlight = {
  get: (request: IncomingMessage): InFlight | undefined => (request as TrackedRequest)[IN_FLIGHT],
  set: (request: IncomingMessage, state: InFlight): void => {
    (request as TrackedRequest)[IN_FLIGHT] = state;
  },
};

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

function write(state: InFlight, status: number): void {
  if (state.recorded) return;
  state.recorded = true;
  const { request, recorder } = state;
  let nhsNumber: string | undefined;
  try {
    nhsNumber = recorder.nhsNumberOf(request);
  } catch {
    nhsNumber = undefined;
  }
  const latencyMs = performance.now() - state.started;
  const url = request.url === recorder.lastUrl ? recorder.lastUrl : request.url;
  recorder.lastUrl = url;
  recorder.journal.recordRequest({
    seq: 0,
    arrivedMs: state.arrivedMs,
    target: recorder.target,
    method: request.method,
    url,
    headers: keptHeaders(request.headers, recorder),
    jwtClaims: state.jwtClaims,
    nhsNumber,
    body: keptBody(request.body),
    status,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    fault: state.fault,
  });
}

/**
 * The most of one request's body the journal keeps (as text): far more than any GP Connect, PDS or SDS request
 * carries, and small enough that a storm of large bodies cannot grow the journal past its bound in bytes
 * (capacity × this).
 */
export const JOURNAL_BODY_LIMIT = 4 * 1024;

/** The body as parsed, or, beyond the limit, its first part and how long it was. */
function keptBody(body: unknown): unknown {
  if (body === undefined || body === null) return body;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  if (text === undefined || text.length <= JOURNAL_BODY_LIMIT) return body;
  return `${text.slice(0, JOURNAL_BODY_LIMIT)}… (${text.length} characters; the rest not kept)`;
}

/** Hung, reset and truncated requests never finish an answer: they are recorded when their connection ends. */
function onResponseClose(this: ServerResponse): void {
  if (this.writableFinished) return;
  const state = inFlight.get(this.req);
  if (state !== undefined) write(state, state.rawStatus ?? 0);
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
  const recorder: Recorder = {
    journal,
    target,
    nhsNumberOf,
    lastHeaders: undefined,
    lastHeaderNames: [],
    lastUrl: "",
  };
  // Callback hooks, not async ones: they run on every request, and a promise each is measurable.
  app.addHook("onRequest", (request, reply: FastifyReply, done) => {
    inFlight.set(request.raw, {
      arrivedMs: Date.now(),
      started: performance.now(),
      request,
      recorder,
      recorded: false,
    });
    reply.raw.on("close", onResponseClose);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const state = inFlight.get(request.raw);
    if (state !== undefined) write(state, reply.statusCode);
    done();
  });
}

/**
 * Records one request, once answered, that no recording hooks saw: one the router found no route for at
 * all (a method fastify does not route) in an app that serves several targets, answered by that app's own
 * not-found handler. Call it from that handler, before sending the answer.
 */
export function recordUnroutedRequest(
  journal: Journal,
  target: JournalTarget,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const state: InFlight = {
    arrivedMs: Date.now(),
    started: performance.now(),
    request,
    recorder: {
      journal,
      target,
      nhsNumberOf: () => undefined,
      lastHeaders: undefined,
      lastHeaderNames: [],
      lastUrl: "",
    },
    recorded: false,
  };
  inFlight.set(request.raw, state);
  reply.raw.once("finish", () => write(state, reply.raw.statusCode));
  reply.raw.on("close", onResponseClose);
}
