/**
 * The harness asking a practice for a record itself, as a GP Connect consumer would (its own Parameters, Ssp
 * headers and JWT as the harness's consumer organisation): what the practice holds, to set beside what a
 * gateway returned. Only for comparison; scenarios never ask a practice directly.
 */
import { randomUUID } from "node:crypto";
import { request } from "undici";
import { SSP_TO } from "../../gpconnect/headers.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { consumerJwt, HARNESS_CONSUMER } from "./identity.js";
import { profileHeaders, structuredRecordParameters } from "./record-request.js";

/** The most a direct answer may take: a large record from a slow flavour still fits. */
const PRACTICE_TIMEOUT_MS = 15_000;

export interface PracticeAddress {
  readonly endpoint: string;
  readonly asid: string;
}

export interface PracticeReply {
  /** 0 when no HTTP answer came (see `error`). */
  readonly status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly error?: string;
}

/** `POST {endpoint}/Patient/$gpc.getstructuredrecord` for the patient and areas, as the harness's consumer. */
export async function requestFromPractice(
  practice: PracticeAddress,
  nhsNumber: string,
  areas: readonly ClinicalAreaParameter[],
): Promise<PracticeReply> {
  const headers = {
    ...profileHeaders({
      traceId: randomUUID(),
      jwt: consumerJwt(practice.endpoint),
      consumer: HARNESS_CONSUMER,
    }),
    [SSP_TO]: practice.asid,
  };
  try {
    const answer = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`, {
      method: "POST",
      headers,
      body: JSON.stringify(structuredRecordParameters(nhsNumber, areas)),
      headersTimeout: PRACTICE_TIMEOUT_MS,
      bodyTimeout: PRACTICE_TIMEOUT_MS,
    });
    const text = await answer.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: answer.statusCode, body };
  } catch (error) {
    return { status: 0, body: undefined, error: (error as Error).message };
  }
}
