/**
 * A gateway that guards its door as a production one does: https with a certificate signed by its own CA,
 * mutual TLS (a client certificate signed by that CA, or no handshake), and `Authorization: Bearer <token>`
 * equal to its GATEWAY_TOKEN (401 otherwise). Behind the door it is the reference gateway, started in-process
 * on loopback; the consumer's GP Connect JWT, which cannot travel in Authorization here, travels in
 * `X-Consumer-JWT` and is passed on as the reference gateway's Authorization.
 *
 * In-process: `startSecureGateway({ pds, sds, token, tls })`. Standalone:
 *   PDS_URL=... SDS_URL=... GATEWAY_TOKEN=... TLS_CERT_FILE=... TLS_KEY_FILE=... TLS_CA_FILE=... PORT=0 \
 *   node --import tsx test/gateways/secure-gateway.ts
 * prints `secure gateway listening on https://...` when ready.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { Agent, type Dispatcher, request } from "undici";
import { startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import { FHIR_JSON } from "../../gpconnect/identifiers.js";
import type { RunningTestGateway } from "./nhse-shaped.js";

export interface SecureGatewayOptions {
  readonly pds: string;
  readonly sds: string;
  /** The bearer token a caller must present. */
  readonly token: string;
  /** PEM text: the server's certificate and key, and the CA its clients' certificates must be signed by. */
  readonly tls: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly host?: string;
  readonly port?: number;
}

/** Headers not passed from the front door to the gateway behind it. */
const HOP_BY_HOP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "authorization"]);

export interface RunningSecureGateway extends RunningTestGateway {
  /** TLS handshakes completed so far (a consumer that reuses its connections makes one). */
  handshakes(): number;
}

export async function startSecureGateway(options: SecureGatewayOptions): Promise<RunningSecureGateway> {
  const inner = await startGateway(
    readGatewayConfig({ PDS_URL: options.pds, SDS_URL: options.sds, HOST: "127.0.0.1", PORT: "0" }),
  );
  const dispatcher = new Agent({ keepAliveTimeout: 4_000 });
  const server = createServer(
    { ...options.tls, requestCert: true, rejectUnauthorized: true },
    (incoming, outgoing) => {
      void guard(incoming, outgoing, options.token, (body) => forward(incoming, body, inner.url, dispatcher));
    },
  );
  let handshakes = 0;
  server.on("secureConnection", () => {
    handshakes++;
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host}:${port}`,
    handshakes: () => handshakes,
    close: async () => {
      await closeServer(server);
      await dispatcher.close();
      await inner.close();
    },
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function guard(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  token: string,
  pass: (body: string) => Promise<Answer>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const answer =
    incoming.headers.authorization === `Bearer ${token}`
      ? await pass(Buffer.concat(chunks).toString("utf8")).catch(() =>
          outcome(502, "exception", "The gateway failed"),
        )
      : outcome(401, "security", "Authorization: Bearer <token> is required");
  outgoing.writeHead(answer.status, answer.headers).end(answer.body);
}

async function forward(incoming: IncomingMessage, body: string, innerUrl: string, dispatcher: Dispatcher) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === "string" && !HOP_BY_HOP.has(name) && name !== "x-consumer-jwt")
      headers[name] = value;
  }
  const jwt = incoming.headers["x-consumer-jwt"];
  if (typeof jwt === "string") headers.authorization = `Bearer ${jwt}`;
  // As a reverse proxy says it: the gateway behind checks the JWT's aud against the host the consumer addressed.
  if (incoming.headers.host !== undefined) headers["x-forwarded-host"] = incoming.headers.host;
  const response = await request(`${innerUrl}${incoming.url ?? "/"}`, {
    dispatcher,
    method: (incoming.method ?? "GET") as Dispatcher.HttpMethod,
    headers,
    ...(body === "" ? {} : { body }),
  });
  const answerHeaders: Record<string, string> = {};
  for (const name of ["content-type", "ssp-traceid"]) {
    const value = response.headers[name];
    if (typeof value === "string") answerHeaders[name] = value;
  }
  return { status: response.statusCode, headers: answerHeaders, body: await response.body.text() };
}

function outcome(status: number, code: string, diagnostics: string): Answer {
  return {
    status,
    headers: { "content-type": FHIR_JSON },
    body: JSON.stringify({
      resourceType: "OperationOutcome",
      issue: [{ severity: "error", code, diagnostics }],
    }),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    process.stderr.write(`secure gateway: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const gateway = await startSecureGateway({
    pds: required("PDS_URL"),
    sds: required("SDS_URL"),
    token: required("GATEWAY_TOKEN"),
    tls: {
      cert: readFileSync(required("TLS_CERT_FILE"), "utf8"),
      key: readFileSync(required("TLS_KEY_FILE"), "utf8"),
      ca: readFileSync(required("TLS_CA_FILE"), "utf8"),
    },
    host: process.env.HOST || "127.0.0.1",
    port: Number(process.env.PORT || 0),
  });
  process.stdout.write(`secure gateway listening on ${gateway.url}\n`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
