/**
 * The control API over HTTP (`/_control`): what the harness, or a developer with curl, uses to read the
 * region, add practices, patients and consumers, set faults, change a practice's settings and read the
 * journal; the same operations as the in-process Region. Each route declares its schema (routes/*.ts):
 * fastify checks requests against it and @fastify/swagger builds the OpenAPI document from it, served at
 * `/_control/openapi.json`. Who is served is decided first (access.ts).
 */
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import type { Region } from "../region/types.js";
import { applyServerLimits } from "../server-limits.js";
import { accessGuard } from "./access.js";
import {
  CONTROL_BODY_LIMIT_BYTES,
  type ControlRoute,
  controlErrorHandler,
  notFoundHandler,
} from "./errors.js";
import { FAULT_SCHEMA } from "./fault-schema.js";
import { JOURNAL_SCHEMAS } from "./journal-schema.js";
import { CONTROL_OPENAPI_OPTIONS, type OpenApiDocument } from "./openapi-document.js";
import { faultRoutes } from "./routes/faults.js";
import { journalRoutes } from "./routes/journal.js";
import { openApiRoutes } from "./routes/openapi.js";
import { populationRoutes } from "./routes/population.js";
import { practiceSettingRoutes } from "./routes/practice-settings.js";
import { regionRoutes } from "./routes/region.js";
import { COMMON_SCHEMAS } from "./schemas.js";

export { CONTROL_BODY_LIMIT_BYTES, type ControlRoute } from "./errors.js";

export const CONTROL_BASE_PATH = "/_control";
export const OPENAPI_PATH = `${CONTROL_BASE_PATH}/openapi.json`;

export interface ControlAppOptions {
  readonly region: Region;
  /** When set, every request needs `Authorization: Bearer <token>`, from any address. */
  readonly token?: string;
}

/**
 * How fastify's ajv checks control requests: as the schemas say and no more. No type coercion ("true" is
 * not true), unknown fields refused rather than silently removed, and the value and its schema kept on
 * each error so the refusal can quote them (validation-errors.ts).
 */
const CONTROL_AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  verbose: true,
  discriminator: true,
  keywords: ["x-expected"],
};

/** In the order the OpenAPI document lists them. */
const ROUTES = [
  openApiRoutes,
  regionRoutes,
  populationRoutes,
  practiceSettingRoutes,
  faultRoutes,
  journalRoutes,
] as const;

const registeredRoutes = new WeakMap<FastifyInstance, ControlRoute[]>();

/** The routes a control app registered, in order, for 405's Allow and for checking the OpenAPI document. */
export function controlRoutes(app: FastifyInstance): readonly ControlRoute[] {
  return registeredRoutes.get(app) ?? [];
}

/** The OpenAPI document of a control app that is ready. */
export function controlOpenApi(app: FastifyInstance): OpenApiDocument {
  return app.swagger() as unknown as OpenApiDocument;
}

export function buildControlApp({ region, token }: ControlAppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: CONTROL_BODY_LIMIT_BYTES,
    exposeHeadRoutes: false,
    ajv: { customOptions: CONTROL_AJV_OPTIONS },
  });
  applyServerLimits(app.server);
  const routes: ControlRoute[] = [];
  registeredRoutes.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  // JSON only: a text/plain body is a 415, not a string the handlers must refuse.
  app.removeContentTypeParser("text/plain");
  // Answers go out as the region gives them. The response schemas document them (a test checks real
  // answers against the document); serialising through them would drop any field they do not name.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook("onRequest", accessGuard(token));

  for (const schema of [...COMMON_SCHEMAS, FAULT_SCHEMA, ...JOURNAL_SCHEMAS]) app.addSchema(schema);
  app.register(swagger, CONTROL_OPENAPI_OPTIONS);
  for (const routesOf of ROUTES) app.register(routesOf, { prefix: CONTROL_BASE_PATH, region });

  app.setNotFoundHandler(notFoundHandler(routes));
  app.setErrorHandler(controlErrorHandler);
  return app;
}
