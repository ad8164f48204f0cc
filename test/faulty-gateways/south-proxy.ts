/**
 * A proxy between a faulty gateway and the simulated services: PDS under /pds, SDS under /sds, and every
 * practice under /practice/{port} (SDS's Endpoint addresses are rewritten to point there, keeping their paths,
 * so a practice still finds its own endpoint in the JWT's aud). Each service's calls pass through the fault's
 * hook, which may change the call, the answer, or how many calls are made. A call that fails without an answer
 * (connection refused or reset, an answer cut off) is passed on as one: the gateway's connection is dropped.
 */
import Fastify from "fastify";
import { request } from "undici";

export interface SouthCall {
  readonly method: string;
  /** The service's own URL for the call. */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborted when the gateway gives up on the call (its connection to the proxy closes first). */
  readonly signal?: AbortSignal;
}

export interface SouthAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Send = (call: SouthCall) => Promise<SouthAnswer>;
/** A fault's part in one service's calls: by default `send(call)`. */
export type SouthHook = (call: SouthCall, send: Send) => Promise<SouthAnswer>;

export interface SouthTamper {
  readonly pds?: SouthHook;
  readonly sds?: SouthHook;
  readonly practice?: SouthHook;
}

export interface SouthProxy {
  readonly pds: string;
  readonly sds: string;
  close(): Promise<void>;
}

const send: Send = async (call) => {
  const answer = await request(call.url, {
    method: call.method as "GET",
    headers: call.headers,
    ...(call.method === "GET" ? {} : { body: call.body }),
    ...(call.signal === undefined ? {} : { signal: call.signal }),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (typeof value === "string" && !["content-length", "connection", "transfer-encoding"].includes(name))
      headers[name] = value;
  }
  return { status: answer.statusCode, headers, body: await answer.body.text() };
};

export async function startSouthProxy(
  tamper: SouthTamper,
  spine: { readonly pds: string; readonly sds: string },
): Promise<SouthProxy> {
  const app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  let self = "";
  app.all("/*", async (req, reply) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection"].includes(name))
        headers[name] = value;
    }
    const routed = route(req.url, spine);
    if (routed === undefined) return reply.code(404).send("not proxied");
    const gaveUp = new AbortController();
    reply.raw.on("close", () => {
      if (!reply.raw.writableFinished) gaveUp.abort();
    });
    const call: SouthCall = {
      method: req.method,
      url: routed.url,
      headers,
      body: String(req.body ?? ""),
      signal: gaveUp.signal,
    };
    const hook = tamper[routed.service] ?? ((c, s) => s(c));
    let answer: SouthAnswer;
    try {
      answer = await hook(call, send);
    } catch {
      // No answer to pass on: the gateway sees its connection fail, as it would have without the proxy.
      req.raw.socket.destroy();
      return reply;
    }
    const body = routed.service === "sds" ? pointEndpointsAt(answer.body, self) : answer.body;
    return reply.code(answer.status).headers(answer.headers).send(body);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  self = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { pds: `${self}/pds`, sds: `${self}/sds`, close: () => app.close() };
}

function route(
  url: string,
  spine: { readonly pds: string; readonly sds: string },
): { service: keyof SouthTamper; url: string } | undefined {
  if (url.startsWith("/pds")) return { service: "pds", url: `${spine.pds}${url.slice(4)}` };
  if (url.startsWith("/sds")) return { service: "sds", url: `${spine.sds}${url.slice(4)}` };
  const practice = /^\/practice\/(\d+)(\/.*)$/.exec(url);
  if (practice) return { service: "practice", url: `http://127.0.0.1:${practice[1]}${practice[2]}` };
  return undefined;
}

/** SDS's answer with every Endpoint address on loopback pointed through the proxy. */
function pointEndpointsAt(body: string, self: string): string {
  return body.replace(
    /"address"\s*:\s*"http:\/\/127\.0\.0\.1:(\d+)([^"]*)"/g,
    (_match, port: string, path: string) => `"address":"${self}/practice/${port}${path}"`,
  );
}
