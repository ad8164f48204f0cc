/**
 * The control API over HTTP (`/_control`): what the harness, or a developer with curl, uses to read the
 * region, add practices, patients and consumers, set faults, change a practice's settings and read the journal. The same operations as
 * the in-process Region, described in `control-openapi.ts` (served at `/_control/openapi.json`). Only
 * loopback callers are served, unless a token is configured; then only callers presenting it are.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { Fault } from "../faults/faults.js";
import type { JournalFilter, JournalTargetKind } from "../journal/journal.js";
import { TRAITS, type Trait } from "../population/types.js";
import { RegionError } from "../region/errors.js";
import type { Region } from "../region/types.js";
import { CONTROL_OPENAPI, type HttpMethodName } from "./openapi.js";

export const CONTROL_BASE_PATH = "/_control";
export const OPENAPI_PATH = `${CONTROL_BASE_PATH}/openapi.json`;
/** Control bodies are a few hundred bytes. */
export const CONTROL_BODY_LIMIT_BYTES = 64 * 1024;

export interface ControlAppOptions {
  readonly region: Region;
  /** When set, every request needs `Authorization: Bearer <token>`, from any address. */
  readonly token?: string;
}

/** A route as registered: method and fastify URL pattern (`/_control/faults/:target`). */
export interface ControlRoute {
  readonly method: string;
  readonly url: string;
}

const JOURNAL_TARGETS: readonly JournalTargetKind[] = ["pds", "sds", "practice"];
const JOURNAL_QUERY_FIELDS = ["target", "ods", "nhsNumber", "after", "since", "until"] as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

const registeredRoutes = new WeakMap<FastifyInstance, ControlRoute[]>();

/** The routes a control app registered, for checking them against the OpenAPI description. */
export function controlRoutes(app: FastifyInstance): readonly ControlRoute[] {
  return registeredRoutes.get(app) ?? [];
}

export function buildControlApp({ region, token }: ControlAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: CONTROL_BODY_LIMIT_BYTES, exposeHeadRoutes: false });
  const routes: ControlRoute[] = [];
  registeredRoutes.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  // JSON only: a text/plain body is a 415, not a string the handlers must reject.
  app.removeContentTypeParser("text/plain");

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
      control.get("/openapi.json", async () => CONTROL_OPENAPI);

      control.get("/region", async () => region.info());

      control.post("/practices", async (request, reply) => {
        const body = objectBody(request, ["system", "sharingEnabled"]);
        const system = body.system;
        if (system !== "emis" && system !== "tpp") {
          throw new RegionError(
            "INVALID_REQUEST",
            `"system" must be "emis" or "tpp", got ${describe(system)}`,
          );
        }
        if (body.sharingEnabled !== undefined && typeof body.sharingEnabled !== "boolean") {
          throw new RegionError(
            "INVALID_REQUEST",
            `"sharingEnabled" must be true or false, got ${describe(body.sharingEnabled)}`,
          );
        }
        const creation = body.sharingEnabled === undefined ? {} : { sharingEnabled: body.sharingEnabled };
        return reply.code(201).send(await region.addPractice(system, creation));
      });

      practiceSetting(control, {
        path: "disabled-areas",
        field: "areas",
        required: "the clinical area parameters to switch off ([] switches all back on)",
        read: (ods) => region.disabledAreas(ods),
        // The region checks the ODS code first, then names any area it does not know.
        write: (ods, areas) => region.setDisabledAreas(ods, areas as ClinicalAreaParameter[]),
      });

      practiceSetting(control, {
        path: "sharing-agreements",
        field: "withoutAgreement",
        required:
          "the ODS codes of the consumer organisations the practice has no data-sharing agreement with ([] for none)",
        read: (ods) => region.organisationsWithoutAgreement(ods),
        // The region checks the ODS code first, then names any code of the wrong shape.
        write: (ods, codes) => region.setOrganisationsWithoutAgreement(ods, codes as string[]),
      });

      control.post("/patients", async (request, reply) => {
        const body = objectBody(request, ["ods", "traits"]);
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

      control.post("/consumers", async (request, reply) => {
        const body = objectBody(request, ["ods", "asid", "name"]);
        return reply.code(201).send(
          region.addConsumer({
            ods: body.ods as string,
            asid: body.asid as string,
            ...(body.name === undefined ? {} : { name: body.name as string }),
          }),
        );
      });

      // Any number of extra minted numbers is harmless: none is ever given to a patient.
      control.get("/unknown-nhs-number", async () => ({ nhsNumber: region.unknownNhsNumber() }));

      control.get("/faults", async () => ({ faults: region.faults() }));

      control.delete("/faults", async (_request, reply) => {
        await region.clearFaults();
        return reply.code(204).send();
      });

      control.put<{ Params: { target: string } }>("/faults/:target", async (request) => {
        const target = request.params.target;
        // The region checks the fault and names the field at fault.
        await region.setFault(target, request.body as Fault);
        return { target, fault: region.faults()[target] };
      });

      control.delete<{ Params: { target: string } }>("/faults/:target", async (request, reply) => {
        await region.setFault(request.params.target, null);
        return reply.code(204).send();
      });

      control.get("/journal", async (request) => {
        const filter = journalFilter(request);
        return { entries: region.journal.list(filter), ...region.journal.stats() };
      });

      control.delete("/journal", async (_request, reply) => {
        region.journal.clear();
        return reply.code(204).send();
      });
    },
    { prefix: CONTROL_BASE_PATH },
  );

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = methodsForPath(path);
    if (allowed.length > 0) {
      reply.header("Allow", allowed.join(", "));
      return sendError(
        reply,
        405,
        `${request.method} is not allowed on ${path}; use ${allowed.join(" or ")}`,
      );
    }
    return sendError(reply, 404, `no control route ${request.method} ${path}`);
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof RegionError) return sendError(reply, error.status, error.message);
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 415) {
      return sendError(
        reply,
        415,
        `the body must be application/json, got ${describe(request.headers["content-type"])}`,
      );
    }
    if (status === 413) {
      return sendError(reply, 413, `the body is larger than ${CONTROL_BODY_LIMIT_BYTES} bytes`);
    }
    // Fastify's other 4xx (malformed JSON, empty JSON body) keep their status and text.
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

/** The methods the OpenAPI description gives a concrete path (for 405 and its Allow header). */
function methodsForPath(path: string): string[] {
  for (const [template, item] of Object.entries(CONTROL_OPENAPI.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
    if (pattern.test(path)) return (Object.keys(item) as HttpMethodName[]).map((m) => m.toUpperCase());
  }
  return [];
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
  if (after !== undefined && !/^\d{1,15}$/.test(after)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"after" must be a journal sequence number (a whole number), got "${after}"`,
    );
  }
  const since = timeValue(query, "since");
  const until = timeValue(query, "until");
  const ods = singleValue(query, "ods");
  const nhsNumber = singleValue(query, "nhsNumber");
  return {
    ...(target === undefined ? {} : { target: target as JournalTargetKind }),
    ...(ods === undefined ? {} : { ods }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(after === undefined ? {} : { after: Number(after) }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

function timeValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = singleValue(query, name);
  if (value !== undefined && (!ISO_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"${name}" must be an ISO 8601 time such as 2025-06-01T09:30:00Z, got "${value}"`,
    );
  }
  return value;
}

function singleValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RegionError("INVALID_REQUEST", `"${name}" must be given once`);
  return value;
}

/** The body as a JSON object; with `fields`, any other field is refused by name. */
/** A list-valued setting of one practice, changed at run time: GET reads it, PUT replaces it, DELETE empties it. */
interface PracticeSetting {
  /** The path under /practices/{ods}/. */
  readonly path: string;
  /** The body's one field, and the answer's beside `ods`. */
  readonly field: string;
  /** What the field holds, for the error when it is missing. */
  readonly required: string;
  read(ods: string): unknown[];
  /** Checks and applies the values (RegionError when they are wrong); answers the setting now. */
  write(ods: string, values: unknown): unknown[];
}

function practiceSetting(control: FastifyInstance, setting: PracticeSetting): void {
  const route = `/practices/:ods/${setting.path}`;
  type Request = { Params: { ods: string } };
  control.get<Request>(route, async (request) => {
    const { ods } = request.params;
    return { ods, [setting.field]: setting.read(ods) };
  });
  control.put<Request>(route, async (request) => {
    const { ods } = request.params;
    const values = objectBody(request, [setting.field])[setting.field];
    if (values === undefined) {
      throw new RegionError("INVALID_REQUEST", `"${setting.field}" is required: ${setting.required}`);
    }
    return { ods, [setting.field]: setting.write(ods, values) };
  });
  control.delete<Request>(route, async (request, reply) => {
    setting.write(request.params.ods, []);
    return reply.code(204).send();
  });
}

function objectBody(request: FastifyRequest, fields?: readonly string[]): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RegionError("INVALID_REQUEST", "the request body must be a JSON object");
  }
  if (fields !== undefined) {
    for (const name of Object.keys(body)) {
      if (!fields.includes(name)) {
        throw new RegionError(
          "INVALID_REQUEST",
          `"${name}" is not a field of this request (its fields: ${fields.join(", ")})`,
        );
      }
    }
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
