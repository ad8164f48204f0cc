import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../simulators/journal/journal.js";
import { createPopulation } from "../simulators/population/population.js";
import type { Population, Practice } from "../simulators/population/types.js";
import { SerialisedBundleCache } from "../simulators/practices/bundle-cache.js";
import { buildPracticeApp } from "../simulators/practices/index.js";
import {
  gpConnectHeaders,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";

const CONSUMER_ASID = "999000000001";

interface Served {
  readonly endpoint: string;
  close(): Promise<void>;
}

let population: Population;
const running: Served[] = [];

async function serve(practice: Practice, bundleCache: SerialisedBundleCache | null): Promise<Served> {
  const endpointPath = `/${practice.ods}/STU3/1/gpconnect/structured/fhir`;
  const app = buildPracticeApp({ practice, population, journal: new Journal(), endpointPath, bundleCache });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const served = { endpoint: `${address}${endpointPath}`, close: () => app.close() };
  running.push(served);
  return served;
}

async function fetchRecord(
  practice: Practice,
  target: Served,
  options: StructuredRecordRequestOptions,
): Promise<{ status: number; length: string | undefined; body: Buffer }> {
  const response = await request(`${target.endpoint}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers: gpConnectHeaders({ fromAsid: CONSUMER_ASID, toAsid: practice.asid, audience: target.endpoint }),
    body: JSON.stringify(structuredRecordRequest(options)),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, length: response.headers["content-length"] as string, body };
}

const AREAS = [
  { name: "includeConsultations" },
  { name: "includeProblems" },
  { name: "includeImmunisations" },
  { name: "includeUncategorisedData" },
  { name: "includeInvestigations" },
  { name: "includeReferrals" },
];

const questions = (nhsNumber: string): StructuredRecordRequestOptions[] => [
  {
    nhsNumber,
    includeAllergies: { includeResolvedAllergies: true },
    includeMedication: { includePrescriptionIssues: true },
    extraParameters: AREAS,
  },
  // The same areas asked in another order.
  { nhsNumber, extraParameters: [...AREAS].reverse(), includeMedication: true },
  { nhsNumber, includeMedication: true },
  { nhsNumber, includeAllergies: true },
];

beforeAll(() => {
  population = createPopulation({
    seed: 3,
    referenceDate: "2025-06-01",
    practices: 2,
    patientsPerPractice: 60,
  });
});

afterAll(async () => {
  await Promise.all(running.map((served) => served.close()));
});

describe("the cache of serialised Bundles", () => {
  it("answers byte for byte what the practice answers without it, first time and from the cache", async () => {
    for (const practice of population.practices()) {
      const cache = new SerialisedBundleCache({ maxEntries: 100, maxBytes: 16 * 1024 * 1024 });
      const cached = await serve(practice, cache);
      const uncached = await serve(practice, null);
      let answered = 0;
      for (let index = 0; index < 8; index++) {
        const patient = population.patient(practice.ods, index);
        for (const question of questions(patient.nhsNumber)) {
          const fresh = await fetchRecord(practice, uncached, question);
          const first = await fetchRecord(practice, cached, question);
          const repeat = await fetchRecord(practice, cached, question);
          expect(first.status).toBe(fresh.status);
          expect(repeat.status).toBe(fresh.status);
          expect(first.body.equals(fresh.body)).toBe(true);
          expect(repeat.body.equals(fresh.body)).toBe(true);
          expect(repeat.length).toBe(fresh.length);
          if (fresh.status === 200) answered++;
        }
      }
      expect(answered).toBeGreaterThan(16);
      expect(cache.size).toBeGreaterThan(0);
      expect(cache.size).toBeLessThanOrEqual(answered);
    }
  });

  it("gives another patient, or another question, its own Bundle", async () => {
    const [practice] = population.practices();
    if (practice === undefined) throw new Error("no practice");
    const cached = await serve(practice, new SerialisedBundleCache());
    const a = population.patient(practice.ods, 1);
    const b = population.patient(practice.ods, 2);
    const [full, medicationOnly] = questions(a.nhsNumber);
    if (full === undefined || medicationOnly === undefined) throw new Error("no questions");
    const first = await fetchRecord(practice, cached, full);
    const other = await fetchRecord(practice, cached, { ...full, nhsNumber: b.nhsNumber });
    const narrower = await fetchRecord(practice, cached, medicationOnly);
    expect(other.body.equals(first.body)).toBe(false);
    expect(narrower.body.equals(first.body)).toBe(false);
    expect(JSON.parse(first.body.toString("utf8")).entry.length).toBeGreaterThan(
      JSON.parse(narrower.body.toString("utf8")).entry.length,
    );
  });

  it("holds no more entries and no more bytes than its limits, dropping the least recently used", () => {
    const cache = new SerialisedBundleCache({ maxEntries: 3, maxBytes: 1000 });
    const body = (bytes: number) => Buffer.alloc(bytes, 0x20);
    cache.set("a", body(100));
    cache.set("b", body(100));
    cache.set("c", body(100));
    expect(cache.get("a")?.length).toBe(100); // a is now the most recently used
    cache.set("d", body(100));
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();

    cache.set("e", body(240));
    cache.set("f", body(240));
    expect(cache.bytes).toBeLessThanOrEqual(1000);
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.get("f")?.length).toBe(240);

    // One body over a quarter of the byte budget is served but not kept.
    cache.set("huge", body(400));
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.get("f")).toBeDefined();
    expect(() => new SerialisedBundleCache({ maxEntries: 0, maxBytes: 10 })).toThrow(RangeError);
  });
});
