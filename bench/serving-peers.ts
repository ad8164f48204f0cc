/**
 * The Node peers of the serving benchmark, each run in its own process (started by serving.ts):
 *   gp-harness <referenceDate> <patientsPerPractice>   one practice's GP Connect provider (buildPracticeApp),
 *                                                     built from the same population as serving.ts builds
 *   bare-fastify <bodyFile> <contentType> <path>       fastify answering every POST with the file's bytes
 * Each listens on an ephemeral loopback port, reports it, and runs until SIGTERM.
 */
import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import type { Population, Practice } from "../simulators/index.js";
import { buildPracticeApp, createPopulation, Journal } from "../simulators/index.js";
import { isMainModule, reportToParent } from "./fresh-process.js";

export const SERVING_SEED = 1;
export const SERVING_PRACTICES = 146;

/** The endpoint path the region publishes for a practice (kept here so the peers need no region). */
export function practiceEndpointPath(ods: string): string {
  return `/${ods}/STU3/1/gpconnect/structured/fhir`;
}

export interface PeerReady {
  readonly port: number;
}

/** The benchmark's population and the practice that serves: the same in the peer and in the driver. */
export function servingPopulation(
  referenceDate: string,
  patientsPerPractice: number,
): { population: Population; practice: Practice } {
  const population = createPopulation({
    seed: SERVING_SEED,
    referenceDate,
    practices: SERVING_PRACTICES,
    patientsPerPractice,
  });
  const practice = population.practices()[0];
  if (practice === undefined) throw new Error("the population has no practices");
  return { population, practice };
}

/** The region's first practice, with the region's whole population behind it, journal and all. */
function gpHarnessPeer(referenceDate: string, patientsPerPractice: number, cached = true): FastifyInstance {
  const { population, practice } = servingPopulation(referenceDate, patientsPerPractice);
  return buildPracticeApp({
    practice,
    population,
    journal: new Journal(),
    endpointPath: practiceEndpointPath(practice.ods),
    // Without the cache every request builds and serialises the Bundle afresh.
    ...(cached ? {} : { bundleCache: null }),
  });
}

/** No work at all beyond reading the request: the ceiling for any fastify app answering these bytes. */
function bareFastifyPeer(bodyFile: string, contentType: string, path: string): FastifyInstance {
  const body = readFileSync(bodyFile);
  const app = Fastify({ logger: false });
  app.addContentTypeParser(
    "application/fhir+json",
    { parseAs: "string" },
    app.getDefaultJsonParser("ignore", "ignore"),
  );
  app.post(path, (_request, reply) => reply.type(contentType).send(body));
  return app;
}

async function serve(app: FastifyInstance): Promise<void> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address !== "object") throw new Error("the peer has no port");
  process.once("SIGTERM", () => {
    app.close().then(() => process.exit(0));
  });
  reportToParent({ port: address.port } satisfies PeerReady);
}

if (isMainModule(import.meta.url)) {
  const [peer, ...args] = process.argv.slice(2);
  if (peer === "gp-harness") await serve(gpHarnessPeer(args[0] ?? "", Number(args[1])));
  else if (peer === "gp-harness-uncached") await serve(gpHarnessPeer(args[0] ?? "", Number(args[1]), false));
  else if (peer === "bare-fastify") await serve(bareFastifyPeer(args[0] ?? "", args[1] ?? "", args[2] ?? ""));
  else throw new Error(`unknown peer ${peer}; expected gp-harness, gp-harness-uncached or bare-fastify`);
}
