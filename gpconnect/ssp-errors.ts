/**
 * The Spine Secure Proxy's own refusals, as GP Connect's error-handling guidance shows them ("Spine Secure
 * Proxy (SSP) errors"): the proxy in front of every provider answers these itself, before the provider sees
 * the request. They are not provider errors: the code is the HTTP status under the proxy's response-code
 * system, and the diagnostics say which check failed and for which ASID.
 */
import type { OperationOutcome } from "./fhir-stu3.js";

/** The code system of the proxy's refusals (not Spine-ErrorOrWarningCode-1). */
export const SSP_RESPONSE_CODE_SYSTEM = "http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0";

/** The proxy's status when the sender's ASID is not authorised for the interaction. */
export const SSP_SENDER_REFUSED_STATUS = 403;

/** What the proxy names a sender it does not know: ASID_CHECK_FAILED_MESSAGESENDER_{ASID}. */
export function sspSenderCheck(asid: string): string {
  return `ASID_CHECK_FAILED_MESSAGESENDER_${asid}`;
}

/** "Sender ASID is not authorised for this interaction": 403, issue forbidden, the check in display and diagnostics. */
export function sspSenderRefusal(asid: string): OperationOutcome {
  const check = sspSenderCheck(asid);
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "error",
        code: "forbidden",
        details: {
          coding: [
            { system: SSP_RESPONSE_CODE_SYSTEM, code: String(SSP_SENDER_REFUSED_STATUS), display: check },
          ],
        },
        diagnostics: check,
      },
    ],
  };
}
