/**
 * Who the control API serves: loopback callers only, unless the region was started with a control token;
 * then any caller presenting it as a bearer token, and no one else. Checked before anything else of the
 * request is looked at.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendError } from "./errors.js";

/** The onRequest hook that turns away callers the control API does not serve. */
export function accessGuard(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (token === undefined) {
      if (!isLoopback(request.socket.remoteAddress)) {
        return sendError(
          reply,
          403,
          `the control API serves loopback callers only (caller ${request.socket.remoteAddress ?? "unknown"}); ` +
            "start the region with a control token to allow others",
        );
      }
      return undefined;
    }
    if (!presentsToken(request.headers.authorization, token)) {
      reply.header("WWW-Authenticate", 'Bearer realm="gp-harness control"');
      return sendError(
        reply,
        401,
        "the control API needs the header 'Authorization: Bearer <control token>'",
      );
    }
    return undefined;
  };
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
