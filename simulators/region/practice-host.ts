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
import { FHIR_JSON } from "../../gpconnect/identifiers.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import type { Journal } from "../journal/journal.js";
import { recordUnroutedRequest } from "../journal/recording.js";
import type { Practice } from "../population/types.js";
import { PRACTICE_BODY_LIMIT_BYTES } from "../practices/practice-app.js";
import { applyServerLimits } from "../server-limits.js";

/**
 * Registers one practice's provider (and anything else per practice, such as its faults) into its context.
 * It should answer unknown paths from a catch-all route (`registerPractice`'s `notFoundRoute`): a
 * not-found handler per practice would cost most of what sharing the app saves.
 */
export type RegisterPractice = (context: FastifyInstance, practice: Practice) => void;

export interface PracticeHostOptions {
  /**
   * Where requests that no practice's routes see are recorded, under the practice whose port they came to:
   * those with a method fastify does not route (PROPFIND, LOCK, ...), answered by the shared app.
   */
  readonly journal?: Journal;
}

/**
 * The practice whose port an unrouted request came in on, and the URL its client sent (the not-found handler
 * runs while the URL still carries the routing prefix). Set only for those: the hot path stays bare.
 */
const unroutedArrivals = new WeakMap<IncomingMessage, { readonly ods: string; readonly url: string }>();

export class PracticeHost {
  private constructor(
    private readonly app: FastifyInstance,
    private readonly served: ReadonlySet<string>,
    /** The methods fastify routes; any other reaches the shared app's not-found handler. */
    private readonly routedMethods: ReadonlySet<string>,
  ) {}

  /** One app serving these practices, booted and ready to route. */
  static async start(
    practices: readonly Practice[],
    register: RegisterPractice,
    options: PracticeHostOptions = {},
  ): Promise<PracticeHost> {
    const app = Fastify({ bodyLimit: PRACTICE_BODY_LIMIT_BYTES, logger: false });
    applyServerLimits(app.server);
    const { journal } = options;
    // Only requests whose method fastify does not route (PROPFIND, LOCK, ...) miss every practice's routes.
    app.setNotFoundHandler((request, reply) => {
      const arrival = unroutedArrivals.get(request.raw);
      if (journal !== undefined && arrival !== undefined) {
        recordUnroutedRequest(journal, { kind: "practice", ods: arrival.ods }, request, reply);
      }
      const url = arrival?.url ?? request.url;
      return reply
        .code(404)
        .type(`${FHIR_JSON};charset=utf-8`)
        .send(
          JSON.stringify(
            operationOutcome("BAD_REQUEST", `No such endpoint: ${request.method} ${url.split("?")[0]}`),
          ),
        );
    });
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
    return new PracticeHost(
      app,
      new Set(practices.map((practice) => practice.ods)),
      new Set(app.supportedMethods),
    );
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
    const routedMethods = this.routedMethods;
    return (request: IncomingMessage, response: ServerResponse) => {
      const url = request.url ?? "/";
      if (!routedMethods.has(request.method ?? "")) unroutedArrivals.set(request, { ods, url });
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
