/**
 * PDS and SDS reads take no request body. A body sent anyway (with any Content-Type, or none) is read up
 * to a small limit and ignored, so a stray body can never turn a read into a 400 or 415; a huge one is a 413.
 */
import type { FastifyInstance } from "fastify";

export const SPINE_BODY_LIMIT_BYTES = 64 * 1024;

export function ignoreRequestBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
}
