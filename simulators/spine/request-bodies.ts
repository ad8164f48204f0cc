/**
 * PDS and SDS reads take no request body. A body sent anyway (with any Content-Type, or none) is read up
 * to a small limit and ignored, so a stray body can never turn a read into a 400 or 415; a huge one is a 413.
 */
import type { FastifyInstance, FastifyReply } from "fastify";

export const SPINE_BODY_LIMIT_BYTES = 64 * 1024;

export function ignoreRequestBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
}

/**
 * Errors fastify raises before a handler runs (an oversized body, a malformed request) answered in the
 * service's own error list: 413 as `tooLarge`, other 4xx as `badRequest`, anything else as `internal`.
 */
export function answerFrameworkErrors<Code extends string>(
  app: FastifyInstance,
  service: string,
  codes: { readonly tooLarge: Code; readonly badRequest: Code; readonly internal: Code },
  send: (reply: FastifyReply, code: Code, diagnostics: string) => FastifyReply,
): void {
  app.setErrorHandler(async (error, _request, reply) => {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (status === 413)
      return send(reply, codes.tooLarge, `Request body exceeds ${SPINE_BODY_LIMIT_BYTES} bytes`);
    if (typeof status === "number" && status >= 400 && status < 500) {
      return send(reply, codes.badRequest, (error as Error).message);
    }
    return send(reply, codes.internal, `The ${service} simulator failed: ${(error as Error).message}`);
  });
}
