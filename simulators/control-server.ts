/**
 * The control API over HTTP (`/_control`): what the harness, or a developer with curl, uses to read the
 * region, add practices and patients, set faults and read the journal. Only loopback callers are served,
 * unless a token is configured; then only callers presenting it are.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { JournalFilter, JournalTargetKind } from "./journal.js";
import { TRAITS, type Trait } from "./population/types.js";
import type { Region } from "./region.js";
import { RegionError } from "./region-errors.js";

export const CONTROL_BASE_PATH = "/_control";

export interface ControlAppOptions {
  readonly region: Region;
  /** When set, every request needs `Authorization: Bearer <token>`, from any address. */
  readonly token?: string;
}

const JOURNAL_TARGETS: readonly JournalTargetKind[] = ["pds", "sds", "practice"];
const JOURNAL_QUERY_FIELDS = ["target", "ods", "nhsNumber", "after"] as const;

export function buildControlApp({ region, token }: ControlAppOptions): FastifyInstance {
  const app = Fastify();

  app.addHook("onRequest", async (request, reply) => {
    if (token === undefined) {
      if (!isLoopback(request.socket.remoteAddress)) {
        return sendError(
          reply,
          403,
          `the control API serves loopback callers only (caller ${request.socket.remoteAddress ?? "unknown"}); ` +
            "start the region with a control token to allow others",
        );
      }
      return;
    }
    if (!presentsToken(request.headers.authorization, token)) {
      reply.header("WWW-Authenticate", 'Bearer realm="gp-harness control"');
      return sendError(
        reply,
        401,
        "the control API needs the header 'Authorization: Bearer <control token>'",
      );
    }
  });

  app.register(
    async (control) => {
      control.get("/region", async () => region.info());

      control.post("/practices", async (request, reply) => {
        const body = objectBody(request);
        const system = body.system;
        if (system !== "emis" && system !== "tpp") {
          throw new RegionError(
            "INVALID_REQUEST",
            `"system" must be "emis" or "tpp", got ${describe(system)}`,
          );
        }
        return reply.code(201).send(await region.addPractice(system));
      });

      control.post("/patients", async (request, reply) => {
        const body = objectBody(request);
        if (typeof body.ods !== "string" || body.ods === "") {
          throw new RegionError(
            "INVALID_REQUEST",
            `"ods" must be a practice's ODS code, got ${describe(body.ods)}`,
          );
        }
        const traits = body.traits ?? [];
        if (!Array.isArray(traits)) {
          throw new RegionError(
            "INVALID_REQUEST",
            `"traits" must be an array of traits, got ${describe(traits)}`,
          );
        }
        for (const trait of traits) {
          if (!(TRAITS as readonly unknown[]).includes(trait)) {
            throw new RegionError(
              "INVALID_REQUEST",
              `"traits" holds an unknown trait ${describe(trait)}; known traits: ${TRAITS.join(", ")}`,
            );
          }
        }
        return reply.code(201).send(region.addPatient(body.ods, traits as Trait[]));
      });

      // Any number of extra minted numbers is harmless: none is ever given to a patient.
      control.get("/unknown-nhs-number", async () => ({ nhsNumber: region.unknownNhsNumber() }));

      control.put<{ Params: { target: string } }>("/faults/:target", async (request, reply) => {
        const body = objectBody(request);
        if (body.kind !== "offline") {
          throw new RegionError("INVALID_REQUEST", `"kind" must be "offline", got ${describe(body.kind)}`);
        }
        await region.setFault(request.params.target, { kind: "offline" });
        return reply.code(204).send();
      });

      control.delete<{ Params: { target: string } }>("/faults/:target", async (request, reply) => {
        await region.setFault(request.params.target, null);
        return reply.code(204).send();
      });

      control.get("/journal", async (request) => ({ entries: region.journal.list(journalFilter(request)) }));

      control.delete("/journal", async (_request, reply) => {
        region.journal.clear();
        return reply.code(204).send();
      });
    },
    { prefix: CONTROL_BASE_PATH },
  );

  app.setNotFoundHandler(async (request, reply) =>
    sendError(reply, 404, `no control route ${request.method} ${request.url.split("?")[0]}`),
  );

  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof RegionError) return sendError(reply, error.status, error.message);
    const status = (error as { statusCode?: unknown }).statusCode;
    // Fastify's own 4xx (malformed JSON, wrong content type, body too large) keep their status and text.
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendError(reply, status, `bad request body: ${(error as Error).message}`);
    }
    return sendError(
      reply,
      500,
      `control request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  return app;
}

function journalFilter(request: FastifyRequest): JournalFilter {
  const query = request.query as Record<string, unknown>;
  for (const name of Object.keys(query)) {
    if (!(JOURNAL_QUERY_FIELDS as readonly string[]).includes(name)) {
      throw new RegionError(
        "INVALID_REQUEST",
        `unknown journal filter "${name}"; filters are: ${JOURNAL_QUERY_FIELDS.join(", ")}`,
      );
    }
  }
  const target = singleValue(query, "target");
  if (target !== undefined && !(JOURNAL_TARGETS as readonly string[]).includes(target)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"target" must be one of ${JOURNAL_TARGETS.join(", ")}, got "${target}"`,
    );
  }
  const after = singleValue(query, "after");
  if (after !== undefined && !/^\d+$/.test(after)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"after" must be a journal sequence number (a whole number), got "${after}"`,
    );
  }
  const ods = singleValue(query, "ods");
  const nhsNumber = singleValue(query, "nhsNumber");
  return {
    ...(target === undefined ? {} : { target: target as JournalTargetKind }),
    ...(ods === undefined ? {} : { ods }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(after === undefined ? {} : { after: Number(after) }),
  };
}

function singleValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RegionError("INVALID_REQUEST", `"${name}" must be given once`);
  return value;
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RegionError("INVALID_REQUEST", "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type("application/json").send({ error: message });
}

/** IPv4 loopback (127.0.0.0/8), IPv6 loopback, and IPv4 loopback mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

function presentsToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  // Constant-time comparison, so the token cannot be guessed from response timings.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
