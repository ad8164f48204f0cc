/** Faulty gateways that get point-of-access consent, dissent or sharing agreements wrong. */
import { operationOutcome } from "../../../gpconnect/outcomes.js";
import type { Fault } from "../faulty-gateway.js";

export const CONSENT_FAULTS = {
  "ignores-refusal": {
    defect: "Reads X-Consent but treats a refusal as consent.",
    request: (r) => {
      if (r.headers["x-consent"] === "refused") r.headers["x-consent"] = "granted";
    },
    catches: {
      "CONSENT-02": /HTTP status 403: the gateway answered 200/,
      "CONSENT-06": /HTTP status 403: the gateway answered 200/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 30 requests failed/,
    },
  },
  "refuses-everything": {
    defect: "Treats every answer as a refusal: nobody sees any record.",
    request: (r) => {
      r.headers["x-consent"] = "refused";
    },
    catches: {
      "CORE-03": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-06": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SAFETY-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "SECURITY-01": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CORE-01": /HTTP status 404: the gateway answered 403/,
      "CONSENT-05": /HTTP status 400: the gateway answered 403/,
      "RESILIENCE-01": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-02": /a server-side error status \(5xx\): the gateway answered 403/,
      "RESILIENCE-03": /a server-side error status \(5xx\): the gateway answered 403/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 30 requests failed/,
      "PERFORMANCE-03": /the error rate met rate<0\.01: [1-9]\d* of 20 requests failed/,
      "PERFORMANCE-04": /the error rate met rate<0\.01: [1-9]\d* of 20 requests failed/,
    },
  },
  "fetches-before-asking": {
    defect:
      "Fetches the record first and only then acts on a refusal: the answer looks right, the journal does not.",
    request: (r) => {
      if (r.headers["x-consent"] === "refused") r.headers["x-consent"] = "granted";
    },
    answer: (answer, original) =>
      original.headers["x-consent"] === "refused"
        ? {
            status: 403,
            body: JSON.stringify(operationOutcome("NO_PATIENT_CONSENT", "Refused at the point of access.")),
          }
        : answer,
    catches: {
      "CONSENT-02": /no record request reached the practice .*: the practice received 1 record request/,
    },
  },
  "invents-emergency-reason": {
    defect:
      "Supplies a reason of its own when the clinician gave none, so the emergency override needs no reason.",
    request: (r) => {
      if (r.headers["x-consent"] === "emergency" && !r.headers["x-consent-reason"]) {
        r.headers["x-consent-reason"] = "emergency";
      }
    },
    catches: { "CONSENT-05": /HTTP status 400: the gateway answered 200/ },
  },
  "no-emergency-override": {
    defect: "Does not know the emergency override and treats it as a refusal.",
    request: (r) => {
      if (r.headers["x-consent"] === "emergency") r.headers["x-consent"] = "refused";
    },
    catches: {
      "CONSENT-04": /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "CONSENT-05": /HTTP status 400: the gateway answered 403 \(NO_PATIENT_CONSENT\)/,
      "PERFORMANCE-01": /the error rate met rate<0\.01: [1-9]\d* of 30 requests failed/,
    },
  },
} satisfies Record<string, Fault>;
