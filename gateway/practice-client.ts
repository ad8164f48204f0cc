/**
 * Forwards the structured-record request to the patient's practice with the Ssp headers and a fresh GP Connect
 * token, and classifies the answer: a Bundle (with its List and OperationOutcome warnings) or a 4xx
 * OperationOutcome (the practice's word: dissent, no sharing agreement) is passed through exactly as sent; a
 * 5xx, anything else, no answer, or a late one becomes the gateway's own 502/504 naming the practice by its
 * ODS code only, since a failing system's diagnostics are not the gateway's to vouch for or to pass on.
 */

import type { Dispatcher } from "undici";
import type { Parameters } from "../gpconnect/fhir-stu3.js";
import { SSP_FROM, SSP_INTERACTION_ID, SSP_TO, SSP_TRACE_ID } from "../gpconnect/headers.js";
import { FHIR_JSON, STRUCTURED_RECORD_INTERACTION } from "../gpconnect/identifiers.js";
import type { GatewayConfig } from "./config.js";
import { encodeUnsignedJwt, practiceTokenClaims } from "./gpconnect-jwt.js";
import { isJsonObject, type JsonObject, parseJson } from "./json-values.js";
import { southBadAnswer, spineCodeOf } from "./outcomes.js";
import { callSouth, type RetryPolicy, southPolicy } from "./south-http.js";
import type { ProviderRoute } from "./spine-client.js";

/** A very large record is legitimate; an unbounded one is a fault. */
const MAX_PRACTICE_ANSWER_BYTES = 64 * 1024 * 1024;

export interface PracticeRequest {
  readonly route: ProviderRoute;
  readonly parameters: Parameters;
  readonly traceId: string;
  readonly consumerClaims: JsonObject;
  /** The request's budget and retries; by default a budget for this call alone. */
  readonly policy?: RetryPolicy;
}

/** The practice's answer to pass north: its status and its body exactly as it sent it. */
export interface PracticeAnswer {
  readonly status: number;
  readonly body: string;
  /** The Spine error code of an OperationOutcome passed through. */
  readonly spineCode?: string;
}

export class PracticeClient {
  constructor(
    private readonly config: GatewayConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  async getStructuredRecord(practiceRequest: PracticeRequest): Promise<PracticeAnswer> {
    const { route } = practiceRequest;
    const token = encodeUnsignedJwt(
      practiceTokenClaims({
        consumerClaims: practiceRequest.consumerClaims,
        audience: route.endpoint,
        gatewayAsid: this.config.gatewayAsid,
        gatewayOds: this.config.gatewayOds,
      }),
    );
    const practice = `Practice ${route.ods}`;
    const call = {
      service: practice,
      url: `${route.endpoint}/Patient/$gpc.getstructuredrecord`,
      method: "POST",
      headers: {
        accept: FHIR_JSON,
        "content-type": `${FHIR_JSON};charset=utf-8`,
        [SSP_TRACE_ID]: practiceRequest.traceId,
        [SSP_FROM]: this.config.gatewayAsid,
        [SSP_TO]: route.asid,
        [SSP_INTERACTION_ID]: STRUCTURED_RECORD_INTERACTION,
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(practiceRequest.parameters),
      timeoutMs: this.config.practiceTimeoutMs,
      maxAnswerBytes: MAX_PRACTICE_ANSWER_BYTES,
    } as const;
    const answer = await callSouth(this.dispatcher, call, practiceRequest.policy ?? southPolicy(this.config));
    const parsed = parseJson(answer.text);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      throw southBadAnswer(`${practice} answered HTTP ${answer.status} with malformed JSON`);
    }
    const resourceType = parsed.value.resourceType;
    if (answer.status === 200 && resourceType === "Bundle") return { status: 200, body: answer.text };
    const spineCode = resourceType === "OperationOutcome" ? spineCodeOf(parsed.value) : undefined;
    if (answer.status >= 400 && answer.status <= 499 && resourceType === "OperationOutcome") {
      return { status: answer.status, body: answer.text, ...(spineCode ? { spineCode } : {}) };
    }
    if (answer.status >= 500 && resourceType === "OperationOutcome") {
      throw southBadAnswer(`${practice} failed: HTTP ${answer.status}${spineCode ? ` ${spineCode}` : ""}`);
    }
    throw southBadAnswer(
      `${practice} answered HTTP ${answer.status} with ${typeof resourceType === "string" ? `a ${resourceType}` : "no FHIR resource"}`,
    );
  }
}
