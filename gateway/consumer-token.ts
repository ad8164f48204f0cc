/**
 * What the gateway checks of the consumer's GP Connect JWT before it looks anything up (GP Connect 1.6,
 * cross-organisation audit and provenance; error handling: a JWT claim that is null or has an invalid value is
 * 400 BAD_REQUEST): a token already expired, one issued in the future beyond the clock skew allowed, one made
 * for another provider (its `aud` names another host), and, where the gateway is given a list of roles, a
 * practitioner whose SDS job role is not on it (403 ACCESS DENIED).
 */
import { CODE_SYSTEMS } from "../gpconnect/profiles.js";
import { isJsonObject, type JsonObject, objectsOf } from "./json-values.js";
import { gpcError } from "./outcomes.js";

/** Clocks differ a little between consumers and the gateway; more than this is a token not to trust. */
export const CLOCK_SKEW_SECONDS = 60;

export interface TokenExpectations {
  /** The hosts (host:port) a token may be made for: the one the consumer addressed, and any configured. */
  readonly audienceHosts: readonly string[];
  /** SDS job role codes allowed to view records; undefined: roles are not checked. */
  readonly allowedRoles: readonly string[] | undefined;
  readonly now?: Date;
}

/** Throws the GP Connect error for the first thing wrong with the token's claims. */
export function checkConsumerToken(claims: JsonObject, expected: TokenExpectations): void {
  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  const { exp, iat, aud } = claims;
  if (typeof exp !== "number" || typeof iat !== "number") {
    throw gpcError("BAD_REQUEST", "The JWT's exp and iat claims must be times in seconds");
  }
  if (exp <= now - CLOCK_SKEW_SECONDS) throw gpcError("BAD_REQUEST", "The JWT has expired (exp is past)");
  if (iat > now + CLOCK_SKEW_SECONDS) {
    throw gpcError("BAD_REQUEST", "The JWT was issued in the future (iat is ahead of the gateway's clock)");
  }
  if (typeof aud !== "string" || !expected.audienceHosts.includes(hostOf(aud))) {
    throw gpcError("BAD_REQUEST", "The JWT's aud does not name this gateway");
  }
  if (expected.allowedRoles === undefined) return;
  const roles = jobRoles(claims.requesting_practitioner);
  if (!roles.some((role) => expected.allowedRoles?.includes(role))) {
    throw gpcError(
      "ACCESS DENIED",
      roles.length === 0
        ? "The JWT's practitioner carries no SDS job role"
        : "The practitioner's SDS job role is not one allowed to view records",
    );
  }
}

/** The SDS job role codes of a Practitioner claim: practitionerRole[].role.coding[] under SDS job role names. */
export function jobRoles(practitioner: unknown): string[] {
  if (!isJsonObject(practitioner)) return [];
  return objectsOf(practitioner.practitionerRole).flatMap((entry) => {
    const role = isJsonObject(entry.role) ? entry.role : {};
    return objectsOf(role.coding)
      .filter((coding) => coding.system === CODE_SYSTEMS.sdsJobRoleName)
      .map((coding) => coding.code)
      .filter((code): code is string => typeof code === "string");
  });
}

/** `https://host:8443/base` → `host:8443`; anything that is not a URL → "" (never a host). */
function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return "";
  }
}
