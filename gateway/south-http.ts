/**
 * One HTTP exchange with a south service (PDS, SDS or a practice), reduced to what happened:
 * an answer, no connection, or no answer within the budget. The exchange itself never throws;
 * `answeredOrThrow` turns a failed one into the 502/504 OperationOutcome that names the service.
 */
import { type Dispatcher, request } from "undici";
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
  | { readonly kind: "timeout" }
  | { readonly kind: "too-large" };

export async function exchangeWithSouth(dispatcher: Dispatcher, south: SouthRequest): Promise<SouthExchange> {
  // One signal covers connect, headers and body, so a practice that trickles bytes cannot outlast the budget.
  const signal = AbortSignal.timeout(south.timeoutMs);
  try {
    const answer = await request(south.url, {
      dispatcher,
      method: south.method,
      headers: south.headers,
      ...(south.body === undefined ? {} : { body: south.body }),
      signal,
    });
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
    return { kind: "unreachable", reason: transportFailureReason(error) };
  }
}

export type SouthAnswer = Extract<SouthExchange, { kind: "answered" }>;

/** The exchange's answer, or the GatewayError (502/504) that says why there is none. */
export function answeredOrThrow(exchange: SouthExchange, service: string, timeoutMs: number): SouthAnswer {
  if (exchange.kind === "answered") return exchange;
  throw southFailure(exchange, service, timeoutMs);
}

function southFailure(
  exchange: Exclude<SouthExchange, SouthAnswer>,
  service: string,
  timeoutMs: number,
): GatewayError {
  switch (exchange.kind) {
    case "unreachable":
      return southUnreachable(`${service} could not be reached (${exchange.reason})`);
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

/** The socket-level code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET ...) when there is one. */
function transportFailureReason(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const cause = error.cause instanceof Error ? (error.cause as Error & { code?: unknown }).code : undefined;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    if (typeof cause === "string") return cause;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
