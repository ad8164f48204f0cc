/**
 * A gateway shaped like NHS England's clinical data gateway (its openapi.yaml in
 * ../shared/reference/gateways/clinical-data-gateway-api): `POST /patient/$gpc.getstructuredrecord`, lower-case
 * and nothing else; `Ods-from` and `Ssp-TraceID` required; `Content-Type: application/fhir+json`; a Parameters
 * body whose parameters may only be `patientNHSNumber`; no point-of-access consent. South it does what the
 * reference gateway does (PDS → SDS → practice, with the reference gateway's own modules), asking the practice
 * with patientNHSNumber alone and answering what the practice answered.
 *
 * In-process: `startNhseShapedGateway({ pds, sds })`. Standalone:
 *   PDS_URL=... SDS_URL=... PORT=0 HOST=127.0.0.1 node --import tsx test/gateways/nhse-shaped.ts
 * prints `nhse-shaped gateway listening on http://...` when ready.
 */
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Agent } from "undici";
import { type GatewayConfig, readGatewayConfig } from "../../gateway/config.js";
import { readConsumerClaims } from "../../gateway/gpconnect-jwt.js";
import { isJsonObject, parseJson } from "../../gateway/json-values.js";
import { GatewayError, gatewayError, gpcError } from "../../gateway/outcomes.js";
import { PracticeClient } from "../../gateway/practice-client.js";
import { SpineClient } from "../../gateway/spine-client.js";
import { isValidNhsNumber } from "../../gateway/structured-request.js";
import type { Parameters } from "../../gpconnect/fhir-stu3.js";
import { FHIR_JSON, NHS_NUMBER_SYSTEM } from "../../gpconnect/identifiers.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import { PATIENT_NHS_NUMBER_PARAMETER } from "../../gpconnect/parameters.js";

export const NHSE_OPERATION_PATH = "/patient/$gpc.getstructuredrecord";

export interface RunningTestGateway {
  readonly url: string;
  close(): Promise<void>;
}

export interface NhseShapedOptions {
  readonly pds: string;
  readonly sds: string;
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
}

export async function startNhseShapedGateway(options: NhseShapedOptions): Promise<RunningTestGateway> {
  const config = readGatewayConfig({
    PDS_URL: options.pds,
    SDS_URL: options.sds,
    HOST: options.host ?? "127.0.0.1",
    PORT: String(options.port ?? 0),
  });
  return listen(config);
}

async function listen(config: GatewayConfig): Promise<RunningTestGateway> {
  const app = buildNhseShapedGateway(config);
  await app.listen({ host: config.host, port: config.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${config.host}:${port}`, close: () => app.close() };
}

export function buildNhseShapedGateway(config: GatewayConfig): FastifyInstance {
  const app = Fastify({ logger: false });
  const dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  const spine = new SpineClient(config, dispatcher);
  const practices = new PracticeClient(config, dispatcher);
  app.addHook("onClose", async () => dispatcher.close());
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FHIR_JSON, { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.post(NHSE_OPERATION_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const traceId = requiredHeader(request, "ssp-traceid", "Ssp-TraceID");
    requiredHeader(request, "ods-from", "Ods-from");
    // Who is asking is settled before anything is looked up: a request without a token goes no further.
    const consumerClaims = readConsumerClaims(request.headers.authorization);
    const nhsNumber = patientNhsNumber(request.body);
    // The practice knows the patient by the number PDS answers with (a superseded number's current one).
    const registered = await spine.registration(nhsNumber, traceId);
    const route = await spine.providerRoute(registered.ods, traceId);
    const parameters: Parameters = {
      resourceType: "Parameters",
      parameter: [
        {
          name: PATIENT_NHS_NUMBER_PARAMETER,
          valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: registered.nhsNumber },
        },
      ],
    };
    const answer = await practices.getStructuredRecord({
      route,
      parameters,
      traceId,
      consumerClaims,
    });
    return reply.code(answer.status).type(FHIR_JSON).send(answer.body);
  });
  app.setNotFoundHandler(async (request, reply) =>
    send(
      reply,
      gatewayError(404, "not-found", `No such route: ${request.method} ${request.url.slice(0, 200)}`),
    ),
  );
  app.setErrorHandler(async (error: unknown, _request, reply) => {
    if (error instanceof GatewayError) return send(reply, error);
    const status = isJsonObject(error) && typeof error.statusCode === "number" ? error.statusCode : 500;
    if (status === 415)
      return send(reply, gatewayError(415, "not-supported", `Content-Type must be ${FHIR_JSON}`));
    if (status >= 400 && status < 500)
      return send(reply, gpcError("BAD_REQUEST", "The request could not be read"));
    return send(
      reply,
      new GatewayError(500, operationOutcome("INTERNAL_SERVER_ERROR", "The gateway failed")),
    );
  });
  return app;
}

function requiredHeader(request: FastifyRequest, name: string, display: string): string {
  const value = request.headers[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw gpcError("BAD_REQUEST", `The ${display} header is required`);
  }
  return value.trim();
}

/** The body as the openapi's schema says: Parameters whose every parameter is patientNHSNumber, exactly one. */
function patientNhsNumber(body: unknown): string {
  const parsed = typeof body === "string" ? parseJson(body) : { ok: false as const };
  if (!parsed.ok || !isJsonObject(parsed.value) || parsed.value.resourceType !== "Parameters") {
    throw gpcError("INVALID_RESOURCE", "The request body must be a FHIR Parameters resource");
  }
  const parameters = parsed.value.parameter;
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw gpcError("INVALID_PARAMETER", "Parameters.parameter must hold patientNHSNumber");
  }
  const names = parameters.map((p) => (isJsonObject(p) ? String(p.name) : "?"));
  const others = names.filter((name) => name !== PATIENT_NHS_NUMBER_PARAMETER);
  if (others.length > 0) {
    throw gpcError("INVALID_PARAMETER", `Only patientNHSNumber is accepted, not ${others.join(", ")}`);
  }
  if (parameters.length !== 1)
    throw gpcError("INVALID_PARAMETER", "patientNHSNumber is given more than once");
  const identifier = (parameters[0] as { valueIdentifier?: unknown }).valueIdentifier;
  if (!isJsonObject(identifier) || identifier.system !== NHS_NUMBER_SYSTEM) {
    throw gpcError("INVALID_IDENTIFIER_SYSTEM", `patientNHSNumber must use the system ${NHS_NUMBER_SYSTEM}`);
  }
  if (typeof identifier.value !== "string" || !isValidNhsNumber(identifier.value)) {
    throw gpcError("INVALID_NHS_NUMBER", "patientNHSNumber is not a valid NHS number");
  }
  return identifier.value;
}

function send(reply: FastifyReply, error: GatewayError): FastifyReply {
  return reply.code(error.status).type(FHIR_JSON).send(JSON.stringify(error.outcome));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const gateway = await listen(readGatewayConfig(process.env));
  process.stdout.write(`nhse-shaped gateway listening on ${gateway.url}\n`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
