/**
 * The north side: the harness plays the clinician's system, shaped by the gateway's consumer profile.
 * `createConsumer` turns a resolved profile into the object scenarios call — `gateway.getRecord(patient,
 * { consent, reason?, nhsNumber?, areas? })` — whether the gateway speaks GP Connect (`gpconnect-structured`)
 * or its own API through a consumer adapter (`adapter`). Every exchange is handed to `onExchange` as evidence,
 * with its secrets removed (redaction.ts).
 */
import type { NorthExchange } from "../run-result.js";
import { adapterError, type ConsumerAdapter, loadAdapter } from "./adapter.js";
import { adapterGetRecord } from "./adapter-consumer.js";
import type { AnswerLimits } from "./answer-reading.js";
import { type AuditTrailRequest, auditTrailReader } from "./audit-trail.js";
import {
  type RawRequest,
  type RecordRequestOptions,
  type RecordSubject,
  RequestNotPossible,
  type SendRaw,
} from "./consumer-types.js";
import { gatewayAddress } from "./gateway-address.js";
import { type GatewayAnswer, NorthHttp } from "./north-http.js";
import type { NorthProfile } from "./profile.js";
import { applyHeaderTemplates } from "./record-request.js";
import { redact } from "./redaction.js";
import { structuredGetRecord, structuredSend } from "./structured-consumer.js";

export type { AuditTrailRequest } from "./audit-trail.js";
export {
  type RawRequest,
  type RecordRequestOptions,
  type RecordSubject,
  RequestNotPossible,
} from "./consumer-types.js";
export { EVIDENCE_TEXT_LIMIT, type GatewayAnswer } from "./north-http.js";

/** The gateway under test, spoken to as a clinician's system would. */
export interface GatewayConsumer {
  /** Asks the gateway for the patient's structured record, stating the patient's consent. */
  getRecord(patient: RecordSubject, options: RecordRequestOptions): Promise<GatewayAnswer>;
  /**
   * Sends a request that is not a normal record request (a wrong content type, an unknown path, no
   * credentials), shaped by the profile unless told otherwise. A consumer adapter cannot: it throws
   * RequestNotPossible, and the scenario is skipped.
   */
  send(request: RawRequest): Promise<GatewayAnswer>;
  /**
   * Reads the gateway's audit trail about the patient, where its manifest says (`capabilities.audit.url`);
   * undefined when it declares none.
   */
  auditTrail(patient: RecordSubject, options?: AuditTrailRequest): Promise<GatewayAnswer | undefined>;
  /** The secrets this consumer has used so far (for redacting whatever else is written about the run). */
  secrets(): readonly string[];
  /** Closes the consumer's connections (its TLS pool). */
  close(): Promise<void>;
}

export interface ConsumerOptions {
  /** How long one request may take before the harness gives up on it. */
  readonly timeoutMs: number;
  /** Every exchange is handed here, as evidence, already redacted. */
  readonly onExchange: (exchange: NorthExchange) => void;
  /** Cancels requests under way (an interrupted run). */
  readonly signal?: AbortSignal;
  /** For kind `adapter`: the adapter already loaded; otherwise it is loaded from `profile.adapter`. */
  readonly adapter?: ConsumerAdapter;
  /** Where `${env:NAME}` is read from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** How much of an answer is read, and how deep it may be nested (default DEFAULT_ANSWER_LIMITS). */
  readonly limits?: AnswerLimits;
}

/**
 * A consumer for the gateway the profile describes. Throws (before any request) when the base URL is not an
 * http(s) URL, a header template names an unknown placeholder or an unset variable (PlaceholderError), or the
 * adapter cannot be loaded (AdapterError).
 */
export async function createConsumer(
  profile: NorthProfile,
  options: ConsumerOptions,
): Promise<GatewayConsumer> {
  const address = gatewayAddress(profile.baseUrl);
  const env = options.env ?? process.env;
  const secrets = new Set<string>(address.secrets);
  if (profile.tls?.passphrase) secrets.add(profile.tls.passphrase);
  // Each template expanded once now: a bad one fails here rather than mid-scenario, and its secrets are known
  // before the first exchange is recorded.
  const trial = { traceId: "trace", jwt: "jwt", consumer: { ods: "ods", asid: "asid" } };
  for (const secret of applyHeaderTemplates({}, profile.headers, trial, env).secrets) secrets.add(secret);
  const adapter = profile.kind === "adapter" ? (options.adapter ?? (await adapterOf(profile))) : undefined;
  const http = new NorthHttp({
    tls: profile.tls,
    timeoutMs: options.timeoutMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onExchange: options.onExchange,
    redact: (value) => redact(value, secrets),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const parts = { profile, address, http, env, secrets };
  const getRecord = adapter === undefined ? structuredGetRecord(parts) : adapterGetRecord(parts, adapter);
  const send: SendRaw = adapter === undefined ? structuredSend(parts) : cannotSendRaw;
  return {
    getRecord,
    send,
    auditTrail: auditTrailReader(parts),
    secrets: () => [...secrets],
    close: () => http.close(),
  };
}

async function cannotSendRaw(): Promise<GatewayAnswer> {
  throw new RequestNotPossible(
    "the gateway is spoken to through a consumer adapter, which cannot send a raw GP Connect request",
  );
}

function adapterOf(profile: NorthProfile): Promise<ConsumerAdapter> {
  if (profile.adapter === undefined) throw adapterError("ADAPTER_NOT_NAMED");
  return loadAdapter(profile.adapter);
}
