/**
 * The reference gateway's north API: `POST /Patient/$gpc.getstructuredrecord` with point-of-access consent,
 * and `GET /_audit?nhsNumber=...`, the consent audit trail about one patient.
 * Order of work: check the request, then consent (audited, whatever it says), then PDS → SDS → practice within
 * one time budget, so nothing leaves the gateway for a request it will refuse.
 */

import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import { Agent } from "undici";
import type { OperationOutcome } from "../gpconnect/fhir-stu3.js";
import { SSP_TRACE_ID } from "../gpconnect/headers.js";
import { FHIR_JSON } from "../gpconnect/identifiers.js";
import { operationOutcome } from "../gpconnect/outcomes.js";
import { type AuditEntry, AuditTrail, auditOutcome, consumerIdentity } from "./audit.js";
import type { GatewayConfig } from "./config.js";
import { type ConsentDecision, statedConsent, usableOrThrow } from "./consent.js";
import { checkConsumerToken } from "./consumer-token.js";
import { readConsumerClaims } from "./gpconnect-jwt.js";
import { isJsonObject, type JsonObject } from "./json-values.js";
import { GatewayError, gatewayError, gpcError } from "./outcomes.js";
import { type PracticeAnswer, PracticeClient } from "./practice-client.js";
import { southPolicy } from "./south-http.js";
import { SpineClient } from "./spine-client.js";
import {
  forPatient,
  isValidNhsNumber,
  readStructuredRecordRequest,
  type StructuredRecordRequest,
} from "./structured-request.js";

/** Both spellings: GP Connect's, and the lower-case one NHS England's gateway exposes. */
export const STRUCTURED_RECORD_PATHS = [
  "/Patient/$gpc.getstructuredrecord",
  "/patient/$gpc.getstructuredrecord",
];

/** A Parameters request is a few hundred bytes; this leaves room without inviting abuse. */
export const NORTH_BODY_LIMIT_BYTES = 64 * 1024;

const FHIR_JSON_UTF8 = `${FHIR_JSON}; charset=utf-8`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GatewayAppOptions {
  /** Fastify's logger; off by default so stdout carries only the listening line. */
  readonly logger?: FastifyServerOptions["logger"];
}

export function buildGatewayApp(config: GatewayConfig, options: GatewayAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: NORTH_BODY_LIMIT_BYTES });
  // Our own connection pool, so closing the app leaves no sockets keeping the process alive.
  const dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  const spine = new SpineClient(config, dispatcher);
  const practices = new PracticeClient(config, dispatcher);
  const audit = new AuditTrail(config.auditLog);
  app.addHook("onClose", async () => {
    await dispatcher.close();
    await audit.close();
  });

  // Bodies stay text until the handler checks them, so malformed JSON is a GP Connect error, not Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([FHIR_JSON, "application/json"], { parseAs: "string" }, (_request, body, done) => {
    done(null, body);
  });

  const getStructuredRecord = structuredRecordHandler({ config, spine, practices, audit });

  app.get("/_audit", async (request, reply) => {
    const query = isJsonObject(request.query) ? request.query : {};
    const nhsNumber = typeof query.nhsNumber === "string" ? query.nhsNumber : "";
    if (!isValidNhsNumber(nhsNumber)) {
      throw gpcError("INVALID_NHS_NUMBER", "nhsNumber must be a valid NHS number");
    }
    return reply.type("application/json; charset=utf-8").send({ nhsNumber, entries: audit.about(nhsNumber) });
  });

  // The trail is read-only: nothing the API offers alters or removes an entry.
  app.route({
    method: ["POST", "PUT", "DELETE", "PATCH"],
    url: "/_audit",
    handler: async (request, reply) => {
      void reply.header("allow", "GET");
      throw gatewayError(
        405,
        "not-supported",
        `${request.method} is not allowed: the audit trail is read-only`,
      );
    },
  });

  for (const url of STRUCTURED_RECORD_PATHS) {
    app.post(url, getStructuredRecord);
    app.route({
      method: ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"],
      url,
      exposeHeadRoute: false,
      handler: async (request, reply) => {
        void reply.header("allow", "POST");
        throw gatewayError(405, "not-supported", `${request.method} is not allowed here; use POST`);
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) =>
    sendOutcome(
      reply,
      gatewayError(404, "not-found", `No such route: ${request.method} ${request.url.slice(0, 200)}`),
    ),
  );

  app.setErrorHandler(answerError);
  return app;
}

interface RouteParts {
  readonly config: GatewayConfig;
  readonly spine: SpineClient;
  readonly practices: PracticeClient;
  readonly audit: AuditTrail;
}

/** PDS → SDS → practice, every call within one budget for the whole request. */
async function retrieve(
  parts: RouteParts,
  consent: ConsentDecision,
  north: StructuredRecordRequest,
  traceId: string,
  consumerClaims: JsonObject,
): Promise<PracticeAnswer> {
  if (consent.kind === "refused") {
    throw gpcError(
      "NO_PATIENT_CONSENT",
      "The patient refused consent at the point of access; no record was requested",
    );
  }
  const policy = southPolicy(parts.config);
  const registered = await parts.spine.registration(north.nhsNumber, traceId, policy);
  const route = await parts.spine.providerRoute(registered.ods, traceId, policy);
  // A superseded number: the practice knows the patient by the number PDS answered with.
  const parameters =
    registered.nhsNumber === north.nhsNumber
      ? north.parameters
      : forPatient(north.parameters, registered.nhsNumber);
  return parts.practices.getStructuredRecord({
    route,
    parameters,
    traceId,
    consumerClaims,
    policy,
  });
}

/** The structured-record operation: consent decided and audited, then the record retrieved or refused. */
function structuredRecordHandler(parts: RouteParts) {
  return async function getStructuredRecord(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const traceId = traceIdOf(request.headers[SSP_TRACE_ID]);
    void reply.header(SSP_TRACE_ID, traceId);
    const north = readStructuredRecordRequest(request.body);
    const stated = statedConsent(request.headers);
    const decided: Omit<AuditEntry, "outcome"> = {
      time: new Date().toISOString(),
      traceId,
      nhsNumber: north.nhsNumber,
      decision: stated.kind,
      ...(stated.kind === "emergency" ? { reason: stated.reason } : {}),
    };
    // Who asked is audited as far as the token says, even when the token is then refused.
    let identity: ReturnType<typeof consumerIdentity> = {};
    try {
      const consumerClaims = readConsumerClaims(request.headers.authorization);
      identity = consumerIdentity(consumerClaims);
      checkConsumerToken(consumerClaims, {
        audienceHosts: [...addressedHosts(request), ...parts.config.audienceHosts],
        allowedRoles: parts.config.allowedRoles,
      });
      const answer = await retrieve(parts, usableOrThrow(stated), north, traceId, consumerClaims);
      parts.audit.record({ ...decided, ...identity, outcome: auditOutcome(answer.status, answer.spineCode) });
      return reply.code(answer.status).type(FHIR_JSON_UTF8).send(answer.body);
    } catch (error) {
      const failure = error instanceof GatewayError ? error : undefined;
      parts.audit.record({
        ...decided,
        ...identity,
        outcome: auditOutcome(failure?.status ?? 500, failure?.spineCode ?? "INTERNAL_SERVER_ERROR"),
      });
      throw error;
    }
  };
}

/** The host the consumer addressed: Host, and X-Forwarded-Host when a proxy in front of the gateway says it. */
function addressedHosts(request: FastifyRequest): string[] {
  const forwarded = request.headers["x-forwarded-host"];
  const hosts = [request.headers.host, typeof forwarded === "string" ? forwarded.split(",")[0] : undefined];
  return hosts.filter((host): host is string => host !== undefined).map((host) => host.trim().toLowerCase());
}

/** Every failure as a GP Connect OperationOutcome: the gateway's own, fastify's (413, 415, 4xx), or a bug (500). */
async function answerError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (error instanceof GatewayError) return sendOutcome(reply, error);
  const status = isJsonObject(error) && typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status === 413) {
    return sendOutcome(
      reply,
      gatewayError(413, "too-long", `Request body exceeds ${NORTH_BODY_LIMIT_BYTES} bytes`),
    );
  }
  if (status === 415) {
    return sendOutcome(reply, gatewayError(415, "not-supported", `Content-Type must be ${FHIR_JSON}`));
  }
  if (status >= 400 && status < 500) {
    return sendOutcome(
      reply,
      new GatewayError(400, operationOutcome("BAD_REQUEST", "The request could not be read")),
    );
  }
  request.log.error({ err: error }, "unexpected gateway failure");
  return sendOutcome(
    reply,
    new GatewayError(500, operationOutcome("INTERNAL_SERVER_ERROR", "The gateway failed unexpectedly")),
  );
}

export interface RunningGateway {
  /** Base URL of the north API, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Builds the gateway and listens on config.host:config.port (port 0 = any free port). */
export async function startGateway(
  config: GatewayConfig,
  options: GatewayAppOptions = {},
): Promise<RunningGateway> {
  const app = buildGatewayApp(config, options);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}

function sendOutcome(reply: FastifyReply, error: GatewayError): FastifyReply {
  return reply
    .code(error.status)
    .type(FHIR_JSON_UTF8)
    .send(JSON.stringify(error.outcome satisfies OperationOutcome));
}

/** The consumer's trace id when it is the UUID GP Connect requires, so one id follows the request south. */
function traceIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && UUID.test(header.trim()) ? header.trim() : randomUUID();
}
