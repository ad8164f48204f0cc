/**
 * An example record-sharing gateway whose north API is its own JSON, not GP Connect: the kind of gateway a
 * consumer adapter (adapter.ts beside this file) lets the harness test. South it does what any GP Connect
 * gateway does — PDS for the registered practice, SDS for its address, then the practice — using the
 * reference gateway's south modules, as a gateway written elsewhere would use its own.
 *
 *   POST /api/v1/records
 *   { "nhsNumber": "9990000018",
 *     "consent": { "decision": "granted" | "refused" | "emergency", "reason": "..." },
 *     "include": ["allergies", "medications", ...],              (optional; default allergies, medications)
 *     "requester": { "sdsUserId": "...", "roleProfileId": "...", "name": "Dr A Okafor", "organisationOds": "..." } }
 *   → 200 { "record": <FHIR STU3 Bundle> }
 *   → 4xx/5xx { "error": { "code": "consent-refused", "message": "..." } }   (codes: REST_ERRORS)
 *
 * Run: PDS_URL=... SDS_URL=... PORT=8090 node --import tsx server.ts   (prints "rest-gateway listening on ...")
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import { Agent } from "undici";
import { type GatewayConfig, readGatewayConfig } from "../../gateway/config.js";
import { isJsonObject, type JsonObject, objectsOf, parseJson } from "../../gateway/json-values.js";
import { GatewayError } from "../../gateway/outcomes.js";
import { PracticeClient } from "../../gateway/practice-client.js";
import { SpineClient } from "../../gateway/spine-client.js";
import { isValidNhsNumber } from "../../gateway/structured-request.js";
import { SPINE_ERROR_SYSTEM } from "../../gpconnect/error-codes.js";
import type { Parameters, ParametersParameter } from "../../gpconnect/fhir-stu3.js";
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_ROLE_PROFILE_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../../gpconnect/identifiers.js";

/** The API's own error catalogue: every code it answers, with its status. */
export const REST_ERRORS = {
  "invalid-request": 400,
  "invalid-nhs-number": 400,
  "consent-required": 400,
  "reason-required": 400,
  "consent-refused": 403,
  "patient-dissent": 403,
  "no-sharing-agreement": 403,
  "practice-refused": 403,
  "patient-not-found": 404,
  "practice-not-found": 404,
  "practice-error": 502,
  "upstream-unavailable": 502,
  "upstream-timeout": 504,
  internal: 500,
} as const;

export type RestErrorCode = keyof typeof REST_ERRORS;

/** The record sections a caller may ask for, and the GP Connect parameter each one becomes. */
export const SECTIONS: Readonly<Record<string, ParametersParameter>> = {
  allergies: { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: false }] },
  medications: {
    name: "includeMedication",
    part: [{ name: "includePrescriptionIssues", valueBoolean: true }],
  },
  consultations: { name: "includeConsultations" },
  problems: { name: "includeProblems" },
  immunisations: { name: "includeImmunisations" },
  uncategorised: { name: "includeUncategorisedData" },
  investigations: { name: "includeInvestigations" },
  referrals: { name: "includeReferrals" },
  diary: { name: "includeDiaryEntries" },
};

class RestError extends Error {
  constructor(
    readonly code: RestErrorCode,
    message: string,
    readonly status: number = REST_ERRORS[code],
  ) {
    super(message);
  }
}

interface RecordRequest {
  readonly nhsNumber: string;
  readonly sections: readonly string[];
  readonly requester: JsonObject;
}

export function buildRestGateway(config: GatewayConfig): FastifyInstance {
  const app = Fastify({ logger: false });
  const dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  const spine = new SpineClient(config, dispatcher);
  const practices = new PracticeClient(config, dispatcher);
  app.addHook("onClose", async () => dispatcher.close());

  app.post("/api/v1/records", async (request, reply) => {
    const asked = readRecordRequest(request.body);
    const traceId = randomUUID();
    try {
      // The practice knows the patient by the number PDS answers with, whatever number was asked (superseded).
      const registered = await spine.registration(asked.nhsNumber, traceId);
      const route = await spine.providerRoute(registered.ods, traceId);
      const parameters: Parameters = {
        resourceType: "Parameters",
        parameter: [
          {
            name: "patientNHSNumber",
            valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: registered.nhsNumber },
          },
          ...asked.sections.map((section) => SECTIONS[section]!),
        ],
      };
      const answer = await practices.getStructuredRecord({
        route,
        parameters,
        traceId,
        consumerClaims: asked.requester,
      });
      if (answer.status === 200) return reply.code(200).send({ record: JSON.parse(answer.body) });
      throw practiceRefusal(answer.status, answer.body);
    } catch (error) {
      throw error instanceof GatewayError ? southFailure(error) : error;
    }
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .send({ error: { code: "not-found", message: `No such route: ${request.method} ${request.url}` } }),
  );
  app.setErrorHandler(async (error: unknown, _request, reply) => {
    const known =
      error instanceof RestError
        ? error
        : isJsonObject(error) && typeof error.statusCode === "number" && error.statusCode < 500
          ? new RestError("invalid-request", "The request body must be JSON", 400)
          : new RestError("internal", "The gateway failed");
    return reply.code(known.status).send({ error: { code: known.code, message: known.message } });
  });
  return app;
}

/** Checks the body; the consent decision is checked here, before anything leaves the gateway. */
function readRecordRequest(body: unknown): RecordRequest {
  if (!isJsonObject(body)) throw new RestError("invalid-request", "The body must be a JSON object");
  const { nhsNumber, consent, include } = body;
  if (typeof nhsNumber !== "string" || !isValidNhsNumber(nhsNumber)) {
    throw new RestError("invalid-nhs-number", "nhsNumber must be a valid NHS number");
  }
  if (!isJsonObject(consent)) throw new RestError("consent-required", "consent.decision is required");
  const reason = typeof consent.reason === "string" ? consent.reason.trim() : "";
  switch (consent.decision) {
    case "granted":
      break;
    case "refused":
      throw new RestError("consent-refused", "The patient refused consent; no record was requested");
    case "emergency":
      if (reason === "") throw new RestError("reason-required", "Emergency access needs consent.reason");
      break;
    default:
      throw new RestError("consent-required", "consent.decision must be granted, refused or emergency");
  }
  const sections = include === undefined ? ["allergies", "medications"] : include;
  if (!Array.isArray(sections) || !sections.every((s) => typeof s === "string" && s in SECTIONS)) {
    throw new RestError("invalid-request", `include may hold only ${Object.keys(SECTIONS).join(", ")}`);
  }
  return { nhsNumber, sections, requester: requesterClaims(body.requester) };
}

/** The requester as GP Connect JWT claims, so the practice's audit names the clinician. */
function requesterClaims(requester: unknown): JsonObject {
  if (!isJsonObject(requester) || typeof requester.sdsUserId !== "string") return {};
  const claims: JsonObject = {
    requesting_practitioner: {
      resourceType: "Practitioner",
      id: requester.sdsUserId,
      identifier: [
        { system: SDS_USER_ID_SYSTEM, value: requester.sdsUserId },
        { system: SDS_ROLE_PROFILE_SYSTEM, value: String(requester.roleProfileId ?? "UNK") },
      ],
      name: [{ text: String(requester.name ?? "UNK") }],
    },
  };
  if (typeof requester.organisationOds === "string") {
    claims.requesting_organization = {
      resourceType: "Organization",
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: requester.organisationOds }],
    };
  }
  return claims;
}

/** The practice's OperationOutcome, in this API's words. */
function practiceRefusal(status: number, body: string): RestError {
  const code = spineCode(body);
  const message = `The practice answered ${status}${code === undefined ? "" : ` (${code})`}`;
  switch (code) {
    case "NO_PATIENT_CONSENT":
      return new RestError("patient-dissent", "The patient has asked their practice not to share the record");
    case "NO_ORGANISATION_CONSENT":
      return new RestError(
        "no-sharing-agreement",
        "The practice has no sharing agreement with the requester",
      );
    case "ACCESS DENIED":
      return new RestError("practice-refused", message);
    case "PATIENT_NOT_FOUND":
      return new RestError("patient-not-found", message);
    case "INVALID_NHS_NUMBER":
      return new RestError("invalid-nhs-number", message);
    default:
      return new RestError("practice-error", message);
  }
}

/** A PDS, SDS or practice failure the south modules reported, in this API's words. */
function southFailure(error: GatewayError): RestError {
  const code = objectsOf(error.outcome.issue)
    .flatMap((issue) => objectsOf(isJsonObject(issue.details) ? issue.details.coding : undefined))
    .find((coding) => coding.system === SPINE_ERROR_SYSTEM)?.code;
  if (code === "PATIENT_NOT_FOUND") return new RestError("patient-not-found", error.message);
  if (code === "INVALID_NHS_NUMBER") return new RestError("invalid-nhs-number", error.message);
  if (code === "ORGANISATION_NOT_FOUND") return new RestError("practice-not-found", error.message);
  if (error.status === 504) return new RestError("upstream-timeout", error.message);
  return new RestError("upstream-unavailable", error.message);
}

function spineCode(body: string): string | undefined {
  const parsed = parseJson(body);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  for (const issue of objectsOf(parsed.value.issue)) {
    const codings = isJsonObject(issue.details) ? objectsOf(issue.details.coding) : [];
    const code = codings.find((coding) => coding.system === SPINE_ERROR_SYSTEM)?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

export interface RunningRestGateway {
  readonly url: string;
  close(): Promise<void>;
}

export async function startRestGateway(config: GatewayConfig): Promise<RunningRestGateway> {
  const app = buildRestGateway(config);
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${config.host}:${port}`, close: () => app.close() };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const gateway = await startRestGateway(readGatewayConfig(process.env));
  process.stdout.write(`rest-gateway listening on ${gateway.url}\n`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
