/**
 * The PDS simulator: `GET /Patient/{nhsNumber}` of the Personal Demographics Service FHIR R4 API, answered
 * from the synthetic population. A gateway reads the patient's registered practice (generalPractitioner)
 * here before it asks SDS where that practice's GP Connect endpoint is.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../../gpconnect/identifiers.js";
import type { Journal } from "../journal/journal.js";
import { recordInJournal } from "../journal/recording.js";
import { isValidNhsNumber } from "../population/nhs-number.js";
import type { Population, SyntheticPatient } from "../population/types.js";
import { applyServerLimits } from "../server-limits.js";
import type { R4Address, R4ContactPoint, R4OperationOutcome, R4Patient } from "./fhir-r4.js";
import { PDS_ERRORS, type PdsErrorCode, pdsOperationOutcome } from "./pds-errors.js";
import { answerFrameworkErrors, ignoreRequestBodies, SPINE_BODY_LIMIT_BYTES } from "./request-bodies.js";

export const PDS_BASE_PATH = "/personal-demographics/FHIR/R4";

const FHIR_JSON = "application/fhir+json";
/** The spec's pattern for X-Request-ID (any UUID version, either case). */
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const VERIFICATION_STATUS_URL =
  "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
const VERIFICATION_STATUS_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus";
const CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const DEATH_NOTIFICATION_URL =
  "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus";
const DEATH_NOTIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus";
/** Synthetic records never change, so every one is at its first version. */
const RECORD_VERSION = "1";

export interface PdsAppOptions {
  readonly population: Population;
  readonly journal: Journal;
}

export interface PdsPatientOptions {
  /** A restricted (sensitive) patient: meta.security R, and no address, telecom or registered GP. */
  readonly restricted: boolean;
}

export function buildPdsApp({ population, journal }: PdsAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: SPINE_BODY_LIMIT_BYTES });
  applyServerLimits(app.server);
  recordInJournal(app, journal, { kind: "pds" }, (request) => nhsNumberParam(request));
  ignoreRequestBodies(app);
  answerFrameworkErrors(
    app,
    "PDS",
    { tooLarge: "PAYLOAD_TOO_LARGE", badRequest: "INVALID_VALUE", internal: "INTERNAL_SERVER_ERROR" },
    sendError,
  );

  // PDS mirrors both tracing headers on every answer, errors included.
  app.addHook("onSend", async (request, reply) => {
    const requestId = singleHeader(request, "x-request-id");
    const correlationId = singleHeader(request, "x-correlation-id");
    if (requestId !== undefined) reply.header("X-Request-ID", requestId);
    if (correlationId !== undefined) reply.header("X-Correlation-ID", correlationId);
  });

  app.register(
    async (pds) => {
      pds.get("/Patient/:nhsNumber", async (request, reply) => {
        if (!hasValidRequestId(request, reply)) return reply;
        const nhsNumber = nhsNumberParam(request) ?? "";
        if (!isValidNhsNumber(nhsNumber)) {
          return sendError(reply, "INVALID_RESOURCE_ID", `Invalid NHS number - '${nhsNumber}'`);
        }
        // A superseded (merged) number finds the patient under their current number; PDS answers that
        // record, whose id differs from the one asked for, and the caller is expected to notice.
        const patient = population.findByNhsNumber(nhsNumber);
        if (patient === undefined) return sendError(reply, "RESOURCE_NOT_FOUND");
        const resource = pdsPatientResource(patient, { restricted: patient.restricted === true });
        return reply
          .code(200)
          .type(FHIR_JSON)
          .header("ETag", `W/"${resource.meta.versionId}"`)
          .send(resource);
      });

      // Search (no NHS number in the path) is not simulated: PDS answers a missing id this way.
      const unsupported = async (request: FastifyRequest, reply: FastifyReply) => {
        if (!hasValidRequestId(request, reply)) return reply;
        return sendError(reply, "UNSUPPORTED_SERVICE", "The simulator offers only GET /Patient/{nhsNumber}");
      };
      pds.get("/Patient", unsupported);
      pds.get("/Patient/", unsupported);
    },
    { prefix: PDS_BASE_PATH },
  );

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    if (request.method !== "GET" && path.startsWith(`${PDS_BASE_PATH}/Patient`)) {
      reply.header("Allow", "GET");
      return sendError(
        reply,
        "METHOD_NOT_ALLOWED",
        `${request.method} is not supported here; the simulator offers only GET /Patient/{nhsNumber}`,
      );
    }
    return sendError(reply, "RESOURCE_NOT_FOUND", `No such resource: ${request.method} ${path}`);
  });
  return app;
}

/** The R4 Patient PDS answers for a synthetic patient, shaped like the sandbox's Patient.json. */
export function pdsPatientResource(patient: SyntheticPatient, options: PdsPatientOptions): R4Patient {
  const common = {
    resourceType: "Patient",
    id: patient.nhsNumber,
    identifier: [
      {
        system: NHS_NUMBER_SYSTEM,
        value: patient.nhsNumber,
        extension: [
          {
            url: VERIFICATION_STATUS_URL,
            valueCodeableConcept: {
              coding: [
                {
                  system: VERIFICATION_STATUS_SYSTEM,
                  version: "1.0.0",
                  code: "01",
                  display: "Number present and verified",
                },
              ],
            },
          },
        ],
      },
    ],
    meta: {
      versionId: RECORD_VERSION,
      security: [
        options.restricted
          ? { system: CONFIDENTIALITY_SYSTEM, code: "R", display: "restricted" }
          : { system: CONFIDENTIALITY_SYSTEM, code: "U", display: "unrestricted" },
      ],
    },
    name: [
      {
        use: "usual",
        given: [...patient.name.given],
        family: patient.name.family,
        ...(patient.name.prefix === "" ? {} : { prefix: [patient.name.prefix] }),
      },
    ],
    gender: patient.gender,
    birthDate: patient.birthDate,
    ...(patient.deceasedDate === undefined ? {} : deceased(patient.deceasedDate)),
  } as const satisfies R4Patient;
  // PDS removes every location-revealing field of a restricted patient.
  if (options.restricted) return common;

  // PDS carries town and county as address lines, not in city/district.
  const address: R4Address = {
    use: "home",
    line: [
      ...patient.address.line,
      patient.address.city,
      ...(patient.address.district ? [patient.address.district] : []),
    ],
    postalCode: patient.address.postalCode,
  };
  const telecom: R4ContactPoint[] =
    patient.telecom === undefined
      ? []
      : [{ system: patient.telecom.includes("@") ? "email" : "phone", value: patient.telecom, use: "home" }];
  if (patient.email !== undefined) telecom.push({ system: "email", value: patient.email, use: "home" });
  return {
    ...common,
    address: [address],
    ...(telecom.length === 0 ? {} : { telecom }),
    generalPractitioner: [
      {
        type: "Organization",
        identifier: {
          system: ODS_ORGANISATION_SYSTEM,
          value: patient.practiceOds,
          period: { start: patient.registeredSince },
        },
      },
    ],
  };
}

/** A death as PDS records it: the date and time, and a formal notification from the Registrar of Deaths. */
function deceased(date: string): Pick<R4Patient, "deceasedDateTime" | "extension"> {
  const dateTime = date.length === 10 ? `${date}T00:00:00+00:00` : date;
  return {
    deceasedDateTime: dateTime,
    extension: [
      {
        url: DEATH_NOTIFICATION_URL,
        extension: [
          {
            url: "deathNotificationStatus",
            valueCodeableConcept: {
              coding: [
                {
                  system: DEATH_NOTIFICATION_SYSTEM,
                  version: "1.0.0",
                  code: "2",
                  display: "Formal - death notice received from Registrar of Deaths",
                },
              ],
            },
          },
          { url: "systemEffectiveDate", valueDateTime: dateTime },
        ],
      },
    ],
  };
}

/** Checks X-Request-ID as PDS does; answers the error itself and returns false when it is wrong. */
function hasValidRequestId(request: FastifyRequest, reply: FastifyReply): boolean {
  const requestId = singleHeader(request, "x-request-id");
  if (requestId === undefined) {
    sendError(
      reply,
      "PRECONDITION_FAILED",
      "Invalid request with error - X-Request-ID header must be supplied to access this resource",
    );
    return false;
  }
  if (!UUID_PATTERN.test(requestId)) {
    sendError(reply, "INVALID_VALUE", `Invalid value - '${requestId}' in header 'X-Request-ID'`);
    return false;
  }
  return true;
}

function sendError(reply: FastifyReply, code: PdsErrorCode, diagnostics?: string): FastifyReply {
  const outcome: R4OperationOutcome = pdsOperationOutcome(code, diagnostics);
  return reply.code(PDS_ERRORS[code].status).type(FHIR_JSON).send(outcome);
}

function nhsNumberParam(request: FastifyRequest): string | undefined {
  const params = request.params as { nhsNumber?: unknown } | undefined;
  return typeof params?.nhsNumber === "string" ? params.nhsNumber : undefined;
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
