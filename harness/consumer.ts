/**
 * The north side: the harness plays the clinician's system. Profile `gpconnect-structured` — the gateway
 * exposes GP Connect Access Record Structured to consumers, with point-of-access consent in headers.
 */

import { randomUUID } from "node:crypto";
import { request } from "undici";
import { SSP_FROM, SSP_INTERACTION_ID, SSP_TRACE_ID } from "../gpconnect/headers.js";
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_ROLE_PROFILE_SYSTEM,
  SDS_USER_ID_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import {
  type GpConnectClaims,
  JWT_ALGORITHM,
  JWT_LIFETIME_SECONDS,
  REASON_FOR_REQUEST,
  REQUESTED_SCOPE,
} from "../gpconnect/jwt.js";
import { PATIENT_NHS_NUMBER_PARAMETER } from "../gpconnect/parameters.js";
import type { NorthExchange } from "./run-result.js";
import type { WorldPatient } from "./world.js";

/** The harness's own identity as a consumer organisation (the simulated SDS knows it). */
export const HARNESS_CONSUMER = { ods: "Y99001", asid: "999000000001" } as const;

/** The clinician the harness plays: a synthetic GP with an SDS user id, as a real consumer sends one. */
export const HARNESS_CLINICIAN = {
  sdsUserId: "999999999901",
  roleProfileId: "999999999902",
  family: "Okafor",
  given: "Adaeze",
  prefix: "Dr",
} as const;

export type ConsentAnswer = "granted" | "refused" | "emergency" | "not-asked";

export interface ConsentPlacement {
  readonly header: string;
  readonly reasonHeader: string;
}

export const DEFAULT_CONSENT_PLACEMENT: ConsentPlacement = {
  header: "X-Consent",
  reasonHeader: "X-Consent-Reason",
};

export interface RecordRequestOptions {
  readonly consent: ConsentAnswer;
  /** Required by the consent model for `emergency`. */
  readonly reason?: string;
  /** Ask about this NHS number instead of the patient's (unknown or invalid numbers). */
  readonly nhsNumber?: string;
}

export interface GatewayAnswer {
  /** 0 when no HTTP answer came (see `error`). */
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly text: string;
  readonly error?: string;
  readonly elapsedMs: number;
}

export interface GatewayConsumerOptions {
  readonly baseUrl: string;
  /** Where consent goes; undefined when the gateway does not declare point-of-access consent. */
  readonly consent: ConsentPlacement | undefined;
  /** How long one request may take before the harness gives up on it. */
  readonly timeoutMs: number;
  /** Every exchange is handed here, as evidence. */
  readonly onExchange: (exchange: NorthExchange) => void;
}

const EVIDENCE_TEXT_LIMIT = 4_000;

export class GatewayConsumer {
  constructor(private readonly options: GatewayConsumerOptions) {}

  /** Asks the gateway for the patient's structured record (allergies and medication), stating consent. */
  async getRecord(patient: WorldPatient, options: RecordRequestOptions): Promise<GatewayAnswer> {
    const nhsNumber = options.nhsNumber ?? patient.nhsNumber;
    const base = withTrailingSlash(this.options.baseUrl);
    const url = new URL("Patient/$gpc.getstructuredrecord", base).toString();
    const headers: Record<string, string> = {
      "content-type": "application/fhir+json",
      accept: "application/fhir+json",
      [SSP_TRACE_ID]: randomUUID(),
      [SSP_FROM]: HARNESS_CONSUMER.asid,
      [SSP_INTERACTION_ID]: STRUCTURED_RECORD_INTERACTION,
      "ods-from": HARNESS_CONSUMER.ods,
      // GP Connect's aud is the provider's FHIR base (the endpoint SDS gives), not the operation's URL.
      authorization: `Bearer ${consumerJwt(base.slice(0, -1))}`,
    };
    const placement = this.options.consent;
    if (placement !== undefined && options.consent !== "not-asked") {
      headers[placement.header.toLowerCase()] = options.consent;
      if (options.reason !== undefined) headers[placement.reasonHeader.toLowerCase()] = options.reason;
    }
    const body = structuredRecordParameters(nhsNumber);
    return this.exchange("POST", url, headers, body);
  }

  private async exchange(
    method: "POST" | "GET",
    url: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<GatewayAnswer> {
    const started = performance.now();
    const requestEvidence = { method, url, headers, body };
    try {
      const response = await request(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.body.text();
      const elapsedMs = performance.now() - started;
      const responseHeaders = flattenHeaders(response.headers);
      const parsed = parseJson(text);
      this.options.onExchange({
        request: requestEvidence,
        response: {
          status: response.statusCode,
          headers: responseHeaders,
          body: parsed ?? text.slice(0, EVIDENCE_TEXT_LIMIT),
        },
        elapsedMs,
      });
      return { status: response.statusCode, headers: responseHeaders, body: parsed, text, elapsedMs };
    } catch (cause) {
      const elapsedMs = performance.now() - started;
      const error = describeTransportError(cause, this.options.timeoutMs);
      this.options.onExchange({ request: requestEvidence, error, elapsedMs });
      return { status: 0, headers: {}, body: undefined, text: "", error, elapsedMs };
    }
  }
}

/** The Parameters resource of Access Record Structured: the patient, allergies and medication with issues. */
export function structuredRecordParameters(nhsNumber: string): fhir.Parameters {
  return {
    resourceType: "Parameters",
    parameter: [
      {
        name: PATIENT_NHS_NUMBER_PARAMETER,
        valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
      },
      { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: false }] },
      { name: "includeMedication", part: [{ name: "includePrescriptionIssues", valueBoolean: true }] },
    ],
  };
}

/** The consumer's GP Connect JWT: unsigned, five minutes, naming the clinician and their organisation. */
export function consumerJwt(audience: string, now = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: GpConnectClaims = {
    iss: "https://gp-harness.invalid/consumer",
    sub: HARNESS_CLINICIAN.sdsUserId,
    aud: audience,
    exp: iat + JWT_LIFETIME_SECONDS,
    iat,
    reason_for_request: REASON_FOR_REQUEST,
    requested_scope: REQUESTED_SCOPE,
    requesting_device: {
      resourceType: "Device",
      identifier: [{ system: "https://gp-harness.invalid/Id/device", value: "gp-harness" }],
      model: "gp-harness",
      version: "1",
    },
    requesting_organization: {
      resourceType: "Organization",
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: HARNESS_CONSUMER.ods }],
      name: "gp-harness urgent care (synthetic)",
    },
    requesting_practitioner: {
      resourceType: "Practitioner",
      // GP Connect: sub MUST be requesting_practitioner.id; a strict gateway refuses a token where they differ.
      id: HARNESS_CLINICIAN.sdsUserId,
      identifier: [
        { system: SDS_USER_ID_SYSTEM, value: HARNESS_CLINICIAN.sdsUserId },
        { system: SDS_ROLE_PROFILE_SYSTEM, value: HARNESS_CLINICIAN.roleProfileId },
      ],
      name: [
        {
          family: HARNESS_CLINICIAN.family,
          given: [HARNESS_CLINICIAN.given],
          prefix: [HARNESS_CLINICIAN.prefix],
        },
      ],
    },
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: JWT_ALGORITHM, typ: "JWT" })}.${encode(claims)}.`;
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
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

function describeTransportError(cause: unknown, timeoutMs: number): string {
  const error = cause as { code?: string; name?: string; message?: string };
  if (
    error?.name === "TimeoutError" ||
    error?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    error?.code === "UND_ERR_BODY_TIMEOUT"
  ) {
    return `no answer within ${timeoutMs} ms`;
  }
  if (error?.code === "ECONNREFUSED") return "connection refused";
  if (error?.code === "ECONNRESET" || error?.code === "UND_ERR_SOCKET")
    return "connection reset by the gateway";
  return error?.message ?? String(cause);
}
