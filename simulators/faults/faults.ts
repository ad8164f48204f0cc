/**
 * The fault model: what can be wrong with a simulated service (a practice, PDS or SDS), how a fault is
 * written as JSON, how it is checked, and which requests it hits. Applying a fault to HTTP traffic is
 * `faults-injection.ts`; this module knows nothing of sockets.
 */
import { GPC_ERRORS } from "../../gpconnect/error-codes.js";
import { Random } from "../population/random.js";
import { RegionError } from "../region/errors.js";
import { PDS_ERRORS } from "../spine/pds-errors.js";
import { SDS_ERRORS } from "../spine/sds-errors.js";

/** Which kind of service a fault target is; it decides the error catalogue and the body shapes. */
export type FaultService = "pds" | "sds" | "practice";

/** Connections refused: the service's port is closed. */
export interface OfflineFault {
  readonly kind: "offline";
}
/** The connection is accepted and the request read, but no answer ever comes. */
export interface HangFault {
  readonly kind: "hang";
}
/** The normal answer, late: a fixed delay, or a log-normal one given by its median and 95th percentile. */
export type SlowFault =
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "slow"; readonly medianMs: number; readonly p95Ms: number; readonly seed?: number };
/** An HTTP error with an OperationOutcome in the service's own error catalogue. */
export interface ErrorFault {
  readonly kind: "error";
  readonly status: number;
  /** A code of the service's catalogue; by default the one that fits the status. */
  readonly code?: string;
  readonly diagnostics?: string;
}
/** 200 with a body that is not JSON. */
export interface MalformedFault {
  readonly kind: "malformed";
}
/** 200 announcing a longer body (Content-Length) than is sent, then the connection closes. */
export interface TruncatedFault {
  readonly kind: "truncated";
}
/** The connection is reset (TCP RST) after the request is read. */
export interface ResetFault {
  readonly kind: "reset";
}

/** Faults that act on one request at a time, so flapping can wrap them. */
export type RequestFault = HangFault | SlowFault | ErrorFault | MalformedFault | TruncatedFault | ResetFault;

/** Every Nth request, or each request with a seeded probability, meets the inner fault; the rest are normal. */
export type FlappingFault =
  | { readonly kind: "flapping"; readonly every: number; readonly fault: RequestFault }
  | {
      readonly kind: "flapping";
      readonly probability: number;
      readonly seed?: number;
      readonly fault: RequestFault;
    };

export type Fault = OfflineFault | RequestFault | FlappingFault;

export const FAULT_KINDS = [
  "offline",
  "hang",
  "slow",
  "error",
  "malformed",
  "truncated",
  "reset",
  "flapping",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What the journal notes about the fault a request met. */
export interface AppliedFault {
  readonly kind: RequestFault["kind"];
  /** The request met it because a flapping fault picked it. */
  readonly flapping?: true;
  /** For slow: the delay drawn. */
  readonly delayMs?: number;
  /** For error: the status answered. */
  readonly status?: number;
}

/** Longest delay a slow fault may ask for: ten minutes, beyond any gateway's budget. */
export const MAX_FAULT_DELAY_MS = 600_000;
const MAX_SEED = 2 ** 31 - 1;
const MAX_DIAGNOSTICS = 1000;

const FIELDS: Readonly<Record<FaultKind, readonly string[]>> = {
  offline: ["kind"],
  hang: ["kind"],
  slow: ["kind", "delayMs", "medianMs", "p95Ms", "seed"],
  error: ["kind", "status", "code", "diagnostics"],
  malformed: ["kind"],
  truncated: ["kind"],
  reset: ["kind"],
  flapping: ["kind", "every", "probability", "seed", "fault"],
};

/** The error codes a fault may name for each service: its own catalogue. */
export const FAULT_ERROR_CODES: Readonly<Record<FaultService, readonly string[]>> = {
  practice: Object.keys(GPC_ERRORS),
  pds: Object.keys(PDS_ERRORS),
  sds: Object.keys(SDS_ERRORS),
};

/**
 * Checks a fault given as JSON (over `/_control` or in process) and returns it typed. Every refusal is a
 * RegionError INVALID_FAULT whose message names the field, e.g. `"fault.every" must be ...`.
 */
export function parseFault(value: unknown, service: FaultService): Fault {
  return parseAt(value, service, "");
}

function parseAt(value: unknown, service: FaultService, prefix: string): Fault {
  const field = (name: string) => `"${prefix}${name}"`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid(
      `${prefix === "" ? "a fault" : `"${prefix.slice(0, -1)}"`} must be a JSON object with a "kind"`,
    );
  }
  const body = value as Record<string, unknown>;
  const kind = body.kind;
  if (typeof kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw invalid(`${field("kind")} must be one of ${FAULT_KINDS.join(", ")}, got ${describe(kind)}`);
  }
  const known = FIELDS[kind as FaultKind];
  for (const name of Object.keys(body)) {
    if (!known.includes(name)) {
      throw invalid(`${field(name)} is not a field of a ${kind} fault (its fields: ${known.join(", ")})`);
    }
  }
  switch (kind as FaultKind) {
    case "offline":
    case "hang":
    case "malformed":
    case "truncated":
    case "reset":
      return { kind } as Fault;
    case "slow":
      return parseSlow(body, field);
    case "error":
      return parseError(body, service, field);
    case "flapping":
      return parseFlapping(body, service, prefix, field);
  }
}

function parseSlow(body: Record<string, unknown>, field: (name: string) => string): SlowFault {
  const fixed = body.delayMs !== undefined;
  const distributed = body.medianMs !== undefined || body.p95Ms !== undefined;
  if (fixed === distributed) {
    throw invalid(
      `a slow fault needs either ${field("delayMs")} (fixed) or ${field("medianMs")} and ${field("p95Ms")} (log-normal), not ${fixed ? "both" : "neither"}`,
    );
  }
  if (fixed) {
    if (body.seed !== undefined) throw invalid(`${field("seed")} only applies to a log-normal slow fault`);
    return { kind: "slow", delayMs: milliseconds(body.delayMs, field("delayMs"), 0) };
  }
  const medianMs = milliseconds(body.medianMs, field("medianMs"), 1);
  const p95Ms = milliseconds(body.p95Ms, field("p95Ms"), 1);
  if (p95Ms < medianMs) {
    throw invalid(`${field("p95Ms")} (${p95Ms}) must be at least ${field("medianMs")} (${medianMs})`);
  }
  const seed = optionalSeed(body.seed, field("seed"));
  return { kind: "slow", medianMs, p95Ms, ...(seed === undefined ? {} : { seed }) };
}

function parseError(
  body: Record<string, unknown>,
  service: FaultService,
  field: (name: string) => string,
): ErrorFault {
  const status = body.status;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
    throw invalid(`${field("status")} must be an HTTP error status from 400 to 599, got ${describe(status)}`);
  }
  const codes = FAULT_ERROR_CODES[service];
  if (body.code !== undefined && (typeof body.code !== "string" || !codes.includes(body.code))) {
    throw invalid(
      `${field("code")} must be an error code of the ${serviceName(service)} catalogue (${codes.join(", ")}), got ${describe(body.code)}`,
    );
  }
  if (
    body.diagnostics !== undefined &&
    (typeof body.diagnostics !== "string" || body.diagnostics.length > MAX_DIAGNOSTICS)
  ) {
    throw invalid(`${field("diagnostics")} must be a string of at most ${MAX_DIAGNOSTICS} characters`);
  }
  return {
    kind: "error",
    status,
    ...(body.code === undefined ? {} : { code: body.code as string }),
    ...(body.diagnostics === undefined ? {} : { diagnostics: body.diagnostics as string }),
  };
}

function parseFlapping(
  body: Record<string, unknown>,
  service: FaultService,
  prefix: string,
  field: (name: string) => string,
): FlappingFault {
  const inner = parseAt(body.fault, service, `${prefix}fault.`);
  if (inner.kind === "offline" || inner.kind === "flapping") {
    throw invalid(
      `${field("fault.kind")} cannot be ${inner.kind} inside flapping: ${
        inner.kind === "offline"
          ? "a refused connection is decided before any request arrives (use reset)"
          : "flapping does not nest"
      }`,
    );
  }
  const byCount = body.every !== undefined;
  const byChance = body.probability !== undefined;
  if (byCount === byChance) {
    throw invalid(
      `a flapping fault needs either ${field("every")} (every Nth request) or ${field("probability")} (0 to 1), not ${byCount ? "both" : "neither"}`,
    );
  }
  if (byCount) {
    const every = body.every;
    if (typeof every !== "number" || !Number.isInteger(every) || every < 1 || every > 1_000_000) {
      throw invalid(`${field("every")} must be a whole number from 1 to 1000000, got ${describe(every)}`);
    }
    if (body.seed !== undefined) throw invalid(`${field("seed")} only applies with ${field("probability")}`);
    return { kind: "flapping", every, fault: inner };
  }
  const probability = body.probability;
  if (typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
    throw invalid(`${field("probability")} must be a number from 0 to 1, got ${describe(probability)}`);
  }
  const seed = optionalSeed(body.seed, field("seed"));
  return { kind: "flapping", probability, ...(seed === undefined ? {} : { seed }), fault: inner };
}

function milliseconds(value: unknown, name: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_FAULT_DELAY_MS) {
    throw invalid(
      `${name} must be a whole number of milliseconds from ${min} to ${MAX_FAULT_DELAY_MS}, got ${describe(value)}`,
    );
  }
  return value;
}

function optionalSeed(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw invalid(`${name} must be a whole number from 0 to ${MAX_SEED}, got ${describe(value)}`);
  }
  return value;
}

function serviceName(service: FaultService): string {
  return service === "practice" ? "GP Connect" : service.toUpperCase();
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function invalid(message: string): RegionError {
  return new RegionError("INVALID_FAULT", message);
}

/** Draws delays from a log-normal distribution with the given median and 95th percentile. */
export class LogNormalDelay {
  private readonly mu: number;
  private readonly sigma: number;
  private readonly random: Random;

  constructor(medianMs: number, p95Ms: number, ...seed: number[]) {
    this.mu = Math.log(medianMs);
    // The 95th percentile of a standard normal is 1.645 standard deviations above the median.
    this.sigma = Math.log(p95Ms / medianMs) / 1.6448536;
    this.random = new Random(...seed);
  }

  next(): number {
    // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - this.random.next();
    const v = this.random.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.min(MAX_FAULT_DELAY_MS, Math.round(Math.exp(this.mu + this.sigma * normal)));
  }
}

/** A decision for one request: which fault it meets (and the delay drawn for slow), if any. */
export interface FaultDecision {
  readonly fault: RequestFault;
  readonly applied: AppliedFault;
}

/** Distinguishes the random streams drawn from one seed. */
const SLOW_STREAM = 0x510;
const FLAPPING_STREAM = 0xf1a;

/**
 * A fault as set on one target, with the state it needs to decide request by request: the count of
 * requests since it was set (every Nth) and its seeded random streams (probability, log-normal delay).
 * Setting a fault again starts afresh, so the same fault and seed hit the same requests.
 */
export class ActiveFault {
  private requests = 0;
  private readonly chance: Random | undefined;
  private readonly delays: LogNormalDelay | undefined;

  constructor(readonly fault: Fault) {
    this.chance =
      fault.kind === "flapping" && "probability" in fault
        ? new Random(fault.seed ?? 1, FLAPPING_STREAM)
        : undefined;
    const slow = fault.kind === "flapping" ? fault.fault : fault;
    this.delays =
      slow.kind === "slow" && "medianMs" in slow
        ? new LogNormalDelay(slow.medianMs, slow.p95Ms, slow.seed ?? 1, SLOW_STREAM)
        : undefined;
  }

  /** The fault the next request meets, or undefined when it is to be answered normally. */
  next(): FaultDecision | undefined {
    this.requests++;
    const fault = this.fault;
    if (fault.kind === "offline") return undefined;
    if (fault.kind !== "flapping") return this.decide(fault, false);
    const hit =
      "every" in fault ? this.requests % fault.every === 0 : (this.chance?.next() ?? 1) < fault.probability;
    return hit ? this.decide(fault.fault, true) : undefined;
  }

  private decide(fault: RequestFault, flapping: boolean): FaultDecision {
    const delayMs =
      fault.kind === "slow" ? ("delayMs" in fault ? fault.delayMs : (this.delays?.next() ?? 0)) : undefined;
    return {
      fault,
      applied: {
        kind: fault.kind,
        ...(flapping ? { flapping: true } : {}),
        ...(delayMs === undefined ? {} : { delayMs }),
        ...(fault.kind === "error" ? { status: fault.status } : {}),
      },
    };
  }
}
