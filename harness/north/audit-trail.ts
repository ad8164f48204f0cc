/**
 * Reading a gateway's audit trail, where its manifest says it can be read (`capabilities.audit.url`, with
 * `${gateway}` and `${nhsNumber}`): a GET with the profile's headers, kept as evidence like every exchange.
 */
import { randomUUID } from "node:crypto";
import { expand } from "../manifest/placeholders.js";
import type { ConsumerParts, RecordSubject } from "./consumer-types.js";
import { consumerJwt, HARNESS_CONSUMER } from "./identity.js";
import type { GatewayAnswer } from "./north-http.js";
import { applyHeaderTemplates } from "./record-request.js";

/**
 * Another method than GET, for the scenarios that try to alter the trail: DELETE without a body; PUT, POST and
 * PATCH with a trail of no entries as JSON, as an attempt to overwrite it would send.
 */
export interface AuditTrailRequest {
  readonly method: "DELETE" | "PUT" | "POST" | "PATCH";
}

export type ReadAuditTrail = (
  patient: RecordSubject,
  options?: AuditTrailRequest,
) => Promise<GatewayAnswer | undefined>;

export function auditTrailReader(parts: ConsumerParts): ReadAuditTrail {
  const { profile, address, http } = parts;
  return async (patient, options) => {
    if (profile.auditUrl === undefined) return undefined;
    const known = {
      gateway: address.base,
      nhsNumber: patient.nhsNumber,
      "consumer.ods": HARNESS_CONSUMER.ods,
      "consumer.asid": HARNESS_CONSUMER.asid,
    };
    const url = expand(profile.auditUrl, known, "capabilities.audit.url", parts.env);
    for (const secret of url.secrets) parts.secrets.add(secret);
    const values = { traceId: randomUUID(), jwt: consumerJwt(address.base), consumer: HARNESS_CONSUMER };
    const base = {
      accept: "application/json, application/fhir+json",
      authorization: address.basicAuthorization ?? `Bearer ${values.jwt}`,
    };
    const { headers, secrets } = applyHeaderTemplates(base, profile.headers, values, parts.env);
    for (const secret of secrets) parts.secrets.add(secret);
    const method = options?.method ?? "GET";
    if (method === "GET" || method === "DELETE") return http.exchange({ method, url: url.text, headers });
    headers["content-type"] = "application/json";
    const body = { nhsNumber: patient.nhsNumber, entries: [] };
    return http.exchange({ method, url: url.text, headers, body });
  };
}
