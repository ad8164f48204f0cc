/** Faulty gateways that lose whose request it is, or say more than they should. */
import type { Fault } from "../faulty-gateway.js";

export const SECURITY_FAULTS = {
  "anonymous-to-practice": {
    defect: "Forwards requests without the clinician: the practice sees only the gateway.",
    request: (r) => {
      delete r.headers.authorization;
    },
    catches: { "SECURITY-01": /the clinician's identity reached the practice: .*names SDS user id UNK/ },
  },
  "codes-under-wrong-system": {
    defect:
      "Answers the right Spine error code under a code system of its own: a consumer keying on Spine-ErrorOrWarningCode-1 finds no code.",
    answer: (answer) =>
      answer.status >= 400
        ? {
            ...answer,
            body: answer.body.replaceAll(
              "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
              "https://gateway.example/CodeSystem/errors",
            ),
          }
        : answer,
    catches: {
      "CONSENT-02":
        /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under https:\/\/gateway\.example\/CodeSystem\/errors/,
      "CONSENT-03": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-05": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "CONSENT-06": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CORE-01": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "CORE-02": /error code INVALID_NHS_NUMBER: .*only INVALID_NHS_NUMBER under/,
      "SAFETY-08": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "SAFETY-09": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "SAFETY-10": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "CONSENT-07": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "CONSENT-08": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-09": /error code NO_ORGANISATION_CONSENT: .*only NO_ORGANISATION_CONSENT under/,
      "CONSENT-10": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-12": /error code ACCESS DENIED: .*only ACCESS DENIED under/,
    },
  },
} satisfies Record<string, Fault>;
