/**
 * The consumer's public names, where the harness first kept them; the consumer itself is in harness/north/.
 * `ConsentPlacement` here is the header-only placement a gateway target carries until targets carry a whole
 * north profile (north/profile.ts's `ResolvedConsentPlacement`).
 */
export type { ConsumerAdapter } from "./north/adapter.js";
export {
  type ConsumerOptions,
  createConsumer,
  type GatewayAnswer,
  type GatewayConsumer,
  type RecordRequestOptions,
} from "./north/consumer.js";
export { consumerJwt, HARNESS_CLINICIAN, HARNESS_CONSUMER } from "./north/identity.js";
export { type ConsentAnswer, structuredRecordParameters } from "./north/record-request.js";

export interface ConsentPlacement {
  readonly header: string;
  readonly reasonHeader: string;
}

export const DEFAULT_CONSENT_PLACEMENT: ConsentPlacement = {
  header: "X-Consent",
  reasonHeader: "X-Consent-Reason",
};
