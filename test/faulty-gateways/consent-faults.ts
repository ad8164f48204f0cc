/**
 * Faulty gateways for proving the consent scenarios catch their faults. Each stands in front of a correct
 * gateway and breaks one rule, the way a real implementation might.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { operationOutcome } from "../../simulators/gpconnect/errors.js";

export interface FaultyGateway {
  readonly url: string;
  close(): Promise<void>;
}

type Fault = "ignores-refusal" | "fetches-before-asking";

/**
 * - `ignores-refusal`: treats every answer as consent granted (the header is read but never acted on).
 * - `fetches-before-asking`: fetches the record first, then answers 403 when consent was refused — the
 *   answer looks right, only the practice's journal shows the record was read.
 */
export async function startFaultyGateway(fault: Fault, correctGatewayUrl: string): Promise<FaultyGateway> {
  const app: FastifyInstance = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.post("/*", async (req, reply) => {
    const consent = req.headers["x-consent"];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection"].includes(name))
        headers[name] = value;
    }
    headers["x-consent"] = "granted";
    const upstream = await request(new URL(req.url, correctGatewayUrl), {
      method: "POST",
      headers,
      body: req.body as string,
    });
    const text = await upstream.body.text();
    if (fault === "fetches-before-asking" && consent === "refused") {
      return reply
        .code(403)
        .type("application/fhir+json")
        .send(operationOutcome("NO_PATIENT_CONSENT", "The patient refused consent at the point of access."));
    }
    return reply.code(upstream.statusCode).type("application/fhir+json").send(text);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
