/**
 * Profile `gpconnect-structured`: a POST of a GP Connect Parameters resource to the gateway's operation path,
 * with the Ssp headers and the consumer's JWT, shaped by the profile (path, accepted parameters, headers,
 * where point-of-access consent goes).
 */
import { randomUUID } from "node:crypto";
import type { ConsumerParts, GetRecord } from "./consumer-types.js";
import { operationUrl } from "./gateway-address.js";
import { consumerJwt, HARNESS_CONSUMER } from "./identity.js";
import {
  applyHeaderTemplates,
  type ConsentStatement,
  consentHeaders,
  consentParameters,
  DEFAULT_AREAS,
  profileHeaders,
  structuredRecordParameters,
} from "./record-request.js";

export function structuredGetRecord(parts: ConsumerParts): GetRecord {
  const { profile, address, http } = parts;
  const url = operationUrl(address.base, profile.path);
  return async (patient, options) => {
    const values = {
      traceId: randomUUID(),
      // GP Connect's aud is the provider's FHIR base (the gateway's base URL), not the operation's URL.
      jwt: consumerJwt(address.base),
      consumer: HARNESS_CONSUMER,
    };
    // A gateway that does not declare point-of-access consent is told nothing about it.
    const statement: ConsentStatement =
      profile.consent === undefined
        ? { consent: "not-asked" }
        : { consent: options.consent, ...(options.reason === undefined ? {} : { reason: options.reason }) };
    const base = {
      ...profileHeaders(values),
      // Credentials in the base URL are the gateway's way in: they replace the JWT as the Authorization.
      ...(address.basicAuthorization === undefined ? {} : { authorization: address.basicAuthorization }),
      ...consentHeaders(profile.consent, statement),
    };
    const { headers, secrets } = applyHeaderTemplates(base, profile.headers, values, parts.env);
    for (const secret of secrets) parts.secrets.add(secret);
    const body = structuredRecordParameters(
      options.nhsNumber ?? patient.nhsNumber,
      options.areas ?? DEFAULT_AREAS,
      profile.parameters,
      consentParameters(profile.consent, statement),
    );
    return http.exchange({ method: "POST", url, headers, body });
  };
}
