/**
 * One HTTP exchange with the gateway, north: sent through the consumer's own connection pool (with the
 * manifest's TLS settings), bounded by the request budget, recorded as evidence with its secrets removed, and
 * reduced to what a scenario reads — an answer, or a description of why there was none.
 */
import { createHash } from "node:crypto";
import { Agent, type Dispatcher, request } from "undici";
import type { NorthExchange } from "../run-result.js";
import {
  type AnswerLimits,
  DEFAULT_ANSWER_LIMITS,
  formatBytes,
  jsonProblem,
  readBounded,
} from "./answer-reading.js";
import type { ResolvedTls } from "./profile.js";
import { describeTlsFailure } from "./tls-failures.js";

/** What the gateway answered, as scenarios read it. */
export interface GatewayAnswer {
  /** 0 when no HTTP answer came (see `error`). */
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly text: string;
  readonly error?: string;
  /**
   * Why the answer cannot be read as it is, though it came (too large, not UTF-8, nested too deep, a member
   * named twice...): its body is then undefined and `text` holds at most what was read.
   */
  readonly problem?: string;
  readonly elapsedMs: number;
  /** Set when a consumer adapter made the answer from the gateway's own API: its headers are not GP Connect's. */
  readonly throughAdapter?: true;
}

export interface NorthRequest {
  readonly method: string;
  /** Without credentials: the Authorization header carries them. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** A JSON value (sent as JSON) or text (sent as it is). */
  readonly body?: unknown;
}

export interface NorthHttpOptions {
  readonly tls: ResolvedTls | undefined;
  readonly timeoutMs: number;
  /** Cancels requests under way (the run was interrupted). */
  readonly signal?: AbortSignal;
  /** Every exchange, already redacted. */
  readonly onExchange: (exchange: NorthExchange) => void;
  /** Removes secrets from an exchange before it leaves as evidence. */
  readonly redact: <T>(value: T) => T;
  /** How much of an answer is read, and how deep it may be (default DEFAULT_ANSWER_LIMITS). */
  readonly limits?: AnswerLimits;
}

/** Response bodies that are not JSON are kept in evidence up to this length (the rest noted, with a digest). */
export const EVIDENCE_TEXT_LIMIT = 4_000;
/** JSON bodies up to this size are kept whole in evidence; larger ones as their first part, noted. */
export const EVIDENCE_JSON_LIMIT = 2 * 1024 * 1024;

/** The longest a diagnostic connection after a TLS failure may take. */
const TLS_PROBE_BUDGET_MS = 2_000;

/**
 * How long a connection to the gateway is kept idle for the next request, when the gateway does not say how
 * long it keeps one (a `Keep-Alive: timeout=…` header; with one, the gateway's word less a margin). Shorter
 * than common servers' own idle limits (gunicorn closes after 2 s without saying so): a request written into a
 * connection the gateway is closing at that moment fails as if the gateway had dropped it, a failure that
 * would be the harness's and not the gateway's.
 */
export const IDLE_CONNECTION_MS = 1_000;

/** The connections to gateways spoken to without TLS settings: one pool for every consumer, never closed. */
const plainPool = new Agent({ keepAliveTimeout: IDLE_CONNECTION_MS });

export class NorthHttp {
  /** Only with TLS settings; otherwise the shared plain pool. */
  private readonly dispatcher: Agent | undefined;

  constructor(private readonly options: NorthHttpOptions) {
    const tls = options.tls;
    this.dispatcher =
      tls === undefined
        ? undefined
        : new Agent({
            keepAliveTimeout: IDLE_CONNECTION_MS,
            connect: {
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              ...(tls.cert === undefined ? {} : { cert: tls.cert }),
              ...(tls.key === undefined ? {} : { key: tls.key }),
              ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
              ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
            },
          });
  }

  async exchange(north: NorthRequest): Promise<GatewayAnswer> {
    const started = performance.now();
    const evidence = { method: north.method, url: north.url, headers: north.headers, body: north.body };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal =
      this.options.signal === undefined ? timeout : AbortSignal.any([timeout, this.options.signal]);
    try {
      const response = await request(north.url, {
        method: north.method as Dispatcher.HttpMethod,
        headers: north.headers,
        ...(north.body === undefined ? {} : { body: bodyText(north.body) }),
        dispatcher: this.dispatcher ?? plainPool,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal,
      });
      const limits = this.options.limits ?? DEFAULT_ANSWER_LIMITS;
      const declared = Number(response.headers["content-length"]);
      const read = await readBounded(
        response.body,
        limits,
        Number.isSafeInteger(declared) ? declared : undefined,
      );
      const elapsedMs = performance.now() - started;
      const headers = flattenHeaders(response.headers);
      const looksLikeJson = /^\s*[[{]/.test(read.text);
      const problem = read.problem ?? (looksLikeJson ? jsonProblem(read.text, limits.maxDepth) : undefined);
      const parsed = problem === undefined ? parseJson(read.text) : undefined;
      this.record({
        request: evidence,
        response: { status: response.statusCode, headers, ...evidenceOf(read.text, read.bytes, parsed) },
        elapsedMs,
      });
      return {
        status: response.statusCode,
        headers,
        body: parsed,
        text: read.text,
        ...(problem === undefined ? {} : { problem }),
        elapsedMs,
      };
    } catch (cause) {
      const error = await this.describe(cause, north.url, timeout);
      const elapsedMs = performance.now() - started;
      this.record({ request: evidence, error, elapsedMs });
      return { status: 0, headers: {}, body: undefined, text: "", error, elapsedMs };
    }
  }

  /** Ends the pool's connections, and any request still under way (its scenario is over). */
  async close(): Promise<void> {
    await this.dispatcher?.destroy();
  }

  private record(exchange: NorthExchange): void {
    this.options.onExchange(this.options.redact(exchange));
  }

  private async describe(cause: unknown, url: string, timeout: AbortSignal): Promise<string> {
    if (timeout.aborted || isTimeout(cause)) return `no answer within ${this.options.timeoutMs} ms`;
    if (this.options.signal?.aborted) return "the request was cancelled (the run was interrupted)";
    const tls = await describeTlsFailure(cause, {
      url: new URL(url),
      tls: this.options.tls,
      budgetMs: Math.min(TLS_PROBE_BUDGET_MS, this.options.timeoutMs),
    });
    return tls ?? describeTransportError(cause);
  }
}

/**
 * An answer's body as evidence: parsed JSON whole up to EVIDENCE_JSON_LIMIT, text up to EVIDENCE_TEXT_LIMIT;
 * beyond that the first part, with its size and digest and a note of what was left out — never cut silently.
 */
function evidenceOf(
  text: string,
  bytes: number,
  parsed: unknown,
): Pick<NonNullable<NorthExchange["response"]>, "body" | "omitted"> {
  if (parsed !== undefined && text.length <= EVIDENCE_JSON_LIMIT) return { body: parsed };
  if (text.length <= EVIDENCE_TEXT_LIMIT && bytes <= Buffer.byteLength(text)) return { body: text };
  const shown = parsed !== undefined ? Math.min(text.length, 64 * 1024) : EVIDENCE_TEXT_LIMIT;
  return {
    body: text.slice(0, shown),
    omitted: {
      bytes,
      sha256: createHash("sha256").update(text).digest("hex"),
      note: `the answer is ${formatBytes(bytes)}; the first ${formatBytes(Buffer.byteLength(text.slice(0, shown)))} are shown, the rest left out`,
    },
  };
}

function bodyText(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body);
}

function isTimeout(cause: unknown): boolean {
  const error = cause as { code?: string; name?: string } | undefined;
  return (
    error?.name === "TimeoutError" ||
    error?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    error?.code === "UND_ERR_BODY_TIMEOUT"
  );
}

function describeTransportError(cause: unknown): string {
  const error = cause as { code?: string; message?: string; cause?: { code?: string } } | undefined;
  const code = error?.code === "UND_ERR_SOCKET" ? (error.cause?.code ?? error.code) : error?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset by the gateway";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the gateway's host name does not resolve";
  return error?.message ?? String(cause);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
