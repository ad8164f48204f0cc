/**
 * GP Connect's unsigned JWT (alg none): reading the consumer's claims on the north side, and issuing a fresh
 * token for the practice that carries the clinician's identity, with the gateway as the requesting device.
 */
import {
  ASID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_ROLE_PROFILE_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../gpconnect/identifiers.js";
import {
  JWT_ALGORITHM,
  JWT_LIFETIME_SECONDS,
  REASON_FOR_REQUEST,
  REQUESTED_SCOPE,
} from "../gpconnect/jwt.js";
import { isJsonObject, type JsonObject, parseJson } from "./json-values.js";
import { gpcError } from "./outcomes.js";

export const GATEWAY_ISSUER = "https://reference-gateway.gp-harness.invalid";
const GATEWAY_PRODUCT = "gp-harness reference gateway";

/**
 * The consumer's claims. GP Connect requires the JWT on every request and answers a missing or unreadable one
 * with 400 BAD_REQUEST: a request that does not say who is asking is refused before anything is looked up.
 */
export function readConsumerClaims(authorization: string | undefined): JsonObject {
  if (authorization === undefined || authorization.trim() === "") {
    throw gpcError("BAD_REQUEST", "The request carries no GP Connect JWT (Authorization: Bearer <JWT>)");
  }
  const match = /^Bearer\s+([^\s]+)$/i.exec(authorization.trim());
  const parts = match?.[1]?.split(".");
  if (parts === undefined || parts.length !== 3 || parts[1] === undefined) {
    throw gpcError("BAD_REQUEST", "Authorization must be 'Bearer <JWT>'");
  }
  const claims = parseJson(Buffer.from(parts[1], "base64url").toString("utf8"));
  if (!claims.ok || !isJsonObject(claims.value)) {
    throw gpcError("BAD_REQUEST", "The bearer token's payload is not a JSON object");
  }
  for (const claim of ["requesting_practitioner", "requesting_organization"] as const) {
    const value = claims.value[claim];
    if (value !== undefined && !isJsonObject(value)) {
      throw gpcError("BAD_REQUEST", `The bearer token's ${claim} must be a FHIR resource`);
    }
  }
  return claims.value;
}

export interface PracticeTokenInput {
  readonly consumerClaims: JsonObject;
  /** The practice's GP Connect endpoint: the token's audience. */
  readonly audience: string;
  readonly gatewayAsid: string;
  readonly gatewayOds: string;
  readonly now?: Date;
}

/** The claims of the token the gateway sends to the practice. */
export function practiceTokenClaims(input: PracticeTokenInput): JsonObject {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const consumer = input.consumerClaims;
  const practitioner = isJsonObject(consumer.requesting_practitioner)
    ? consumer.requesting_practitioner
    : unidentifiedPractitioner();
  const organization = isJsonObject(consumer.requesting_organization)
    ? consumer.requesting_organization
    : gatewayOrganization(input.gatewayOds);
  return {
    iss: GATEWAY_ISSUER,
    // GP Connect requires sub to be the requesting practitioner's id.
    sub: typeof practitioner.id === "string" ? practitioner.id : "UNK",
    aud: input.audience,
    exp: issuedAt + JWT_LIFETIME_SECONDS,
    iat: issuedAt,
    reason_for_request:
      typeof consumer.reason_for_request === "string" ? consumer.reason_for_request : REASON_FOR_REQUEST,
    // The gateway only ever reads, whatever the consumer asked for.
    requested_scope: REQUESTED_SCOPE,
    requesting_device: gatewayDevice(input.gatewayAsid),
    requesting_organization: organization,
    requesting_practitioner: practitioner,
  };
}

/** header.payload. with an empty signature, as GP Connect's unsigned tokens are. */
export function encodeUnsignedJwt(claims: JsonObject): string {
  const header = { alg: JWT_ALGORITHM, typ: "JWT" };
  return `${base64UrlJson(header)}.${base64UrlJson(claims)}.`;
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function gatewayDevice(asid: string): JsonObject {
  return {
    resourceType: "Device",
    identifier: [{ system: ASID_SYSTEM, value: asid }],
    model: GATEWAY_PRODUCT,
    version: "1",
  };
}

function gatewayOrganization(ods: string): JsonObject {
  return {
    resourceType: "Organization",
    identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: ods }],
    name: GATEWAY_PRODUCT,
  };
}

/** GP Connect's "UNK" user: the consumer named no practitioner, and the gateway must not invent one. */
function unidentifiedPractitioner(): JsonObject {
  return {
    resourceType: "Practitioner",
    id: "UNK",
    identifier: [
      { system: SDS_USER_ID_SYSTEM, value: "UNK" },
      { system: SDS_ROLE_PROFILE_SYSTEM, value: "UNK" },
    ],
    name: [{ family: "UNK" }],
  };
}
