/**
 * One HTTP exchange with a south service (PDS, SDS or a practice), reduced to what happened: an answer, no
 * connection, an answer cut off, or no answer in time. `callSouth` makes the exchange within the request's
 * budget, retries transient failures a bounded number of times, and turns a failed one into the 502/504
 * OperationOutcome that names the service (never its address, nor the transport's own message).
 */
import { setTimeout as pause } from "node:timers/promises";
import { type Dispatcher, request } from "undici";
import { RequestBudget } from "./budget.js";
import type { GatewayConfig } from "./config.js";
import { type GatewayError, southBadAnswer, southTimeout, southUnreachable } from "./outcomes.js";

export interface SouthRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Budget for the whole exchange, connection to last byte of the answer. */
  readonly timeoutMs: number;
  /** Answers larger than this are refused rather than buffered without bound. */
  readonly maxAnswerBytes: number;
}

export type SouthExchange =
  | {
      readonly kind: "answered";
      readonly status: number;
      readonly contentType: string;
      readonly text: string;
    }
  | { readonly kind: "unreachable"; readonly reason: string }
  /** The status line arrived, then the connection failed before the whole body did. */
  | { readonly kind: "cut-off"; readonly status: number }
  | { readonly kind: "timeout" }
  | { readonly kind: "too-large" };

export async function exchangeWithSouth(dispatcher: Dispatcher, south: SouthRequest): Promise<SouthExchange> {
  // One signal covers connect, headers and body, so a practice that trickles bytes cannot outlast the budget.
  const signal = AbortSignal.timeout(south.timeoutMs);
  let status: number | undefined;
  try {
    const answer = await request(south.url, {
      dispatcher,
      method: south.method,
      headers: south.headers,
      ...(south.body === undefined ? {} : { body: south.body }),
      signal,
    });
    status = answer.statusCode;
    const text = await readAtMost(answer.body, south.maxAnswerBytes);
    if (text === undefined) return { kind: "too-large" };
    const contentType = answer.headers["content-type"];
    return {
      kind: "answered",
      status: answer.statusCode,
      contentType: typeof contentType === "string" ? contentType : "",
      text,
    };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout" };
    if (status !== undefined) return { kind: "cut-off", status };
    return { kind: "unreachable", reason: transportFailureReason(error) };
  }
}

export type SouthAnswer = Extract<SouthExchange, { kind: "answered" }>;

export interface SouthCall extends SouthRequest {
  /** How diagnostics name the service: "PDS", "Practice A81001" (never its address). */
  readonly service: string;
}

export interface RetryPolicy {
  readonly budget: RequestBudget;
  /** Further attempts after a transient failure. */
  readonly retries: number;
}

/** A fresh budget of the configured size, with the configured retries: one north request's policy. */
export function southPolicy(config: Pick<GatewayConfig, "requestBudgetMs" | "southRetries">): RetryPolicy {
  return { budget: new RequestBudget(config.requestBudgetMs), retries: config.southRetries };
}

/** First pause before a retry; doubled for each further one. Small: a clinician is waiting. */
const FIRST_BACKOFF_MS = 50;

/**
 * The service's answer, within the request's budget. Retried, at most `retries` times and only while the
 * budget lasts: a connection refused or reset before any answer, and a 502 or 503 (the service or a proxy
 * saying "not now"). Never retried: any other answer (a 4xx is the service's word; a 200 is the record), an
 * answer cut off after its status arrived, and a timeout (the budget is spent). Retrying is safe for every
 * south call: PDS and SDS are GETs, and the structured-record POST is a read-only FHIR operation.
 */
export async function callSouth(
  dispatcher: Dispatcher,
  call: SouthCall,
  policy: RetryPolicy,
): Promise<SouthAnswer> {
  for (let attempt = 0; ; attempt++) {
    const left = policy.budget.remainingMs();
    if (left <= 0) throw budgetSpent(call.service, policy.budget);
    const timeoutMs = Math.min(call.timeoutMs, left);
    const exchange = await exchangeWithSouth(dispatcher, { ...call, timeoutMs });
    const backoffMs = FIRST_BACKOFF_MS * 2 ** attempt;
    const retry =
      isTransient(exchange) && attempt < policy.retries && backoffMs < policy.budget.remainingMs();
    if (!retry) {
      if (exchange.kind === "answered") return exchange;
      if (exchange.kind === "timeout" && timeoutMs < call.timeoutMs) {
        throw budgetSpent(call.service, policy.budget);
      }
      throw southFailure(exchange, call.service, timeoutMs);
    }
    await pause(backoffMs);
  }
}

const TRANSIENT_REASONS = new Set(["connection refused", "connection reset", "connection closed"]);

function isTransient(exchange: SouthExchange): boolean {
  if (exchange.kind === "unreachable") return TRANSIENT_REASONS.has(exchange.reason);
  return exchange.kind === "answered" && (exchange.status === 502 || exchange.status === 503);
}

function budgetSpent(service: string, budget: RequestBudget): GatewayError {
  return southTimeout(`The gateway's time budget of ${budget.totalMs} ms ran out waiting for ${service}`);
}

function southFailure(
  exchange: Exclude<SouthExchange, SouthAnswer>,
  service: string,
  timeoutMs: number,
): GatewayError {
  switch (exchange.kind) {
    case "unreachable":
      return southUnreachable(`${service} could not be reached (${exchange.reason})`);
    case "cut-off":
      return southBadAnswer(`${service} answered HTTP ${exchange.status}, then its answer was cut off`);
    case "timeout":
      return southTimeout(`${service} did not answer within ${timeoutMs} ms`);
    case "too-large":
      return southBadAnswer(`${service} answered more than the gateway accepts`);
  }
}

async function readAtMost(
  body: Dispatcher.ResponseData["body"],
  maxBytes: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Socket-level codes worth naming; anything else is "connection failed", as messages can carry addresses. */
const NAMED_TRANSPORT_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  UND_ERR_SOCKET: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EHOSTUNREACH: "host unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
};

function transportFailureReason(error: unknown): string {
  if (!(error instanceof Error)) return "connection failed";
  const codes = [
    (error as Error & { code?: unknown }).code,
    (error.cause as { code?: unknown } | undefined)?.code,
  ];
  // The cause's code is the more specific one (undici wraps ECONNRESET in UND_ERR_SOCKET).
  for (const code of codes.reverse()) {
    if (typeof code === "string" && Object.hasOwn(NAMED_TRANSPORT_CODES, code))
      return NAMED_TRANSPORT_CODES[code] ?? code;
  }
  return "connection failed";
}
