/**
 * Profile `adapter`: the scenario's request handed to a consumer adapter module, which speaks the gateway's
 * own API through `send` and answers as a GP Connect gateway would.
 */
import { randomUUID } from "node:crypto";
import {
  type AdapterContext,
  AdapterError,
  type AdapterHttpRequest,
  type AdapterRequest,
  type AdapterResponse,
  adapterError,
  type ConsumerAdapter,
  checkedAnswer,
  NorthTransportError,
} from "./adapter.js";
import type { ConsumerParts, GetRecord, RecordRequestOptions } from "./consumer-types.js";
import { operationUrl } from "./gateway-address.js";
import { consumerJwt, HARNESS_CLINICIAN, HARNESS_CONSUMER } from "./identity.js";
import type { GatewayAnswer } from "./north-http.js";
import { accepts, applyHeaderTemplates, DEFAULT_AREAS } from "./record-request.js";

export function adapterGetRecord(parts: ConsumerParts, adapter: ConsumerAdapter): GetRecord {
  const name = parts.profile.adapter ?? "(given to the harness directly)";
  return async (patient, options) => {
    const started = performance.now();
    const request = adapterRequest(parts, options.nhsNumber ?? patient.nhsNumber, options);
    const context: AdapterContext = {
      baseUrl: parts.address.base,
      consumer: HARNESS_CONSUMER,
      clinician: HARNESS_CLINICIAN,
      jwt: () => consumerJwt(parts.address.base),
      send: (http) => send(parts, http, request.traceId),
    };
    let answer: unknown;
    try {
      answer = await adapter.getRecord(request, context);
    } catch (error) {
      const elapsedMs = performance.now() - started;
      if (error instanceof NorthTransportError) {
        return { status: 0, headers: {}, body: undefined, text: "", error: error.description, elapsedMs };
      }
      if (error instanceof AdapterError) throw error;
      throw adapterError("ADAPTER_FAILED", name, error instanceof Error ? error.message : String(error));
    }
    return normalised(checkedAnswer(answer, name), performance.now() - started);
  };
}

function adapterRequest(
  parts: ConsumerParts,
  nhsNumber: string,
  options: RecordRequestOptions,
): AdapterRequest {
  const { profile } = parts;
  // The adapter places consent itself; the capability says whether the gateway has any to place.
  const declared = profile.consent !== undefined || profile.capabilities.has("point-of-access-consent");
  return {
    nhsNumber,
    consent: declared ? options.consent : "not-asked",
    ...(declared && options.reason !== undefined ? { reason: options.reason } : {}),
    areas: [...new Set(options.areas ?? DEFAULT_AREAS)].filter((area) => accepts(profile.parameters, area)),
    traceId: randomUUID(),
  };
}

async function send(
  parts: ConsumerParts,
  request: AdapterHttpRequest,
  traceId: string,
): Promise<AdapterResponse> {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) own[name.toLowerCase()] = value;
  if (request.body !== undefined && typeof request.body !== "string" && own["content-type"] === undefined) {
    own["content-type"] = "application/json";
  }
  if (parts.address.basicAuthorization !== undefined && own.authorization === undefined) {
    own.authorization = parts.address.basicAuthorization;
  }
  const values = { traceId, jwt: consumerJwt(parts.address.base), consumer: HARNESS_CONSUMER };
  const { headers, secrets } = applyHeaderTemplates(own, parts.profile.headers, values, parts.env);
  for (const secret of secrets) parts.secrets.add(secret);
  const answer = await parts.http.exchange({
    method: request.method,
    url: operationUrl(parts.address.base, request.path),
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  if (answer.status === 0) throw new NorthTransportError(answer.error ?? "no answer");
  return { status: answer.status, headers: answer.headers, body: answer.body, text: answer.text };
}

function normalised(
  answer: { status: number; headers?: Readonly<Record<string, string>>; body: unknown },
  elapsedMs: number,
): GatewayAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  const text = typeof answer.body === "string" ? answer.body : (JSON.stringify(answer.body) ?? "");
  const body = typeof answer.body === "string" ? parseJson(answer.body) : answer.body;
  return { status: answer.status, headers, body, text, elapsedMs, throughAdapter: true };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
