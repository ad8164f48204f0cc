/**
 * Point-of-access consent (the MIG model): the clinician asks the patient every time and the consumer
 * states the answer in `X-Consent` (granted | refused | emergency) and `X-Consent-Reason`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { gpcError } from "./outcomes.js";

export type ConsentDecision =
  | { readonly kind: "granted" }
  | { readonly kind: "refused" }
  /** Emergency access without consent must say why, so the override can be audited. */
  | { readonly kind: "emergency"; readonly reason: string };

/** A statement the gateway cannot act on, and why: it is audited, then refused with 400 BAD_REQUEST. */
export interface UnusableConsent {
  readonly kind: "emergency-without-reason" | "not-stated" | "unrecognised";
  readonly problem: string;
}

export type StatedConsent = ConsentDecision | UnusableConsent;

export const CONSENT_HEADER = "x-consent";
export const CONSENT_REASON_HEADER = "x-consent-reason";

/** Longer reasons are refused: a reason is a sentence for an auditor, not a document. */
const MAX_REASON_LENGTH = 1000;

/** What the consumer stated, usable or not; never throws. */
export function statedConsent(headers: IncomingHttpHeaders): StatedConsent {
  const stated = headerText(headers[CONSENT_HEADER]);
  if (stated === undefined) {
    return { kind: "not-stated", problem: "X-Consent header is required: granted, refused or emergency" };
  }
  switch (stated.toLowerCase()) {
    case "granted":
      return { kind: "granted" };
    case "refused":
      return { kind: "refused" };
    case "emergency": {
      const reason = headerText(headers[CONSENT_REASON_HEADER]);
      if (reason === undefined) {
        return {
          kind: "emergency-without-reason",
          problem: "X-Consent-Reason header is required when X-Consent is emergency",
        };
      }
      if (reason.length > MAX_REASON_LENGTH) {
        return {
          kind: "unrecognised",
          problem: `X-Consent-Reason must be at most ${MAX_REASON_LENGTH} characters`,
        };
      }
      return { kind: "emergency", reason };
    }
    default:
      return {
        kind: "unrecognised",
        problem: `X-Consent must be granted, refused or emergency, got "${stated.slice(0, 40)}"`,
      };
  }
}

/** The consent the consumer stated; throws 400 BAD_REQUEST when it is missing, unknown or incomplete. */
export function readPointOfAccessConsent(headers: IncomingHttpHeaders): ConsentDecision {
  return usableOrThrow(statedConsent(headers));
}

export function usableOrThrow(stated: StatedConsent): ConsentDecision {
  if ("problem" in stated) throw gpcError("BAD_REQUEST", stated.problem);
  return stated;
}

/** A header's trimmed text; absent, empty and repeated headers (ambiguous answers) count as missing or invalid. */
function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(", ") : value;
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
