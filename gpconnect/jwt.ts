/**
 * The GP Connect JWT (1.6 "Cross-organisation audit and provenance"): unsigned (alg none), five minutes from
 * issue to expiry, for direct care, read-only, naming the requesting device, organisation and practitioner as
 * FHIR STU3 resources. Shapes and fixed values only: issuing and checking tokens is each speaker's own work.
 */

/** A token lives exactly this long: exp = iat + 300. */
export const JWT_LIFETIME_SECONDS = 300;
/** GP Connect tokens are not signed: the header says alg none and the signature part is empty. */
export const JWT_ALGORITHM = "none";
export const REASON_FOR_REQUEST = "directcare";
export const REQUESTED_SCOPE = "patient/*.read";
/**
 * The confidentiality scope a token may add to its requested_scope, space-separated ("patient/*.read conf/N");
 * without one a provider "MUST interpret this as normal confidentiality, conf/N". The restricted one, conf/R,
 * is for GP2GP record transfers only.
 */
export const CONFIDENTIALITY_SCOPES = { normal: "conf/N", restricted: "conf/R" } as const;

/** Every claim a GP Connect token carries. */
export const REQUIRED_JWT_CLAIMS = [
  "iss",
  "sub",
  "aud",
  "exp",
  "iat",
  "reason_for_request",
  "requested_scope",
  "requesting_device",
  "requesting_organization",
  "requesting_practitioner",
] as const;

export interface ClaimIdentifier {
  readonly system: string;
  readonly value: string;
}

/** The consumer system making the request. */
export interface RequestingDevice {
  readonly resourceType: "Device";
  readonly identifier: readonly ClaimIdentifier[];
  readonly model: string;
  readonly version: string;
}

/** The consumer organisation: an identifier under the ODS system. */
export interface RequestingOrganization {
  readonly resourceType: "Organization";
  readonly identifier: readonly ClaimIdentifier[];
  readonly name: string;
}

/** The user: `id` equals the token's `sub`; identifiers under the SDS user id and role profile systems. */
export interface RequestingPractitioner {
  readonly resourceType: "Practitioner";
  readonly id: string;
  readonly identifier: readonly ClaimIdentifier[];
  readonly name: readonly {
    readonly family?: string;
    readonly given?: readonly string[];
    readonly prefix?: readonly string[];
  }[];
  /** The user's national (Spine RBAC) role, which GP Connect prefers to a local one: SDS job role codes. */
  readonly practitionerRole?: readonly {
    readonly role: { readonly coding: readonly { readonly system: string; readonly code: string }[] };
  }[];
}

export interface GpConnectClaims {
  readonly iss: string;
  readonly sub: string;
  /** The provider's FHIR base: the endpoint address SDS publishes. */
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly reason_for_request: typeof REASON_FOR_REQUEST;
  readonly requested_scope: typeof REQUESTED_SCOPE;
  readonly requesting_device: RequestingDevice;
  readonly requesting_organization: RequestingOrganization;
  readonly requesting_practitioner: RequestingPractitioner;
}
