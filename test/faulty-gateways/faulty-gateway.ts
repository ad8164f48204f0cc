/**
 * Faulty gateways, for proving that each scenario catches the fault it guards against. Each is the reference
 * gateway with one realistic defect, the way a real implementation might have it; the defect is the only
 * difference, so a scenario that fails against it fails for that reason.
 *
 * A faulty gateway is three parts, each optional in effect: its own reference gateway (with `config` changes to
 * its environment: a budget too long, no retries...), a proxy in front of it north (`request`, `answer`,
 * `before`: what it does to the consumer's request and to its answer), and a proxy behind it south (`south`:
 * what it does to its own calls to PDS, SDS and the practices). The faults themselves are in ./faults/.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import { REFERENCE_ALLOWED_ROLES } from "../support/audit-manifest.js";
import { type SouthTamper, startSouthProxy } from "./south-proxy.js";

export interface FaultyGateway {
  readonly url: string;
  close(): Promise<void>;
}

export interface Forwarded {
  headers: Record<string, string>;
  body: string;
  /** The path and query the consumer asked for. */
  url: string;
  method: string;
}

export interface Answer {
  status: number;
  body: string;
  /** Default application/fhir+json. */
  contentType?: string;
}

/** Where the simulated services are, for a fault that does something on the side. */
export interface Spine {
  readonly pds: string;
  readonly sds: string;
  readonly control: string;
}

export interface Fault {
  /** The defect in one sentence, as a reviewer would describe it. */
  readonly defect: string;
  /**
   * The scenarios it must fail, each with the words of the failed check that names it: against this gateway,
   * exactly these scenarios fail (a fault fails only the scenarios it concerns), each on a check matching.
   */
  readonly catches: Readonly<Record<string, RegExp>>;
  /**
   * Scenarios it fails only for some synthetic patients (the one a scenario is given depends on what the
   * region made before it), each with the words its failure must have when it does fail.
   */
  readonly mayCatch?: Readonly<Record<string, RegExp>>;
  /** Changes to the environment of its own reference gateway (REQUEST_BUDGET_MS, SOUTH_RETRIES...). */
  readonly config?: Readonly<Record<string, string>>;
  /** What it does to the consumer's request before handling it as the reference gateway would. */
  readonly request?: (forwarded: Forwarded) => void;
  /** What it does to the answer before giving it to the consumer. */
  readonly answer?: (answer: Answer, original: Forwarded) => Answer | Promise<Answer>;
  /** Something it does first, on the side. */
  readonly before?: (original: Forwarded, spine: Spine) => Promise<void>;
  /** What it does to its own calls south. */
  readonly south?: SouthTamper;
  /** Answers instead of the reference gateway, for what a correct gateway would never be asked to do. */
  readonly instead?: (original: Forwarded, spine: Spine) => Promise<Answer | undefined>;
}

/** The faulty gateway for `fault`: its own reference gateway in `spine`'s region, behind and before proxies. */
export async function startFaultyGateway(fault: Fault, spine: Spine): Promise<FaultyGateway> {
  const south = fault.south === undefined ? undefined : await startSouthProxy(fault.south, spine);
  const correct = await startGateway(
    readGatewayConfig({
      PDS_URL: south?.pds ?? spine.pds,
      SDS_URL: south?.sds ?? spine.sds,
      PORT: "0",
      HOST: "127.0.0.1",
      ALLOWED_ROLES: REFERENCE_ALLOWED_ROLES.join(","),
      ...fault.config,
    }),
  );
  // Closing ends every connection, so a request the harness gave up on (a gateway waiting on a hung practice)
  // does not hold the close until its keep-alive timeout.
  const app: FastifyInstance = Fastify({ bodyLimit: 1024 * 1024, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.all("/*", async (req, reply) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection"].includes(name))
        headers[name] = value;
    }
    // As a reverse proxy says it: the gateway behind checks the JWT's aud against the host the consumer addressed.
    if (req.headers.host !== undefined) headers["x-forwarded-host"] = req.headers.host;
    const original: Forwarded = {
      headers: { ...headers },
      body: String(req.body ?? ""),
      url: req.url,
      method: req.method,
    };
    const forwarded: Forwarded = { ...original, headers };
    const instead = await fault.instead?.(original, spine);
    if (instead !== undefined) return send(reply, instead);
    // A side errand that fails (PDS down) does not stop the gateway's own work.
    await fault.before?.(original, spine).catch(() => undefined);
    fault.request?.(forwarded);
    const upstream = await request(new URL(forwarded.url, correct.url), {
      method: forwarded.method as "POST",
      headers: forwarded.headers,
      ...(forwarded.method === "GET" || forwarded.method === "HEAD" ? {} : { body: forwarded.body }),
    });
    const correctAnswer: Answer = {
      status: upstream.statusCode,
      body: await upstream.body.text(),
      contentType: String(upstream.headers["content-type"] ?? "application/fhir+json"),
    };
    return send(reply, fault.answer ? await fault.answer(correctAnswer, original) : correctAnswer);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await correct.close();
      await south?.close();
    },
  };
}

function send(reply: import("fastify").FastifyReply, answer: Answer) {
  return reply
    .code(answer.status)
    .type(answer.contentType ?? "application/fhir+json")
    .send(answer.body);
}

/** The answer's body as a Bundle, changed by `change`, when it is a 200 record; otherwise as it was. */
export function changeRecord(answer: Answer, change: (bundle: fhir.Bundle) => void): Answer {
  if (answer.status !== 200) return answer;
  const bundle = JSON.parse(answer.body) as fhir.Bundle;
  change(bundle);
  return { ...answer, body: JSON.stringify(bundle) };
}

/** The resources of a Bundle of one type. */
export function resourcesOf<T extends fhir.Resource>(bundle: fhir.Bundle, type: T["resourceType"]): T[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource): resource is T => resource?.resourceType === type);
}
