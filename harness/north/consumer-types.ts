/** What the two kinds of consumer (GP Connect, adapter) share: the request a scenario makes, and their parts. */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { GatewayAddress } from "./gateway-address.js";
import type { TokenFault } from "./identity.js";
import type { GatewayAnswer, NorthHttp } from "./north-http.js";
import type { NorthProfile } from "./profile.js";
import type { ConsentAnswer } from "./record-request.js";

export interface RecordRequestOptions {
  readonly consent: ConsentAnswer;
  /** Required by the consent model for `emergency`. */
  readonly reason?: string;
  /** Ask about this NHS number instead of the patient's (unknown or invalid numbers). */
  readonly nhsNumber?: string;
  /**
   * The clinical areas to ask for (default: allergies and medication). Areas the profile does not accept are
   * never sent: a scenario that needs one is the caller's to omit.
   */
  readonly areas?: readonly ClinicalAreaParameter[];
}

/** The patient a record is asked for (a scenario's world patient will do). */
export interface RecordSubject {
  readonly nhsNumber: string;
}

export type GetRecord = (patient: RecordSubject, options: RecordRequestOptions) => Promise<GatewayAnswer>;

/**
 * A request that is not a normal record request, for scenarios about what a gateway does with one (a wrong
 * content type, an unknown path, no credentials). Sent with the profile's headers and credentials unless told
 * otherwise, and kept as evidence like every exchange.
 */
export interface RawRequest {
  readonly method: string;
  /** The path under the gateway's base URL; default: the profile's operation path. */
  readonly path?: string;
  /** Replaces the profile's Content-Type. */
  readonly contentType?: string;
  /**
   * Text, sent as it is; or `{ recordOf: patient }`: the structured-record request `getRecord` would send for
   * the patient, consent granted. Default: no body.
   */
  readonly body?: string | { readonly recordOf: RecordSubject };
  /**
   * `false`: without the credentials the manifest declares — the Authorization header (the JWT, or Basic from
   * credentials in the base URL) and every header template that uses `${jwt}` or `${env:...}`.
   */
  readonly credentials?: false;
  /**
   * The consumer's JWT with this fault in it (malformed, expired, issued in the future, for another audience,
   * or naming the clinician in another SDS job role), wherever the JWT goes: the Authorization header and
   * every header template that uses `${jwt}`.
   */
  readonly token?: TokenFault;
}

export type SendRaw = (request: RawRequest) => Promise<GatewayAnswer>;

/**
 * Thrown when the consumer cannot make a request of this kind: a consumer adapter speaks the gateway's own
 * API, so a raw GP Connect request means nothing to it. The scenario is reported as skipped.
 */
export class RequestNotPossible extends Error {
  override readonly name = "RequestNotPossible";
}

/** One consumer's working parts. */
export interface ConsumerParts {
  readonly profile: NorthProfile;
  readonly address: GatewayAddress;
  readonly http: NorthHttp;
  readonly env: NodeJS.ProcessEnv;
  /** Every secret met so far; grows as header templates are expanded. */
  readonly secrets: Set<string>;
}
