/**
 * Profile `gpconnect-structured`: a POST of a GP Connect Parameters resource to the gateway's operation path,
 * with the Ssp headers and the consumer's JWT, shaped by the profile (path, accepted parameters, headers,
 * where point-of-access consent goes). Also the raw requests scenarios send to see what a gateway does with a
 * request that is not a normal one (`send`).
 */
import { randomUUID } from "node:crypto";
import type {
  ConsumerParts,
  GetRecord,
  RecordRequestOptions,
  RecordSubject,
  SendRaw,
} from "./consumer-types.js";
import { operationUrl } from "./gateway-address.js";
import { consumerJwt, faultyConsumerJwt, HARNESS_CONSUMER, type TokenFault } from "./identity.js";
import {
  applyHeaderTemplates,
  type ConsentStatement,
  consentHeaders,
  consentParameters,
  DEFAULT_AREAS,
  profileHeaders,
  structuredRecordParameters,
} from "./record-request.js";

/** A header template that carries a credential: the consumer's JWT or a value from the environment. */
const CREDENTIAL_TEMPLATE = /\$\{(?:jwt|env:[^}]*)\}/;

export function structuredGetRecord(parts: ConsumerParts): GetRecord {
  const url = operationUrl(parts.address.base, parts.profile.path);
  return async (patient, options) => {
    const { headers, body } = recordRequest(parts, patient, options, true);
    return parts.http.exchange({ method: "POST", url, headers, body });
  };
}

export function structuredSend(parts: ConsumerParts): SendRaw {
  return async (raw) => {
    const url = operationUrl(parts.address.base, raw.path ?? parts.profile.path);
    const credentials = raw.credentials !== false;
    const patient: RecordSubject = typeof raw.body === "object" ? raw.body.recordOf : { nhsNumber: "" };
    const built = recordRequest(parts, patient, { consent: "granted" }, credentials, raw.token);
    const headers = { ...built.headers };
    if (raw.contentType !== undefined) headers["content-type"] = raw.contentType;
    const body = typeof raw.body === "object" ? built.body : raw.body;
    if (body === undefined) delete headers["content-type"];
    return parts.http.exchange({ method: raw.method, url, headers, ...(body === undefined ? {} : { body }) });
  };
}

/** The headers and Parameters body of a record request, with or without the manifest's credentials. */
function recordRequest(
  parts: ConsumerParts,
  patient: RecordSubject,
  options: RecordRequestOptions,
  credentials: boolean,
  token?: TokenFault,
): { headers: Record<string, string>; body: unknown } {
  const { profile, address } = parts;
  const values = {
    traceId: randomUUID(),
    // GP Connect's aud is the provider's FHIR base (the gateway's base URL), not the operation's URL.
    jwt: token === undefined ? consumerJwt(address.base) : faultyConsumerJwt(address.base, token),
    consumer: HARNESS_CONSUMER,
  };
  // A gateway that does not declare point-of-access consent is told nothing about it.
  const statement: ConsentStatement =
    profile.consent === undefined
      ? { consent: "not-asked" }
      : { consent: options.consent, ...(options.reason === undefined ? {} : { reason: options.reason }) };
  const base: Record<string, string> = {
    ...profileHeaders(values),
    // Credentials in the base URL are the gateway's way in: they replace the JWT as the Authorization.
    ...(address.basicAuthorization === undefined ? {} : { authorization: address.basicAuthorization }),
    ...consentHeaders(profile.consent, statement),
  };
  if (!credentials) delete base.authorization;
  const templates = credentials
    ? profile.headers
    : Object.fromEntries(
        Object.entries(profile.headers).filter(
          ([, template]) => template === null || !CREDENTIAL_TEMPLATE.test(template),
        ),
      );
  const { headers, secrets } = applyHeaderTemplates(base, templates, values, parts.env);
  for (const secret of secrets) parts.secrets.add(secret);
  const body = structuredRecordParameters(
    options.nhsNumber ?? patient.nhsNumber,
    options.areas ?? DEFAULT_AREAS,
    profile.parameters,
    consentParameters(profile.consent, statement),
  );
  return { headers, body };
}
