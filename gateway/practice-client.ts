/**
 * Forwards the structured-record request to the patient's practice with the Ssp headers and a fresh GP Connect
 * token, and classifies the answer: a Bundle or an OperationOutcome is passed through as sent; anything else,
 * no answer, or a late one becomes a 502/504 naming the practice.
 */

import type { Dispatcher } from "undici";
import type { Parameters } from "../gpconnect/fhir-stu3.js";
import { SSP_FROM, SSP_INTERACTION_ID, SSP_TO, SSP_TRACE_ID } from "../gpconnect/headers.js";
import { FHIR_JSON, STRUCTURED_RECORD_INTERACTION } from "../gpconnect/identifiers.js";
import type { GatewayConfig } from "./config.js";
import { encodeUnsignedJwt, practiceTokenClaims } from "./gpconnect-jwt.js";
import { isJsonObject, type JsonObject, parseJson } from "./json-values.js";
import { southBadAnswer } from "./outcomes.js";
import { answeredOrThrow, exchangeWithSouth } from "./south-http.js";
import type { ProviderRoute } from "./spine-client.js";

/** A very large record is legitimate; an unbounded one is a fault. */
const MAX_PRACTICE_ANSWER_BYTES = 64 * 1024 * 1024;

export interface PracticeRequest {
  readonly route: ProviderRoute;
  readonly parameters: Parameters;
  readonly traceId: string;
  readonly consumerClaims: JsonObject;
}

/** The practice's answer to pass north: its status and its body exactly as it sent it. */
export interface PracticeAnswer {
  readonly status: number;
  readonly body: string;
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
    const exchange = await exchangeWithSouth(this.dispatcher, {
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
    });
    const practice = `Practice ${route.ods} (${route.endpoint})`;
    const answer = answeredOrThrow(exchange, practice, this.config.practiceTimeoutMs);
    const parsed = parseJson(answer.text);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      throw southBadAnswer(`${practice} answered HTTP ${answer.status} with malformed JSON`);
    }
    const resourceType = parsed.value.resourceType;
    if (answer.status === 200 && resourceType === "Bundle") return { status: 200, body: answer.text };
    if (answer.status >= 400 && answer.status <= 599 && resourceType === "OperationOutcome") {
      return { status: answer.status, body: answer.text };
    }
    throw southBadAnswer(
      `${practice} answered HTTP ${answer.status} with ${typeof resourceType === "string" ? `a ${resourceType}` : "no FHIR resource"}`,
    );
  }
}
