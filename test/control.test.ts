import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { ControlClient } from "../simulators/control/client.js";
import type { OpenApiDocument } from "../simulators/control/openapi-document.js";
import { buildControlApp, controlOpenApi, controlRoutes } from "../simulators/control/server.js";
import { type Region, startRegion } from "../simulators/index.js";
import type { R4Device, R4SearchsetBundle } from "../simulators/spine/fhir-r4.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";

let region: Region;
let control: ControlClient;
let base: string;
/** The document a control app generates from its routes' schemas (the served one is compared with it). */
let CONTROL_OPENAPI: OpenApiDocument;

beforeAll(async () => {
  region = await startRegion({ seed: 31, practices: 2, patientsPerPractice: 3, referenceDate: "2025-06-01" });
  control = new ControlClient(region.info().control);
  base = region.info().control;
  const app = buildControlApp({ region });
  await app.ready();
  CONTROL_OPENAPI = controlOpenApi(app);
  await app.close();
});

afterAll(async () => {
  await region.close();
});

async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const response = await request(`${base}${path}`, {
    method: method as "GET",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    error: text === "" ? undefined : (JSON.parse(text) as { error?: string }).error,
  };
}

describe("the control API's OpenAPI description", () => {
  it("is served at /_control/openapi.json and named in the region's info", async () => {
    expect(region.info().openapi).toBe(`${base}/openapi.json`);
    const served = await control.openApi();
    expect(served).toEqual(JSON.parse(JSON.stringify(CONTROL_OPENAPI)));
    expect(served.openapi).toMatch(/^3\./);
  });

  it("describes every route the control server registers, and nothing it does not", async () => {
    const app = buildControlApp({ region });
    await app.ready();
    const registered = controlRoutes(app)
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, "{$1}")}`)
      .sort();
    const described = Object.entries(CONTROL_OPENAPI.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(registered).toEqual(described);
    expect(registered.length).toBeGreaterThanOrEqual(15);
    await app.close();
  });

  it("resolves every $ref it uses", () => {
    const text = JSON.stringify(CONTROL_OPENAPI);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(5);
    for (const name of refs) expect(CONTROL_OPENAPI.components.schemas).toHaveProperty(name);
  });
});

describe("control bad input: a JSON error, never a 500", () => {
  it("malformed JSON is a 400", async () => {
    const answer = await call("POST", "/practices", "{system: emis");
    expect(answer.status).toBe(400);
    expect(answer.error).toMatch(/^bad request body: /);
  });

  it("a body that is not JSON is a 415 naming the content type", async () => {
    const answer = await call("POST", "/practices", "system=emis", { "content-type": "text/plain" });
    expect(answer.status).toBe(415);
    expect(answer.error).toBe('the body must be application/json, got "text/plain"');
  });

  it("an oversized body is a 413", async () => {
    const answer = await call("POST", "/patients", JSON.stringify({ ods: "x".repeat(70_000) }));
    expect(answer.status).toBe(413);
    expect(answer.error).toContain("larger than 65536 bytes");
  });

  it("a wrong method is a 405 with Allow", async () => {
    const answer = await call("POST", "/region", "{}");
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET");
    expect(answer.error).toBe("POST is not allowed on /_control/region; use GET");
    const faults = await call("PATCH", "/faults/pds", "{}");
    expect(faults.status).toBe(405);
    expect(faults.headers.allow).toBe("PUT, DELETE");
  });

  it("an unknown path is a 404", async () => {
    const answer = await call("GET", "/nowhere");
    expect(answer.status).toBe(404);
    expect(answer.error).toBe("no control route GET /_control/nowhere");
  });

  it("an unknown field, a wrong type or no body at all is a 400 naming the field", async () => {
    expect((await call("POST", "/practices", JSON.stringify({ system: "emis", colour: "blue" }))).error).toBe(
      '"colour" is not a field of this request (its fields: system, sharingEnabled, endpointInSds)',
    );
    expect(
      (await call("POST", "/practices", JSON.stringify({ system: "tpp", sharingEnabled: "no" }))).error,
    ).toBe('"sharingEnabled" must be true or false, got "no"');
    expect((await call("POST", "/consumers", JSON.stringify({ ods: "Y12345", asid: "12" }))).error).toBe(
      '"asid" must be an ASID of 12 digits, got "12"',
    );
    const empty = await call("POST", "/patients");
    expect(empty.status).toBe(400);
    expect(empty.error).toBe("the request body must be a JSON object");
    const array = await call("PUT", "/faults/pds", "[]");
    expect(array.status).toBe(400);
    expect(array.error).toContain("a fault must be a JSON object");
  });
});

describe("control operations", () => {
  it("adds a practice with sharing disabled: its records are refused with ACCESS DENIED", async () => {
    const practice = await control.addPractice("emis", { sharingEnabled: false });
    const patient = await control.addPatient(practice.ods, []);
    const consumer = region.info().consumer;
    const response = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`, {
      method: "POST",
      headers: gpConnectHeaders({
        fromAsid: consumer.asid,
        toAsid: practice.asid,
        audience: practice.endpoint,
      }),
      body: JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
    });
    expect(response.statusCode).toBe(403);
    expect(await response.body.text()).toContain("ACCESS DENIED");
  });

  it("registers a consumer organisation that SDS then answers for", async () => {
    const added = await control.addConsumer({ ods: "Y77001", asid: "999000000777", name: "Urgent care hub" });
    expect(added).toEqual({ ods: "Y77001", asid: "999000000777", name: "Urgent care hub" });
    expect(region.info().consumers).toContainEqual(added);
    // Idempotent for the same pair; an ASID cannot move to another organisation.
    expect(region.addConsumer({ ods: "Y77001", asid: "999000000777" }).name).toBe("Urgent care hub");
    await expect(control.addConsumer({ ods: "Y77002", asid: "999000000777" })).rejects.toThrow(
      /409.*already registered for Y77001/,
    );

    const search =
      `organization=${ODS_ORGANISATION_SYSTEM}|Y77001` +
      `&identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`;
    const response = await request(`${region.info().sds}/Device?${search}`, { headers: { apikey: "k" } });
    const bundle = (await response.body.json()) as R4SearchsetBundle<R4Device>;
    expect(bundle.total).toBe(1);
    expect(bundle.entry[0]?.resource.identifier.find((i) => i.system === ASID_SYSTEM)?.value).toBe(
      "999000000777",
    );
  });
});

describe("clinical areas switched off over /_control", () => {
  const path = (ods: string) => `/practices/${ods}/disabled-areas`;

  it("sets, reads back and clears a practice's disabled areas", async () => {
    const ods = region.info().practices[1]!.ods;
    expect(await call("GET", path(ods))).toMatchObject({ status: 200 });
    const set = await request(`${base}${path(ods)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ areas: ["includeProblems", "includeAllergies"] }),
    });
    expect(set.statusCode).toBe(200);
    expect(await set.body.json()).toEqual({ ods, areas: ["includeAllergies", "includeProblems"] });
    expect(region.disabledAreas(ods)).toEqual(["includeAllergies", "includeProblems"]);
    const read = await request(`${base}${path(ods)}`);
    expect(await read.body.json()).toEqual({ ods, areas: ["includeAllergies", "includeProblems"] });
    expect((await call("DELETE", path(ods))).status).toBe(204);
    expect(await control.disabledAreas(ods)).toEqual([]);
  });

  it("answers an unknown practice, an unknown area and a body of the wrong shape with a JSON error", async () => {
    const ods = region.info().practices[1]!.ods;
    const put = (target: string, body: string) => call("PUT", path(target), body);

    const unknownPractice = await put("Z99999", JSON.stringify({ areas: ["includeAllergies"] }));
    expect(unknownPractice.status).toBe(404);
    expect(unknownPractice.error).toBe('no practice with ODS code "Z99999" in the region');
    expect((await call("GET", path("Z99999"))).status).toBe(404);
    expect((await call("DELETE", path("Z99999"))).status).toBe(404);

    const unknownArea = await put(ods, JSON.stringify({ areas: ["includeAllergies", "includeDocuments"] }));
    expect(unknownArea.status).toBe(400);
    expect(unknownArea.error).toMatch(
      /^"areas" holds an unknown clinical area "includeDocuments"; the areas are: includeAllergies, /,
    );

    const shapes: [string, RegExp][] = [
      ['["includeAllergies"]', /^the request body must be a JSON object$/],
      ["{}", /^"areas" is required/],
      [
        '{"areas": "includeAllergies"}',
        /^"areas" must be an array of clinical area parameters, got "includeAllergies"$/,
      ],
      ['{"areas": [], "site": "all"}', /^"site" is not a field of this request \(its fields: areas\)$/],
    ];
    for (const [body, message] of shapes) {
      const answer = await put(ods, body);
      expect(answer.status, body).toBe(400);
      expect(answer.error, body).toMatch(message);
    }
    const wrongMethod = await call("POST", path(ods), "{}");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("GET, PUT, DELETE");
    // Nothing refused was applied.
    expect(region.disabledAreas(ods)).toEqual([]);
    await expect(control.setDisabledAreas(ods, ["includeFuture" as "includeAllergies"])).rejects.toThrow(
      /400.*unknown clinical area "includeFuture"/,
    );
  });

  it("is described in the OpenAPI document, with the clinical areas as an enum", () => {
    const item = CONTROL_OPENAPI.paths["/_control/practices/{ods}/disabled-areas"];
    expect(Object.keys(item ?? {}).sort()).toEqual(["delete", "get", "put"]);
    expect(item?.put?.responses).toHaveProperty("404");
    expect(item?.put?.responses).toHaveProperty("400");
    expect(CONTROL_OPENAPI.components.schemas.ClinicalAreaList?.items?.enum).toEqual([
      "includeAllergies",
      "includeMedication",
      "includeConsultations",
      "includeProblems",
      "includeImmunisations",
      "includeUncategorisedData",
      "includeInvestigations",
      "includeReferrals",
      "includeDiaryEntries",
    ]);
  });
});

describe("data-sharing agreements over /_control", () => {
  const path = (ods: string) => `/practices/${ods}/sharing-agreements`;

  it("sets, reads back and clears the organisations a practice has no agreement with", async () => {
    const ods = region.info().practices[1]!.ods;
    const read = async () => (await request(`${base}${path(ods)}`)).body.json();
    expect(await read()).toEqual({ ods, withoutAgreement: [] });
    const set = await request(`${base}${path(ods)}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ withoutAgreement: ["Y99003", "Y99001"] }),
    });
    expect(set.statusCode).toBe(200);
    expect(await set.body.json()).toEqual({ ods, withoutAgreement: ["Y99001", "Y99003"] });
    expect(region.organisationsWithoutAgreement(ods)).toEqual(["Y99001", "Y99003"]);
    expect(await read()).toEqual({ ods, withoutAgreement: ["Y99001", "Y99003"] });
    expect((await call("DELETE", path(ods))).status).toBe(204);
    expect(await control.organisationsWithoutAgreement(ods)).toEqual([]);
  });

  it("answers an unknown practice, a code that is not an ODS code and a body of the wrong shape with a JSON error", async () => {
    const ods = region.info().practices[1]!.ods;
    const put = (target: string, body: string) => call("PUT", path(target), body);

    const unknownPractice = await put("Z99999", JSON.stringify({ withoutAgreement: ["Y99001"] }));
    expect(unknownPractice.status).toBe(404);
    expect(unknownPractice.error).toBe('no practice with ODS code "Z99999" in the region');
    expect((await call("GET", path("Z99999"))).status).toBe(404);
    expect((await call("DELETE", path("Z99999"))).status).toBe(404);

    const shapes: [string, RegExp][] = [
      [
        '{"withoutAgreement": ["Y99001", "urgent care"]}',
        /^"withoutAgreement" holds "urgent care", which is not an ODS code \(3 to 10 capital letters and digits\)$/,
      ],
      ['{"withoutAgreement": [99001]}', /^"withoutAgreement" holds 99001, which is not an ODS code/],
      ['["Y99001"]', /^the request body must be a JSON object$/],
      ["{}", /^"withoutAgreement" is required/],
      ['{"withoutAgreement": "Y99001"}', /^"withoutAgreement" must be an array of ODS codes, got "Y99001"$/],
      [
        '{"withoutAgreement": [], "agreed": ["Y99002"]}',
        /^"agreed" is not a field of this request \(its fields: withoutAgreement\)$/,
      ],
    ];
    for (const [body, message] of shapes) {
      const answer = await put(ods, body);
      expect(answer.status, body).toBe(400);
      expect(answer.error, body).toMatch(message);
    }
    const wrongMethod = await call("POST", path(ods), "{}");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("GET, PUT, DELETE");
    // Nothing refused was applied.
    expect(region.organisationsWithoutAgreement(ods)).toEqual([]);
    await expect(control.setOrganisationsWithoutAgreement(ods, ["y99001"])).rejects.toThrow(
      /400.*"y99001", which is not an ODS code/,
    );
    await expect(control.organisationsWithoutAgreement("Z99999")).rejects.toThrow(/404.*"Z99999"/);
  });

  it("is described in the OpenAPI document, with ODS codes as a pattern", () => {
    const item = CONTROL_OPENAPI.paths["/_control/practices/{ods}/sharing-agreements"];
    expect(Object.keys(item ?? {}).sort()).toEqual(["delete", "get", "put"]);
    expect(item?.put?.responses).toHaveProperty("404");
    expect(item?.put?.responses).toHaveProperty("400");
    expect(item?.put?.description).toContain("NO_ORGANISATION_CONSENT");
    expect(item?.put?.requestBody?.content["application/json"]?.schema.required).toEqual([
      "withoutAgreement",
    ]);
    const pattern = new RegExp(CONTROL_OPENAPI.components.schemas.OdsCodeList?.items?.pattern ?? "^$");
    expect(["Y99001", "A81001"].every((code) => pattern.test(code))).toBe(true);
    expect(["y99001", "Y9", "urgent care"].some((code) => pattern.test(code))).toBe(false);
    expect(CONTROL_OPENAPI.components.schemas.SharingAgreements?.required).toEqual([
      "ods",
      "withoutAgreement",
    ]);
  });
});

describe("the journal over /_control", () => {
  it("records the parameters of a structured-record request, and filters by time", async () => {
    const practice = region.info().practices[0]!;
    const patient = region.info().patients.find((p) => p.ods === practice.ods && p.traits.length === 0)!;
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`, {
      method: "POST",
      headers: gpConnectHeaders({
        fromAsid: region.info().consumer.asid,
        toAsid: practice.asid,
        audience: practice.endpoint,
      }),
      body: JSON.stringify(
        structuredRecordRequest({
          nhsNumber: patient.nhsNumber,
          includeAllergies: true,
          includeMedication: true,
        }),
      ),
    });
    await response.body.dump();
    const page = await control.readJournal({ since: before, ods: practice.ods });
    expect(page.entries).toHaveLength(1);
    const entry = page.entries[0]!;
    expect(entry.parameters).toEqual(["patientNHSNumber", "includeAllergies", "includeMedication"]);
    expect(entry.jwtClaims?.requesting_organization).toBeDefined();
    expect(entry.nhsNumber).toBe(patient.nhsNumber);
    expect(await control.journal({ until: before, ods: practice.ods, after: entry.seq - 1 })).toEqual([]);
    expect(page).toMatchObject({ capacity: 10_000, dropped: 0 });

    const bad = await call("GET", "/journal?since=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.error).toContain('"since" must be an ISO 8601 time');
  });

  it("stays within its capacity and says how many entries it dropped", async () => {
    const small = await startRegion({ seed: 32, practices: 1, patientsPerPractice: 1, journalCapacity: 3 });
    try {
      const client = new ControlClient(small.info().control);
      for (let i = 0; i < 5; i++) {
        const answer = await request(`${small.info().pds}/Patient/9990000018`, {
          headers: { "x-request-id": randomUUID() },
        });
        await answer.body.dump();
      }
      const page = await client.readJournal();
      expect(page).toMatchObject({ capacity: 3, dropped: 2, size: 3 });
      expect(page.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
      await client.clearJournal();
      expect(await client.readJournal()).toMatchObject({ entries: [], dropped: 0, size: 0 });
    } finally {
      await small.close();
    }
    await expect(startRegion({ journalCapacity: 0 })).rejects.toThrow(/journal capacity must be/);
  });
});
