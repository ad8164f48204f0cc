/**
 * How long every simulated service (PDS, SDS, each practice, the control API) gives a client, so that slow or
 * abusive clients cost bounded time and memory and never stop the service answering others: the headers must
 * arrive within 10 s and the whole request within 30 s (a header a byte a second, or a body that never ends, is
 * cut off then), and an idle keep-alive connection is closed after 5 s. Fastify's own default leaves requests
 * unbounded in time; a real Spine service would not.
 */
import type { Server } from "node:http";

export const SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
} as const;

export function applyServerLimits(server: Server): void {
  server.requestTimeout = SERVER_LIMITS.requestTimeoutMs;
  server.headersTimeout = SERVER_LIMITS.headersTimeoutMs;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeoutMs;
}
