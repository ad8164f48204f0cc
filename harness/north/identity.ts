/**
 * Who the harness is when it plays the clinician's system: a consumer organisation the simulated SDS knows,
 * a synthetic GP, and the GP Connect JWT that names them.
 */

import {
  ODS_ORGANISATION_SYSTEM,
  SDS_ROLE_PROFILE_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../../gpconnect/identifiers.js";
import {
  type GpConnectClaims,
  JWT_ALGORITHM,
  JWT_LIFETIME_SECONDS,
  REASON_FOR_REQUEST,
  REQUESTED_SCOPE,
} from "../../gpconnect/jwt.js";
import { CODE_SYSTEMS } from "../../gpconnect/profiles.js";

/** The harness's own identity as a consumer organisation (the simulated SDS knows it). */
export const HARNESS_CONSUMER = { ods: "Y99001", asid: "999000000001" } as const;

/** The clinician the harness plays: a synthetic GP with an SDS user id, as a real consumer sends one. */
export const HARNESS_CLINICIAN = {
  sdsUserId: "999999999901",
  roleProfileId: "999999999902",
  family: "Okafor",
  given: "Adaeze",
  prefix: "Dr",
  /** The SDS job role the clinician has: Clinical Practitioner Access Role. */
  jobRole: "R8000",
} as const;

/**
 * A consumer JWT gone wrong, for the scenarios about what a gateway accepts as credentials: not a JWT at all,
 * already expired, issued ahead of the gateway's clock, made for another provider, or naming the clinician in
 * another SDS job role.
 */
export type TokenFault =
  | "malformed"
  | "expired"
  | "issued-in-the-future"
  | "for-another-audience"
  | { readonly jobRole: string };

/** Ten minutes: far past any clock skew a gateway allows, and twice a token's whole lifetime. */
const FAR_OFF_SECONDS = 600;

/** The consumer's JWT with `fault` in it. */
export function faultyConsumerJwt(audience: string, fault: TokenFault, now = new Date()): string {
  const seconds = (offset: number) => new Date(now.getTime() + offset * 1000);
  switch (fault) {
    case "malformed":
      return "not-a-jwt";
    case "expired":
      return consumerJwt(audience, seconds(-FAR_OFF_SECONDS - JWT_LIFETIME_SECONDS));
    case "issued-in-the-future":
      return consumerJwt(audience, seconds(FAR_OFF_SECONDS));
    case "for-another-audience":
      return consumerJwt("https://another-provider.gp-harness.invalid/STU3/1", now);
    default:
      return consumerJwt(audience, now, fault.jobRole);
  }
}

export type HarnessClinician = typeof HARNESS_CLINICIAN;

/** The consumer's GP Connect JWT: unsigned, five minutes, naming the clinician and their organisation. */
export function consumerJwt(
  audience: string,
  now = new Date(),
  jobRole: string = HARNESS_CLINICIAN.jobRole,
): string {
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
      practitionerRole: [{ role: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: jobRole }] } }],
    },
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: JWT_ALGORITHM, typ: "JWT" })}.${encode(claims)}.`;
}
