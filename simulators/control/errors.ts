/**
 * How the control API refuses: always JSON `{"error": "..."}` with the status the kind of failure calls
 * for. A RegionError carries its own status; a request the route schemas refuse is a 400 naming the field;
 * fastify's own refusals (not JSON, too large, malformed JSON) keep their status; a path with no route is a
 * 404, or a 405 with Allow when the path has routes for other methods.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { RegionError } from "../region/errors.js";
import { describe, type SchemaError, validationMessage } from "./validation-errors.js";

/** Control bodies are a few hundred bytes. */
export const CONTROL_BODY_LIMIT_BYTES = 64 * 1024;

/** A route as registered: method and fastify URL pattern (`/_control/faults/:target`). */
export interface ControlRoute {
  readonly method: string;
  readonly url: string;
}

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type("application/json").send({ error: message });
}

export async function controlErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (error instanceof RegionError) return sendError(reply, error.status, error.message);
  if (error.validation !== undefined) {
    const errors = error.validation as unknown as readonly SchemaError[];
    return sendError(reply, 400, validationMessage(errors, error.validationContext ?? "body"));
  }
  const status = error.statusCode;
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
    return sendError(reply, status, `bad request body: ${error.message}`);
  }
  return sendError(reply, 500, `control request failed: ${error.message}`);
}

/** Answers a request no route took: 405 with Allow when its path has routes, else 404. */
export function notFoundHandler(routes: readonly ControlRoute[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = methodsForPath(routes, path);
    if (allowed.length > 0) {
      reply.header("Allow", allowed.join(", "));
      return sendError(
        reply,
        405,
        `${request.method} is not allowed on ${path}; use ${allowed.join(" or ")}`,
      );
    }
    return sendError(reply, 404, `no control route ${request.method} ${path}`);
  };
}

/** The methods registered for a concrete path, in the order they were registered. */
function methodsForPath(routes: readonly ControlRoute[], path: string): string[] {
  return routes
    .filter((route) => {
      const pattern = route.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+");
      return new RegExp(`^${pattern}/?$`).test(path);
    })
    .map((route) => route.method);
}
