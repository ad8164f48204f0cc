/**
 * The gateway's Spine lookups: PDS for the patient's registered practice, then SDS for that practice's
 * ASID (Device) and GP Connect address (Endpoint). Every failure becomes a GatewayError naming the service.
 */
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import {
  ASID_SYSTEM,
  FHIR_JSON,
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import type { GatewayConfig } from "./config.js";
import { isJsonObject, type JsonObject, objectsOf, parseJson } from "./json-values.js";
import { gpcError, southBadAnswer } from "./outcomes.js";
import { callSouth, type RetryPolicy, southPolicy } from "./south-http.js";
import { isValidNhsNumber } from "./structured-request.js";

/** Spine answers are small; anything bigger is a fault, not a patient. */
const MAX_SPINE_ANSWER_BYTES = 1024 * 1024;

/** PDS confidentiality codes that withhold the registered practice (restricted, very restricted). */
const RESTRICTED_CONFIDENTIALITY_CODES = new Set(["R", "V"]);

/** ODS codes are short and alphanumeric; anything else from PDS must not reach an SDS URL. */
const ODS_CODE = /^[A-Z0-9]{3,10}$/i;

/** Where and how to reach a practice's GP Connect provider, as SDS lists it. */
export interface ProviderRoute {
  readonly ods: string;
  readonly asid: string;
  /** The provider's GP Connect FHIR base URL (the SDS Endpoint address). */
  readonly endpoint: string;
}

/** Where a patient is registered, as PDS answers: the practice, and the number the patient now has. */
export interface Registration {
  readonly ods: string;
  /** The current NHS number: differs from the one asked for when that one was superseded. */
  readonly nhsNumber: string;
}

export class SpineClient {
  constructor(
    private readonly config: GatewayConfig,
    private readonly dispatcher: Dispatcher,
  ) {}

  /** The ODS code of the practice the patient is registered with, from PDS. */
  async registeredPractice(
    nhsNumber: string,
    correlationId: string,
    policy = this.freshPolicy(),
  ): Promise<string> {
    return (await this.registration(nhsNumber, correlationId, policy)).ods;
  }

  /**
   * The patient's registration, from PDS: their registered practice, and their current NHS number (PDS answers
   * a superseded number with the patient's record under the current one, its `id`).
   */
  async registration(
    nhsNumber: string,
    correlationId: string,
    policy = this.freshPolicy(),
  ): Promise<Registration> {
    const call = {
      service: "PDS",
      url: `${this.config.pdsUrl}/Patient/${nhsNumber}`,
      method: "GET",
      headers: { accept: FHIR_JSON, "x-request-id": randomUUID(), "x-correlation-id": correlationId },
      timeoutMs: this.config.spineTimeoutMs,
      maxAnswerBytes: MAX_SPINE_ANSWER_BYTES,
    } as const;
    const answer = await callSouth(this.dispatcher, call, policy);
    if (answer.status === 404) {
      throw gpcError("PATIENT_NOT_FOUND", `PDS has no patient with NHS number ${nhsNumber}`);
    }
    if (answer.status === 400) {
      throw gpcError("INVALID_NHS_NUMBER", `PDS rejected NHS number ${nhsNumber}`);
    }
    if (answer.status !== 200)
      throw southBadAnswer(`PDS answered HTTP ${answer.status} for the patient lookup`);
    const patient = jsonObjectOrThrow(answer.text, "PDS", "the patient lookup");
    if (patient.resourceType !== "Patient") {
      throw southBadAnswer("PDS answered the patient lookup with something other than a Patient resource");
    }
    if (isRestricted(patient)) {
      // A restricted record carries no GP; saying so would itself disclose that the record is restricted.
      throw gpcError(
        "PATIENT_NOT_FOUND",
        `No registered practice can be disclosed for NHS number ${nhsNumber}`,
      );
    }
    const ods = registeredOdsCode(patient);
    if (ods === undefined) {
      throw gpcError("PATIENT_NOT_FOUND", `PDS names no registered practice for NHS number ${nhsNumber}`);
    }
    if (!ODS_CODE.test(ods)) throw southBadAnswer(`PDS named a registered practice with an invalid ODS code`);
    const current = patient.id;
    if (typeof current !== "string" || !isValidNhsNumber(current)) {
      throw southBadAnswer("PDS answered the patient lookup with a Patient whose id is not an NHS number");
    }
    return { ods, nhsNumber: current };
  }

  /** The practice's provider ASID (SDS Device) and GP Connect address (SDS Endpoint), looked up together. */
  async providerRoute(
    ods: string,
    correlationId: string,
    policy = this.freshPolicy(),
  ): Promise<ProviderRoute> {
    const [asid, endpoint] = await Promise.all([
      this.searchSds("Device", ods, correlationId, policy, deviceAsid),
      this.searchSds("Endpoint", ods, correlationId, policy, endpointAddress),
    ]);
    return { ods, asid, endpoint };
  }

  /** Callers without a request budget of their own get one for this call alone. */
  private freshPolicy(): RetryPolicy {
    return southPolicy(this.config);
  }

  private async searchSds(
    resourceType: "Device" | "Endpoint",
    ods: string,
    correlationId: string,
    policy: RetryPolicy,
    pick: (resource: JsonObject) => string | undefined,
  ): Promise<string> {
    const query = new URLSearchParams({
      organization: `${ODS_ORGANISATION_SYSTEM}|${ods}`,
      identifier: `${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`,
    });
    const service = `SDS ${resourceType} search`;
    const answer = await callSouth(
      this.dispatcher,
      {
        service,
        url: `${this.config.sdsUrl}/${resourceType}?${query}`,
        method: "GET",
        headers: { accept: FHIR_JSON, apikey: this.config.sdsApiKey, "x-correlation-id": correlationId },
        timeoutMs: this.config.spineTimeoutMs,
        maxAnswerBytes: MAX_SPINE_ANSWER_BYTES,
      },
      policy,
    );
    if (answer.status !== 200)
      throw southBadAnswer(`${service} answered HTTP ${answer.status} for practice ${ods}`);
    const bundle = jsonObjectOrThrow(answer.text, service, `practice ${ods}`);
    if (bundle.resourceType !== "Bundle") {
      throw southBadAnswer(`${service} answered with something other than a Bundle for practice ${ods}`);
    }
    const matches = objectsOf(bundle.entry)
      .map((entry) => entry.resource)
      .filter(
        (resource): resource is JsonObject =>
          isJsonObject(resource) && resource.resourceType === resourceType,
      );
    if (matches.length === 0) {
      throw gpcError(
        "ORGANISATION_NOT_FOUND",
        `SDS lists no GP Connect ${resourceType} for practice ${ods} (${STRUCTURED_RECORD_INTERACTION})`,
      );
    }
    for (const resource of matches) {
      const value = pick(resource);
      if (value !== undefined) return value;
    }
    throw southBadAnswer(`${service} for practice ${ods} answered a ${resourceType} without a usable value`);
  }
}

function jsonObjectOrThrow(text: string, service: string, about: string): JsonObject {
  const parsed = parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw southBadAnswer(`${service} answered malformed JSON for ${about}`);
  }
  return parsed.value;
}

function isRestricted(patient: JsonObject): boolean {
  const meta = isJsonObject(patient.meta) ? patient.meta : {};
  return objectsOf(meta.security).some(
    (coding) => typeof coding.code === "string" && RESTRICTED_CONFIDENTIALITY_CODES.has(coding.code),
  );
}

function registeredOdsCode(patient: JsonObject): string | undefined {
  for (const practitioner of objectsOf(patient.generalPractitioner)) {
    const identifier = practitioner.identifier;
    if (isJsonObject(identifier) && identifier.system === ODS_ORGANISATION_SYSTEM) {
      return typeof identifier.value === "string" ? identifier.value : undefined;
    }
  }
  return undefined;
}

function deviceAsid(device: JsonObject): string | undefined {
  const asid = objectsOf(device.identifier).find((identifier) => identifier.system === ASID_SYSTEM)?.value;
  return typeof asid === "string" && /^\d{1,12}$/.test(asid) ? asid : undefined;
}

function endpointAddress(endpoint: JsonObject): string | undefined {
  if (typeof endpoint.address !== "string") return undefined;
  try {
    const url = new URL(endpoint.address);
    return url.protocol === "http:" || url.protocol === "https:"
      ? endpoint.address.replace(/\/+$/, "")
      : undefined;
  } catch {
    return undefined;
  }
}
