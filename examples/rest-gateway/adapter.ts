/**
 * The consumer adapter of the example REST gateway (server.ts): turns the harness's request into the
 * gateway's `POST /api/v1/records`, and the gateway's answers into GP Connect's — its record is the Bundle,
 * and each of its error codes becomes the OperationOutcome and status a GP Connect gateway would have answered.
 * The mapping translates and never judges: an answer it does not recognise is passed on as it came, for the
 * harness to find wanting.
 */
import { GPC_ERRORS, type GpcErrorCode, OPERATION_OUTCOME_PROFILE } from "../../gpconnect/error-codes.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { AdapterAnswer, AdapterResponse, ConsumerAdapter } from "../../harness/north/adapter.js";

const FHIR_JSON = { "content-type": "application/fhir+json" } as const;

/** The gateway's section for each GP Connect clinical area. */
const SECTIONS: Readonly<Record<ClinicalAreaParameter, string>> = {
  includeAllergies: "allergies",
  includeMedication: "medications",
  includeConsultations: "consultations",
  includeProblems: "problems",
  includeImmunisations: "immunisations",
  includeUncategorisedData: "uncategorised",
  includeInvestigations: "investigations",
  includeReferrals: "referrals",
  includeDiaryEntries: "diary",
};

/**
 * The gateway's error codes as GP Connect says them: a Spine error code (its status is GP Connect's), or, for
 * failures GP Connect has no code for (a service south of the gateway down or slow), the gateway's own status
 * with a FHIR issue type, as the reference gateway answers them.
 */
const ERRORS: Readonly<Record<string, GpcErrorCode | { status: number; issue: string }>> = {
  "invalid-request": "BAD_REQUEST",
  "consent-required": "BAD_REQUEST",
  "reason-required": "BAD_REQUEST",
  "invalid-nhs-number": "INVALID_NHS_NUMBER",
  "consent-refused": "NO_PATIENT_CONSENT",
  "patient-dissent": "NO_PATIENT_CONSENT",
  "no-sharing-agreement": "NO_ORGANISATION_CONSENT",
  "practice-refused": "ACCESS DENIED",
  "patient-not-found": "PATIENT_NOT_FOUND",
  "practice-not-found": "ORGANISATION_NOT_FOUND",
  "practice-error": { status: 502, issue: "exception" },
  "upstream-unavailable": { status: 502, issue: "transient" },
  "upstream-timeout": { status: 504, issue: "timeout" },
  internal: "INTERNAL_SERVER_ERROR",
};

const adapter = {
  async getRecord(request, context) {
    const answer = await context.send({
      method: "POST",
      path: "/api/v1/records",
      headers: { "x-correlation-id": request.traceId },
      body: {
        nhsNumber: request.nhsNumber,
        ...(request.consent === "not-asked"
          ? {}
          : {
              consent: {
                decision: request.consent,
                ...(request.reason === undefined ? {} : { reason: request.reason }),
              },
            }),
        include: request.areas.map((area) => SECTIONS[area]),
        requester: {
          sdsUserId: context.clinician.sdsUserId,
          roleProfileId: context.clinician.roleProfileId,
          name: `${context.clinician.prefix} ${context.clinician.given} ${context.clinician.family}`,
          organisationOds: context.consumer.ods,
        },
      },
    });
    return gpConnectAnswer(answer);
  },
} satisfies ConsumerAdapter;

export default adapter;

function gpConnectAnswer(answer: AdapterResponse): AdapterAnswer {
  const body = answer.body as { record?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (answer.status === 200 && body?.record !== undefined) {
    return { status: 200, headers: FHIR_JSON, body: body.record };
  }
  const code = typeof body?.error?.code === "string" ? body.error.code : undefined;
  const mapped = code === undefined ? undefined : ERRORS[code];
  if (mapped === undefined)
    return { status: answer.status, headers: answer.headers, body: answer.body ?? answer.text };
  const message = typeof body?.error?.message === "string" ? body.error.message : code!;
  return typeof mapped === "string" ? spineError(mapped, message) : ownError(mapped, message);
}

function spineError(code: GpcErrorCode, diagnostics: string): AdapterAnswer {
  return { status: GPC_ERRORS[code].status, headers: FHIR_JSON, body: operationOutcome(code, diagnostics) };
}

function ownError(error: { status: number; issue: string }, diagnostics: string): AdapterAnswer {
  return {
    status: error.status,
    headers: FHIR_JSON,
    body: {
      resourceType: "OperationOutcome",
      meta: { profile: [OPERATION_OUTCOME_PROFILE] },
      issue: [{ severity: "error", code: error.issue, diagnostics }],
    },
  };
}
