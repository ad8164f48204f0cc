/** What the two kinds of consumer (GP Connect, adapter) share: the request a scenario makes, and their parts. */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { GatewayAddress } from "./gateway-address.js";
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

/** One consumer's working parts. */
export interface ConsumerParts {
  readonly profile: NorthProfile;
  readonly address: GatewayAddress;
  readonly http: NorthHttp;
  readonly env: NodeJS.ProcessEnv;
  /** Every secret met so far; grows as header templates are expanded. */
  readonly secrets: Set<string>;
}
