/**
 * The Spine Security Proxy headers and the GP Connect JWT of a provider request, checked as a provider
 * must: any problem is 400 BAD_REQUEST with diagnostics naming the header or claim.
 */
import type { IncomingHttpHeaders } from "node:http";
import { SSP_FROM, SSP_INTERACTION_ID, SSP_TO, SSP_TRACE_ID } from "../../gpconnect/headers.js";
import { ODS_ORGANISATION_SYSTEM, STRUCTURED_RECORD_INTERACTION } from "../../gpconnect/identifiers.js";
import {
  CONFIDENTIALITY_SCOPES,
  JWT_ALGORITHM,
  JWT_LIFETIME_SECONDS,
  REASON_FOR_REQUEST,
  REQUESTED_SCOPE,
  REQUIRED_JWT_CLAIMS,
} from "../../gpconnect/jwt.js";
import type { Practice } from "../population/types.js";
import { deepFreeze } from "./deep-freeze.js";
import { type Checked, fail, ok } from "./failure.js";

/** Tolerated clock difference between consumer and provider when checking iat. */
const CLOCK_SKEW_SECONDS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type JwtClaims = Record<string, unknown>;

/** `name` in lower case, as Node keys them. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed;
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function resourceOfType(value: unknown, resourceType: string): Record<string, unknown> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const resource = value as Record<string, unknown>;
  return resource.resourceType === resourceType ? resource : undefined;
}

function checkSspHeaders(headers: IncomingHttpHeaders, practice: Practice): Checked<null> {
  const traceId = header(headers, SSP_TRACE_ID);
  if (traceId === undefined) return fail("BAD_REQUEST", "Ssp-TraceID header is missing");
  if (!UUID.test(traceId)) return fail("BAD_REQUEST", `Ssp-TraceID header "${traceId}" is not a UUID`);
  const from = header(headers, SSP_FROM);
  if (from === undefined) return fail("BAD_REQUEST", "Ssp-From header (the consumer's ASID) is missing");
  if (!/^\d+$/.test(from)) return fail("BAD_REQUEST", `Ssp-From header "${from}" is not an ASID`);
  const to = header(headers, SSP_TO);
  if (to === undefined) return fail("BAD_REQUEST", "Ssp-To header (the provider's ASID) is missing");
  if (to !== practice.asid) {
    return fail(
      "BAD_REQUEST",
      `Ssp-To header "${to}" is not this provider's ASID (${practice.asid}, ${practice.ods})`,
    );
  }
  const interaction = header(headers, SSP_INTERACTION_ID);
  if (interaction === undefined) return fail("BAD_REQUEST", "Ssp-InteractionID header is missing");
  if (interaction !== STRUCTURED_RECORD_INTERACTION) {
    return fail(
      "BAD_REQUEST",
      `Ssp-InteractionID header "${interaction}" does not match the operation (${STRUCTURED_RECORD_INTERACTION})`,
    );
  }
  return ok(null);
}

function checkClaims(claims: JwtClaims, endpointPath: string, nowSeconds: number): Checked<JwtClaims> {
  for (const name of REQUIRED_JWT_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null)
      return fail("BAD_REQUEST", `JWT claim "${name}" is missing`);
  }
  const { exp, iat, aud } = claims;
  if (typeof exp !== "number" || !Number.isInteger(exp))
    return fail("BAD_REQUEST", 'JWT claim "exp" is not a whole number');
  if (typeof iat !== "number" || !Number.isInteger(iat))
    return fail("BAD_REQUEST", 'JWT claim "iat" is not a whole number');
  if (exp - iat !== JWT_LIFETIME_SECONDS) {
    return fail(
      "BAD_REQUEST",
      `JWT exp must be iat + ${JWT_LIFETIME_SECONDS} seconds, got iat + ${exp - iat}`,
    );
  }
  if (exp <= nowSeconds) return fail("BAD_REQUEST", `JWT expired at ${new Date(exp * 1000).toISOString()}`);
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    return fail("BAD_REQUEST", `JWT iat ${new Date(iat * 1000).toISOString()} is in the future`);
  }
  if (typeof aud !== "string" || !aud.replace(/\/+$/, "").endsWith(endpointPath)) {
    return fail("BAD_REQUEST", `JWT aud "${String(aud)}" is not this provider's endpoint (…${endpointPath})`);
  }
  if (claims.reason_for_request !== REASON_FOR_REQUEST) {
    return fail(
      "BAD_REQUEST",
      `JWT reason_for_request must be "${REASON_FOR_REQUEST}", got "${String(claims.reason_for_request)}"`,
    );
  }
  if (!isDirectCareReadScope(claims.requested_scope)) {
    return fail(
      "BAD_REQUEST",
      `JWT requested_scope must be "${REQUESTED_SCOPE}" or "${REQUESTED_SCOPE} ${CONFIDENTIALITY_SCOPES.normal}", got "${String(claims.requested_scope)}"`,
    );
  }
  if (resourceOfType(claims.requesting_device, "Device") === undefined) {
    return fail("BAD_REQUEST", "JWT requesting_device is not a Device resource");
  }
  const organization = resourceOfType(claims.requesting_organization, "Organization");
  const odsIdentifier = Array.isArray(organization?.identifier)
    ? (organization.identifier as unknown[]).find(
        (i): i is { system: string; value: string } =>
          i !== null &&
          typeof i === "object" &&
          (i as { system?: unknown }).system === ODS_ORGANISATION_SYSTEM &&
          typeof (i as { value?: unknown }).value === "string",
      )
    : undefined;
  if (organization === undefined)
    return fail("BAD_REQUEST", "JWT requesting_organization is not an Organization resource");
  if (odsIdentifier === undefined) {
    return fail(
      "BAD_REQUEST",
      `JWT requesting_organization has no identifier with system ${ODS_ORGANISATION_SYSTEM}`,
    );
  }
  const practitioner = resourceOfType(claims.requesting_practitioner, "Practitioner");
  if (practitioner === undefined)
    return fail("BAD_REQUEST", "JWT requesting_practitioner is not a Practitioner resource");
  if (practitioner.id !== claims.sub) {
    return fail(
      "BAD_REQUEST",
      `JWT sub "${String(claims.sub)}" does not match requesting_practitioner.id "${String(practitioner.id)}"`,
    );
  }
  return ok(claims);
}

/**
 * A requested_scope this provider serves a direct-care record request under (GP Connect 1.6 "Cross-organisation
 * audit and provenance"): the patient read scope, with at most one confidentiality scope, space-separated in
 * either order. Normal confidentiality (conf/N) is what a token without one means; restricted (conf/R) is for
 * GP2GP transfers only, which this provider does not serve.
 */
function isDirectCareReadScope(scope: unknown): boolean {
  if (typeof scope !== "string") return false;
  const values = scope.trim().split(/ +/);
  const read = values.filter((value) => value === REQUESTED_SCOPE).length;
  const normal = values.filter((value) => value === CONFIDENTIALITY_SCOPES.normal).length;
  return read === 1 && normal <= 1 && read + normal === values.length;
}

/** Tokens decoded, by their text; bounded, oldest first out. */
const DECODED_TOKENS_MAX = 256;
const decodedTokens = new Map<string, Checked<JwtClaims>>();
let lastToken: { readonly text: string; readonly decoded: Checked<JwtClaims> } | undefined;

/** The token's claims, or why it cannot be read: a pure function of its text. */
function decodeToken(token: string): Checked<JwtClaims> {
  const parts = token.split(".");
  if (parts.length !== 3)
    return fail("BAD_REQUEST", "JWT must have three dot-separated parts (header.payload.signature)");
  const [encodedHeader = "", encodedPayload = "", signature = ""] = parts;
  const jwtHeader = decodeJsonObject(encodedHeader);
  if (jwtHeader === undefined) return fail("BAD_REQUEST", "JWT header is not base64url-encoded JSON");
  if (jwtHeader.alg !== JWT_ALGORITHM)
    return fail("BAD_REQUEST", `JWT alg must be "none", got "${String(jwtHeader.alg)}"`);
  if (signature !== "") return fail("BAD_REQUEST", 'JWT with alg "none" must have an empty signature');
  const claims = decodeJsonObject(encodedPayload);
  if (claims === undefined) return fail("BAD_REQUEST", "JWT payload is not base64url-encoded JSON");
  return ok(deepFreeze(claims));
}

/**
 * Decodes a token once: a consumer sends the same token with every request for its five minutes, and
 * decoding it (base64url, then JSON) is a large part of a cached answer's cost. The claims are checked
 * against the clock on every request all the same.
 */
function decodedToken(token: string): Checked<JwtClaims> {
  // Comparing with the last token is cheaper than hashing a kilobyte or two for the map.
  if (lastToken !== undefined && token === lastToken.text) return lastToken.decoded;
  let decoded = decodedTokens.get(token);
  if (decoded === undefined) {
    decoded = decodeToken(token);
    if (decodedTokens.size >= DECODED_TOKENS_MAX) {
      const oldest = decodedTokens.keys().next().value;
      if (oldest !== undefined) decodedTokens.delete(oldest);
    }
    decodedTokens.set(token, decoded);
  }
  lastToken = { text: token, decoded };
  return decoded;
}

/** The JWT's claims when the Ssp headers and the bearer token are acceptable. */
export function checkRequestHeaders(
  headers: IncomingHttpHeaders,
  options: { readonly practice: Practice; readonly endpointPath: string; readonly nowSeconds: number },
): Checked<JwtClaims> {
  const ssp = checkSspHeaders(headers, options.practice);
  if (!ssp.ok) return ssp;
  const authorization = header(headers, "authorization");
  if (authorization === undefined) return fail("BAD_REQUEST", "Authorization header (Bearer JWT) is missing");
  if (!authorization.startsWith("Bearer "))
    return fail("BAD_REQUEST", "Authorization header is not a Bearer token");
  const decoded = decodedToken(authorization.slice("Bearer ".length).trim());
  if (!decoded.ok) return decoded;
  return checkClaims(decoded.value, options.endpointPath, options.nowSeconds);
}
