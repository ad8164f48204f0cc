import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  PARTY_KEY_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { Journal } from "../simulators/journal/journal.js";
import { createPopulation } from "../simulators/population/population.js";
import type { Population, Practice } from "../simulators/population/types.js";
import { HARNESS_CONSUMER, KNOWN_CONSUMERS } from "../simulators/spine/consumers.js";
import type {
  R4Device,
  R4Endpoint,
  R4OperationOutcome,
  R4SearchsetBundle,
} from "../simulators/spine/fhir-r4.js";
import { buildSdsApp, SDS_BASE_PATH, SUPPLIER_ODS } from "../simulators/spine/sds.js";
import { SDS_ERROR_SYSTEM } from "../simulators/spine/sds-errors.js";

const EXAMPLES = new URL("../../shared/reference/spine/sds/components/examples/", import.meta.url);
const EXAMPLE_DEVICE = JSON.parse(readFileSync(new URL("Device.json", EXAMPLES), "utf8")) as R4Device;
const EXAMPLE_ENDPOINT = JSON.parse(readFileSync(new URL("Endpoint.json", EXAMPLES), "utf8")) as R4Endpoint;

const ORG = (ods: string) => `organization=${ODS_ORGANISATION_SYSTEM}|${ods}`;
const INTERACTION = `identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`;
const PARTY_KEY = (key: string) => `identifier=${PARTY_KEY_SYSTEM}|${key}`;

let population: Population;
let journal: Journal;
let app: FastifyInstance;
let base: string;
let practice: Practice;
let unlisted: Practice;

beforeAll(async () => {
  population = createPopulation({
    seed: 5,
    practices: 3,
    patientsPerPractice: 2,
    referenceDate: "2025-06-01",
  });
  journal = new Journal();
  [practice] = population.practices() as [Practice];
  unlisted = population.practices()[2]!;
  app = buildSdsApp({
    population,
    journal,
    consumers: KNOWN_CONSUMERS,
    // The third practice has no listener: it must be absent from the MHS (Endpoint) table.
    practiceEndpoint: (ods) =>
      ods === unlisted.ods ? undefined : `http://127.0.0.1:9999/${ods}/STU3/1/gpconnect/structured/fhir`,
  });
  base = `${await app.listen({ host: "127.0.0.1", port: 0 })}${SDS_BASE_PATH}`;
});

afterAll(async () => {
  await app.close();
});

async function search(
  resource: "Device" | "Endpoint",
  query: string,
  headers: Record<string, string> = { apikey: "k" },
) {
  const response = await request(`${base}/${resource}?${query}`, { headers });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as unknown,
  };
}

function bundleOf<T>(body: unknown): R4SearchsetBundle<T> {
  const bundle = body as R4SearchsetBundle<T>;
  expect(bundle.resourceType).toBe("Bundle");
  expect(bundle.type).toBe("searchset");
  expect(bundle.total).toBe(bundle.entry.length);
  return bundle;
}

function badRequest(answer: { status: number; body: unknown }): string {
  expect(answer.status).toBe(400);
  const outcome = answer.body as R4OperationOutcome;
  expect(outcome.issue[0]?.details.coding[0]).toMatchObject({
    system: SDS_ERROR_SYSTEM,
    code: "BAD_REQUEST",
  });
  return outcome.issue[0]?.diagnostics ?? "";
}

describe("SDS GET /Device", () => {
  it("answers the practice's accredited system: ASID, party key, interactions, owner", async () => {
    const answer = await search("Device", `${ORG(practice.ods)}&${INTERACTION}`, {
      apikey: "k",
      "x-correlation-id": "c-1",
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-correlation-id"]).toBe("c-1");
    const bundle = bundleOf<R4Device>(answer.body);
    expect(bundle.total).toBe(1);
    const entry = bundle.entry[0]!;
    const device = entry.resource;
    expect(entry.fullUrl).toBe(`${base}/Device/${device.id}`);
    expect(entry.search.mode).toBe("match");
    expect(bundle.link[0]?.url).toContain(`/Device?organization=${ODS_ORGANISATION_SYSTEM}|${practice.ods}`);
    expect(device.identifier).toEqual([
      { system: ASID_SYSTEM, value: practice.asid },
      { system: PARTY_KEY_SYSTEM, value: practice.partyKey },
    ]);
    expect(device.owner.identifier).toEqual({ system: ODS_ORGANISATION_SYSTEM, value: practice.ods });
    const interactions = device.extension
      .filter((e) => e.valueReference?.identifier.system === INTERACTION_ID_SYSTEM)
      .map((e) => e.valueReference?.identifier.value);
    expect(interactions).toContain(STRUCTURED_RECORD_INTERACTION);
    const manufacturer = device.extension.find((e) => e.url.endsWith("ManufacturingOrganisation"));
    expect(manufacturer?.valueReference?.identifier.value).toBe(SUPPLIER_ODS[practice.system]);
  });

  it("uses the extension URLs and identifier systems of SDS's Device example", async () => {
    const device = bundleOf<R4Device>((await search("Device", `${ORG(practice.ods)}&${INTERACTION}`)).body)
      .entry[0]!.resource;
    expect(new Set(device.extension.map((e) => e.url))).toEqual(
      new Set(EXAMPLE_DEVICE.extension.map((e) => e.url)),
    );
    expect(device.identifier.map((i) => i.system)).toEqual(EXAMPLE_DEVICE.identifier.map((i) => i.system));
    expect(device.owner.identifier.system).toBe(EXAMPLE_DEVICE.owner.identifier.system);
    expect(device.id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it("accepts the bar percent-encoded, as HTTP clients send it", async () => {
    const query = `organization=${encodeURIComponent(`${ODS_ORGANISATION_SYSTEM}|${practice.ods}`)}&identifier=${encodeURIComponent(`${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`)}`;
    expect(bundleOf<R4Device>((await search("Device", query)).body).total).toBe(1);
  });

  it("narrows by party key and manufacturing organisation", async () => {
    const query = `${ORG(practice.ods)}&${INTERACTION}`;
    expect(bundleOf((await search("Device", `${query}&${PARTY_KEY(practice.partyKey)}`)).body).total).toBe(1);
    expect(
      bundleOf((await search("Device", `${query}&${PARTY_KEY(`${practice.ods}-000000`)}`)).body).total,
    ).toBe(0);
    const maker = `manufacturing-organization=${ODS_ORGANISATION_SYSTEM}|${SUPPLIER_ODS[practice.system]}`;
    expect(bundleOf((await search("Device", `${query}&${maker}`)).body).total).toBe(1);
    const other = `manufacturing-organization=${ODS_ORGANISATION_SYSTEM}|Y00000`;
    expect(bundleOf((await search("Device", `${query}&${other}`)).body).total).toBe(0);
  });

  it("knows the harness's consumer system", async () => {
    const bundle = bundleOf<R4Device>(
      (await search("Device", `${ORG(HARNESS_CONSUMER.ods)}&${INTERACTION}`)).body,
    );
    expect(bundle.entry.map((e) => e.resource.identifier[0]?.value)).toEqual([HARNESS_CONSUMER.asid]);
  });

  it("answers 200 with total 0 for an organisation SDS does not know, as the real SDS does", async () => {
    const answer = await search("Device", `${ORG("Z99999")}&${INTERACTION}`);
    expect(answer.status).toBe(200);
    expect(bundleOf(answer.body).total).toBe(0);
  });

  it("refuses a search without organization, naming the parameter and its form", async () => {
    expect(badRequest(await search("Device", INTERACTION))).toContain("'organization'");
  });

  it("refuses an organization without its identifier system", async () => {
    expect(badRequest(await search("Device", `organization=${practice.ods}&${INTERACTION}`))).toContain(
      `organization=${ODS_ORGANISATION_SYSTEM}|value`,
    );
  });

  it("refuses a search without the interaction identifier", async () => {
    expect(
      badRequest(await search("Device", `${ORG(practice.ods)}&${PARTY_KEY(practice.partyKey)}`)),
    ).toContain("'identifier'");
  });

  it("refuses an unknown query parameter", async () => {
    expect(badRequest(await search("Device", `${ORG(practice.ods)}&${INTERACTION}&_count=5`))).toBe(
      "Illegal query parameter '_count'",
    );
  });

  it("answers 401 without an apikey header", async () => {
    const answer = await search("Device", `${ORG(practice.ods)}&${INTERACTION}`, {});
    expect(answer.status).toBe(401);
    expect((answer.body as R4OperationOutcome).issue[0]?.details.coding[0]?.code).toBe("ACCESS_DENIED");
  });
});

describe("SDS GET /Endpoint", () => {
  it("answers the practice's GP Connect endpoint address", async () => {
    const answer = await search("Endpoint", `${ORG(practice.ods)}&${INTERACTION}`);
    expect(answer.status).toBe(200);
    const bundle = bundleOf<R4Endpoint>(answer.body);
    expect(bundle.total).toBe(1);
    const endpoint = bundle.entry[0]!.resource;
    expect(endpoint.address).toBe(`http://127.0.0.1:9999/${practice.ods}/STU3/1/gpconnect/structured/fhir`);
    expect(endpoint.status).toBe("active");
    expect(endpoint.managingOrganization.identifier).toEqual({
      system: ODS_ORGANISATION_SYSTEM,
      value: practice.ods,
    });
    expect(endpoint.identifier).toContainEqual({ system: PARTY_KEY_SYSTEM, value: practice.partyKey });
    expect(endpoint.extension[0]?.valueReference?.identifier.value).toBe(STRUCTURED_RECORD_INTERACTION);
    expect(bundle.entry[0]?.fullUrl).toBe(`${base}/Endpoint/${endpoint.id}`);
  });

  it("uses the connection type, payload type and identifier systems of SDS's Endpoint example", async () => {
    const endpoint = bundleOf<R4Endpoint>(
      (await search("Endpoint", `${ORG(practice.ods)}&${INTERACTION}`)).body,
    ).entry[0]!.resource;
    expect(endpoint.connectionType).toEqual(EXAMPLE_ENDPOINT.connectionType);
    expect(endpoint.payloadType).toEqual(EXAMPLE_ENDPOINT.payloadType);
    expect(endpoint.identifier.map((i) => i.system)).toEqual(
      EXAMPLE_ENDPOINT.identifier.map((i) => i.system),
    );
    expect(endpoint.identifier[0]?.value).toBe("127.0.0.1");
  });

  it("finds the endpoint by interaction and party key, without organization", async () => {
    const bundle = bundleOf<R4Endpoint>(
      (await search("Endpoint", `${INTERACTION}&${PARTY_KEY(practice.partyKey)}`)).body,
    );
    expect(bundle.entry.map((e) => e.resource.managingOrganization.identifier.value)).toEqual([practice.ods]);
  });

  it("has no endpoint for a consumer, nor for a practice without a listener", async () => {
    expect(
      bundleOf((await search("Endpoint", `${ORG(HARNESS_CONSUMER.ods)}&${INTERACTION}`)).body).total,
    ).toBe(0);
    expect(bundleOf((await search("Endpoint", `${ORG(unlisted.ods)}&${INTERACTION}`)).body).total).toBe(0);
  });

  it("refuses a search naming only the organisation", async () => {
    expect(badRequest(await search("Endpoint", ORG(practice.ods)))).toContain("two of");
  });

  it("answers 401 without an apikey header", async () => {
    expect((await search("Endpoint", `${ORG(practice.ods)}&${INTERACTION}`, {})).status).toBe(401);
  });
});

describe("SDS journal", () => {
  it("records each search, answered or refused, as an SDS request with its query", async () => {
    const after = journal.lastSeq;
    await search("Endpoint", `${ORG(practice.ods)}&${INTERACTION}`);
    await search("Device", `${ORG(practice.ods)}&${INTERACTION}`, {});
    const entries = journal.list({ target: "sds", after });
    expect(entries.map((e) => [e.path, e.status])).toEqual([
      [`${SDS_BASE_PATH}/Endpoint`, 200],
      [`${SDS_BASE_PATH}/Device`, 401],
    ]);
    expect(entries[0]?.query.organization).toBe(`${ODS_ORGANISATION_SYSTEM}|${practice.ods}`);
  });
});

describe("SDS bad input", () => {
  const code = (body: string) => (JSON.parse(body) as R4OperationOutcome).issue[0]?.details.coding[0]?.code;

  it("answers another method with 405 NOT_IMPLEMENTED and Allow: GET, whatever the body", async () => {
    const response = await request(`${base}/Device?${ORG(practice.ods)}&${INTERACTION}`, {
      method: "POST",
      headers: { apikey: "k", "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET");
    expect(code(await response.body.text())).toBe("NOT_IMPLEMENTED");
  });

  it("answers an oversized body with 413 PAYLOAD_TOO_LARGE", async () => {
    const response = await request(`${base}/Endpoint`, {
      method: "PUT",
      headers: { apikey: "k", "content-type": "application/fhir+json" },
      body: "x".repeat(100_000),
    });
    expect(response.statusCode).toBe(413);
    expect(code(await response.body.text())).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers an unknown path with 404 NO_RECORD_FOUND", async () => {
    const response = await request(`${base}/Organization`, { headers: { apikey: "k" } });
    expect(response.statusCode).toBe(404);
    expect(code(await response.body.text())).toBe("NO_RECORD_FOUND");
  });

  it("serves consumers added while it runs, when given them as a function", async () => {
    const consumers = [...KNOWN_CONSUMERS];
    const live = buildSdsApp({
      population,
      journal: new Journal(),
      consumers: () => consumers,
      practiceEndpoint: () => undefined,
    });
    try {
      const find = async () =>
        (
          await live.inject({
            url: `${SDS_BASE_PATH}/Device?${ORG("Y55501")}&${INTERACTION}`,
            headers: { apikey: "k" },
          })
        ).json<R4SearchsetBundle<R4Device>>().total;
      expect(await find()).toBe(0);
      consumers.push({ ods: "Y55501", asid: "999000005501", name: "added" });
      expect(await find()).toBe(1);
    } finally {
      await live.close();
    }
  });
});
