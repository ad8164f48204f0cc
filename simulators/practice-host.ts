/**
 * Many practices' GP Connect providers in one fastify app. Booting a fastify app costs several
 * milliseconds (about 1 s for a county's 146 practices); one app boots once. Each practice keeps its own
 * port (a ServiceListener whose server hands requests to `handlerFor(ods)`), so a practice still goes
 * offline by closing its port alone.
 *
 * Each practice is registered in its own encapsulated context under a prefix that only its port's
 * requests are routed under, so a request is answered by the practice whose port it came in on, with that
 * practice's routes, not-found answer, journal and faults, whatever path it names: another practice's
 * path on this port is this practice's 404, as when every practice had an app of its own.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from "fastify";
import { operationOutcome } from "./gpconnect/errors.js";
import { FHIR_JSON } from "./gpconnect/identifiers.js";
import type { Practice } from "./population/types.js";
import { PRACTICE_BODY_LIMIT_BYTES } from "./practices/practice-app.js";

/**
 * Registers one practice's provider (and anything else per practice, such as its faults) into its context.
 * It should answer unknown paths from a catch-all route (`registerPractice`'s `notFoundRoute`): a
 * not-found handler per practice would cost most of what sharing the app saves.
 */
export type RegisterPractice = (context: FastifyInstance, practice: Practice) => void;

export class PracticeHost {
  private constructor(
    private readonly app: FastifyInstance,
    private readonly served: ReadonlySet<string>,
  ) {}

  /** One app serving these practices, booted and ready to route. */
  static async start(practices: readonly Practice[], register: RegisterPractice): Promise<PracticeHost> {
    const app = Fastify({ bodyLimit: PRACTICE_BODY_LIMIT_BYTES, logger: false });
    // Only requests whose method fastify does not route (PROPFIND, LOCK, ...) miss every practice's routes.
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .type(`${FHIR_JSON};charset=utf-8`)
        .send(
          JSON.stringify(
            operationOutcome(
              "BAD_REQUEST",
              `No such endpoint: ${request.method} ${request.url.split("?")[0]}`,
            ),
          ),
        ),
    );
    for (const practice of practices) {
      const plugin: FastifyPluginCallback = (context, _options, done) => {
        register(context, practice);
        done();
      };
      // Named, so fastify does not search every loaded module for an anonymous plugin's name.
      Object.assign(plugin, { [Symbol.for("fastify.display-name")]: `practice ${practice.ods}` });
      app.register(plugin, { prefix: routingPrefix(practice.ods) });
    }
    await app.ready();
    return new PracticeHost(app, new Set(practices.map((practice) => practice.ods)));
  }

  /** The app's own server (never listening): each practice's server copies its settings. */
  get server(): Server {
    return this.app.server;
  }

  /** The request handler of one practice's port. */
  handlerFor(ods: string): RequestListener {
    if (!this.served.has(ods)) throw new Error(`practice ${ods} is not served by this app`);
    const prefix = routingPrefix(ods);
    const app = this.app;
    return (request: IncomingMessage, response: ServerResponse) => {
      const url = request.url ?? "/";
      // Routing reads the URL synchronously (fastify's request.url reads it later, from the raw request):
      // route under this port's prefix, then put back the URL the client sent, for handlers and the journal.
      request.url = url.startsWith("/") ? `${prefix}${url}` : `${prefix}/${url}`;
      try {
        app.routing(request, response);
      } finally {
        request.url = url;
      }
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/** The hidden prefix a practice's routes live under in the shared app: never seen by clients. */
function routingPrefix(ods: string): string {
  return `/${ods}`;
}
