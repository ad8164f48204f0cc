import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { ControlClient } from "../simulators/control/client.js";
import { buildControlApp } from "../simulators/control/server.js";
import { type PatientInfo, type Region, type RegionInfo, startRegion } from "../simulators/index.js";
import type { ClinicalSystem } from "../simulators/population/types.js";
import type { R4Device, R4Endpoint, R4Patient, R4SearchsetBundle } from "../simulators/spine/fhir-r4.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { freePortRun, occupy } from "./support/ports.js";

const PRACTICE_TIMEOUT_MS = 5_000;

/** A GP Connect Access Record Structured request as a consumer sends it (unsigned JWT, Ssp headers). */
async function getStructuredRecord(
  endpoint: string,
  nhsNumber: string,
  providerAsid: string,
  consumerAsid: string,
) {
  const response = await request(`${endpoint}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers: gpConnectHeaders({ fromAsid: consumerAsid, toAsid: providerAsid, audience: endpoint }),
    body: JSON.stringify(
      structuredRecordRequest({ nhsNumber, includeAllergies: true, includeMedication: true }),
    ),
    signal: AbortSignal.timeout(PRACTICE_TIMEOUT_MS),
  });
  return { status: response.statusCode, body: (await response.body.json()) as fhir.Bundle };
}

async function getMetadata(endpoint: string): Promise<number> {
  const response = await request(`${endpoint}/metadata`, {
    signal: AbortSignal.timeout(PRACTICE_TIMEOUT_MS),
  });
  await response.body.dump();
  return response.statusCode;
}

async function getJson<T>(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: T }> {
  const response = await request(url, { headers });
  return { status: response.statusCode, body: (await response.body.json()) as T };
}

function firstPlainPatient(info: RegionInfo): PatientInfo {
  const patient = info.patients.find((p) => p.traits.length === 0);
  if (patient === undefined) throw new Error("the region's sample has no patient without traits");
  return patient;
}

describe("a started region", () => {
  let region: Region;
  let control: ControlClient;

  beforeAll(async () => {
    region = await startRegion({
      seed: 3,
      practices: 2,
      patientsPerPractice: 5,
      referenceDate: "2025-06-01",
    });
    control = new ControlClient(region.info().control);
  });

  afterAll(async () => {
    await region.close();
  });

  it("describes itself over /_control/region as it does in process", async () => {
    const info = await control.region();
    expect(info).toEqual(region.info());
    expect(info.pds).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/personal-demographics\/FHIR\/R4$/);
    expect(info.sds).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/spine-directory\/FHIR\/R4$/);
    expect(info.consumer).toEqual({ ods: "Y99001", asid: "999000000001" });
    expect(info.practices).toHaveLength(2);
    for (const practice of info.practices) {
      expect(practice.endpoint).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${practice.ods}/STU3/1/gpconnect/structured/fhir$`),
      );
    }
    expect(new Set(info.patients.map((p) => p.system))).toEqual(new Set(["emis", "tpp"]));
  });

  it("takes a sample patient from PDS to SDS Device and Endpoint to the practice's record", async () => {
    const info = await control.region();
    const patient = firstPlainPatient(info);
    const after = region.journal.lastSeq;

    const pds = await getJson<R4Patient>(`${info.pds}/Patient/${patient.nhsNumber}`, {
      "x-request-id": randomUUID(),
    });
    expect(pds.status).toBe(200);
    const ods = pds.body.generalPractitioner?.[0]?.identifier.value;
    expect(ods).toBe(patient.ods);

    const organization = `organization=${ODS_ORGANISATION_SYSTEM}|${ods}`;
    const interaction = `identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`;
    const device = await getJson<R4SearchsetBundle<R4Device>>(
      `${info.sds}/Device?${organization}&${interaction}`,
      {
        apikey: "test",
      },
    );
    const asid = device.body.entry[0]?.resource.identifier.find((i) => i.system === ASID_SYSTEM)?.value;
    expect(asid).toBe(info.practices.find((p) => p.ods === ods)?.asid);

    const endpoints = await getJson<R4SearchsetBundle<R4Endpoint>>(
      `${info.sds}/Endpoint?${organization}&${interaction}`,
      { apikey: "test" },
    );
    const address = endpoints.body.entry[0]?.resource.address ?? "";
    expect(address).toBe(info.practices.find((p) => p.ods === ods)?.endpoint);

    const record = await getStructuredRecord(address, patient.nhsNumber, asid ?? "", info.consumer.asid);
    expect(record.status).toBe(200);
    expect(record.body.resourceType).toBe("Bundle");
    const recordPatient = record.body.entry?.find((e) => e.resource?.resourceType === "Patient")?.resource as
      | fhir.Patient
      | undefined;
    expect(recordPatient?.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value).toBe(
      patient.nhsNumber,
    );

    const journal = await control.journal({ after });
    expect(journal.map((e) => e.target)).toEqual(["pds", "sds", "sds", "practice"]);
    expect(journal[3]).toMatchObject({ ods, nhsNumber: patient.nhsNumber, status: 200, method: "POST" });
  });

  it("filters the journal by target, practice, patient and sequence, and clears it", async () => {
    const info = await control.region();
    const [first, second] = info.practices as [RegionInfo["practices"][0], RegionInfo["practices"][0]];
    const patient = firstPlainPatient(info);
    await control.clearJournal();
    expect(await control.journal()).toEqual([]);

    await getJson(`${info.pds}/Patient/${patient.nhsNumber}`, { "x-request-id": randomUUID() });
    expect(await getMetadata(first.endpoint)).toBe(200);
    expect(await getMetadata(second.endpoint)).toBe(200);

    expect((await control.journal({ target: "pds" })).map((e) => e.nhsNumber)).toEqual([patient.nhsNumber]);
    expect((await control.journal({ nhsNumber: patient.nhsNumber })).map((e) => e.target)).toEqual(["pds"]);
    expect((await control.journal({ target: "practice" })).map((e) => e.ods)).toEqual([
      first.ods,
      second.ods,
    ]);
    expect((await control.journal({ target: "practice", ods: second.ods })).map((e) => e.ods)).toEqual([
      second.ods,
    ]);
    const all = await control.journal();
    expect(await control.journal({ after: all[1]!.seq })).toEqual(all.slice(2));
  });

  it("explains a bad journal filter, naming the field", async () => {
    const url = `${region.info().control}/journal?target=gateway`;
    const answer = await getJson<{ error: string }>(url, {});
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('"target"');
    const after = await getJson<{ error: string }>(`${region.info().control}/journal?after=soon`, {});
    expect(after.status).toBe(400);
    expect(after.body.error).toContain('"after"');
  });

  it("takes a practice offline (connections refused, pooled ones dropped) and back on the same port", async () => {
    const practice = (await control.region()).practices[0]!;
    // A pooled keep-alive connection exists now: offline must drop it too.
    expect(await getMetadata(practice.endpoint)).toBe(200);

    await control.setFault(practice.ods, { kind: "offline" });
    await expect(getMetadata(practice.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect((await control.region()).practices[0]?.endpoint).toBe(practice.endpoint);

    await control.setFault(practice.ods, null);
    expect(await getMetadata(practice.endpoint)).toBe(200);
  });

  it("takes PDS and SDS offline and back", async () => {
    const info = await control.region();
    const patient = firstPlainPatient(info);
    const lookUp = () =>
      getJson(`${info.pds}/Patient/${patient.nhsNumber}`, { "x-request-id": randomUUID() });
    await control.setFault("pds", { kind: "offline" });
    await expect(lookUp()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await control.setFault("pds", null);
    expect((await lookUp()).status).toBe(200);

    await region.setFault("sds", { kind: "offline" });
    await expect(getJson(`${info.sds}/Device`, { apikey: "k" })).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    await region.setFault("sds", null);
    expect((await getJson(`${info.sds}/Device`, { apikey: "k" })).status).toBe(400);
  });

  it("refuses a fault for an unknown target, or of an unknown kind, saying why", async () => {
    await expect(control.setFault("Z00000", { kind: "offline" })).rejects.toThrow(
      /404.*no fault target "Z00000"/,
    );
    const answer = await request(`${region.info().control}/faults/pds`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "sluggish" }),
    });
    expect(answer.statusCode).toBe(400);
    expect(((await answer.body.json()) as { error: string }).error).toContain('"kind"');
  });

  it("adds a practice that listens, and a patient PDS knows, over the control API", async () => {
    const practice = await control.addPractice("tpp");
    expect(practice.system).toBe("tpp");
    expect(await getMetadata(practice.endpoint)).toBe(200);
    expect((await control.region()).practices.map((p) => p.ods)).toContain(practice.ods);

    const patient = await control.addPatient(practice.ods, ["dissent"]);
    expect(patient).toMatchObject({ ods: practice.ods, system: "tpp", traits: ["dissent"] });
    const pds = await getJson<R4Patient>(`${region.info().pds}/Patient/${patient.nhsNumber}`, {
      "x-request-id": randomUUID(),
    });
    expect(pds.body.generalPractitioner?.[0]?.identifier.value).toBe(practice.ods);

    // The new practice is offline-able like any other.
    await control.setFault(practice.ods, { kind: "offline" });
    await expect(getMetadata(practice.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await control.setFault(practice.ods, null);
  });

  it("refuses bad practice and patient requests with the field at fault", async () => {
    await expect(control.addPractice("cerner" as ClinicalSystem)).rejects.toThrow(/400.*"system"/);
    await expect(control.addPatient("Z00000", [])).rejects.toThrow(/404.*no practice with ODS code "Z00000"/);
    const ods = region.info().practices[0]!.ods;
    await expect(control.addPatient(ods, ["telepathy" as "dissent"])).rejects.toThrow(
      /400.*"traits".*"telepathy"/,
    );
  });

  it("refuses a body that is not JSON with a JSON error", async () => {
    const answer = await request(`${region.info().control}/practices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{system: emis",
    });
    expect(answer.statusCode).toBe(400);
    expect(((await answer.body.json()) as { error: string }).error).toMatch(/^bad request body: /);
  });

  it("mints NHS numbers PDS does not know", async () => {
    const nhsNumber = await control.unknownNhsNumber();
    expect(nhsNumber).toMatch(/^999\d{7}$/);
    expect(await control.unknownNhsNumber()).not.toBe(nhsNumber);
    const answer = await getJson(`${region.info().pds}/Patient/${nhsNumber}`, {
      "x-request-id": randomUUID(),
    });
    expect(answer.status).toBe(404);
  });
});

describe("practices sharing one app, each on its own port", () => {
  let region: Region;
  let first: RegionInfo["practices"][0];
  let second: RegionInfo["practices"][0];

  beforeAll(async () => {
    region = await startRegion({ seed: 5, practices: 2, patientsPerPractice: 2 });
    [first, second] = region.info().practices as [typeof first, typeof second];
  });

  afterAll(async () => {
    await region.close();
  });

  const origin = (endpoint: string) => new URL(endpoint).origin;
  const path = (endpoint: string) => new URL(endpoint).pathname;

  it("answers a request only as the practice whose port it came in on", async () => {
    const after = region.journal.lastSeq;
    // The second practice's path on the first practice's port: the first practice's 404.
    const crossed = await request(`${origin(first.endpoint)}${path(second.endpoint)}/metadata`);
    expect(crossed.statusCode).toBe(404);
    const outcome = (await crossed.body.json()) as fhir.OperationOutcome;
    expect(outcome.issue[0]?.diagnostics).toBe(
      `No such endpoint: GET ${path(second.endpoint)}/metadata (this practice serves POST ${path(first.endpoint)}/Patient/$gpc.getstructuredrecord and GET ${path(first.endpoint)}/metadata)`,
    );
    const unknown = await request(`${origin(second.endpoint)}/nowhere?x=1`, { method: "DELETE" });
    expect(unknown.statusCode).toBe(404);
    await unknown.body.dump();
    expect(await getMetadata(second.endpoint)).toBe(200);

    expect(region.journal.list({ after }).map((e) => [e.ods, e.method, e.path, e.query, e.status])).toEqual([
      [first.ods, "GET", `${path(second.endpoint)}/metadata`, {}, 404],
      [second.ods, "DELETE", "/nowhere", { x: "1" }, 404],
      [second.ods, "GET", `${path(second.endpoint)}/metadata`, {}, 200],
    ]);
  });

  it("journals requests with methods fastify does not route, under the practice they came to", async () => {
    const after = region.journal.lastSeq;
    for (const [endpoint, method] of [
      [first.endpoint, "PROPFIND"],
      [second.endpoint, "LOCK"],
      [second.endpoint, "MKCOL"],
    ] as const) {
      const answer = await request(`${origin(endpoint)}/somewhere/else?depth=1`, {
        method,
        headers: { "content-type": "application/xml" },
        body: "<propfind/>",
      });
      expect(answer.statusCode).toBe(404);
      const outcome = (await answer.body.json()) as fhir.OperationOutcome;
      // The practices' shared app routes under hidden prefixes: the answer names the path the client sent.
      expect(outcome.issue[0]?.diagnostics).toBe(`No such endpoint: ${method} /somewhere/else`);
    }
    expect(
      region.journal.list({ after }).map((e) => [e.target, e.ods, e.method, e.path, e.query, e.status]),
    ).toEqual([
      ["practice", first.ods, "PROPFIND", "/somewhere/else", { depth: "1" }, 404],
      ["practice", second.ods, "LOCK", "/somewhere/else", { depth: "1" }, 404],
      ["practice", second.ods, "MKCOL", "/somewhere/else", { depth: "1" }, 404],
    ]);
  });

  it("keeps each practice's faults to that practice, offline included", async () => {
    await region.setFault(first.ods, { kind: "error", status: 503 });
    expect(await getMetadata(first.endpoint)).toBe(503);
    expect(await getMetadata(second.endpoint)).toBe(200);

    await region.setFault(first.ods, { kind: "offline" });
    await expect(getMetadata(first.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(await getMetadata(second.endpoint)).toBe(200);

    await region.setFault(first.ods, null);
    expect(await getMetadata(first.endpoint)).toBe(200);
  });

  it("serves added practices, with their own faults, offline and back on the same port", async () => {
    const added = await region.addPractice("tpp");
    expect(await getMetadata(added.endpoint)).toBe(200);
    const crossed = await request(`${origin(added.endpoint)}${path(first.endpoint)}/metadata`);
    expect(crossed.statusCode).toBe(404);
    await crossed.body.dump();

    await region.setFault(added.ods, { kind: "error", status: 500 });
    expect(await getMetadata(added.endpoint)).toBe(500);
    expect(await getMetadata(first.endpoint)).toBe(200);
    await region.setFault(added.ods, { kind: "offline" });
    await expect(getMetadata(added.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await region.clearFaults();
    expect(await getMetadata(added.endpoint)).toBe(200);
    expect(region.info().practices.find((p) => p.ods === added.ods)?.endpoint).toBe(added.endpoint);
  });
});

describe("region ports", () => {
  it("uses the fixed base port: control P, PDS P+1, SDS P+2, practices from P+3, added ones next", async () => {
    const base = await freePortRun(6);
    const region = await startRegion({ seed: 4, practices: 2, patientsPerPractice: 1, port: base });
    try {
      const info = region.info();
      expect(info.control).toBe(`http://127.0.0.1:${base}/_control`);
      expect(info.pds).toBe(`http://127.0.0.1:${base + 1}/personal-demographics/FHIR/R4`);
      expect(info.sds).toBe(`http://127.0.0.1:${base + 2}/spine-directory/FHIR/R4`);
      expect(info.practices.map((p) => new URL(p.endpoint).port)).toEqual([
        String(base + 3),
        String(base + 4),
      ]);
      const added = await region.addPractice("emis");
      expect(new URL(added.endpoint).port).toBe(String(base + 5));
      expect((await new ControlClient(info.control).region()).practices).toHaveLength(3);
    } finally {
      await region.close();
    }
  });

  it("rejects a port in use with a message naming it, and leaves nothing listening", async () => {
    const base = await freePortRun(5);
    const squatter = await occupy(base + 2);
    try {
      await expect(
        startRegion({ seed: 4, practices: 2, patientsPerPractice: 1, port: base }),
      ).rejects.toThrow(`port ${base + 2} (SDS) is already in use on 127.0.0.1`);
      // Every other port of the failed region is free again.
      for (const port of [base, base + 1, base + 3, base + 4]) {
        const server = await occupy(port);
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("names a practice's port in use", async () => {
    const base = await freePortRun(5);
    const squatter = await occupy(base + 4);
    try {
      await expect(
        startRegion({ seed: 4, practices: 2, patientsPerPractice: 1, port: base }),
      ).rejects.toThrow(
        new RegExp(`^port ${base + 4} \\(practice [A-Z0-9]+\\) is already in use on 127\\.0\\.0\\.1$`),
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("refuses connections everywhere once closed", async () => {
    const region = await startRegion({ seed: 4, practices: 1, patientsPerPractice: 1 });
    const info = region.info();
    await region.close();
    await expect(new ControlClient(info.control).region()).rejects.toThrow(
      `cannot reach the simulated region at ${info.control}`,
    );
    await expect(getMetadata(info.practices[0]!.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("control API access", () => {
  it("requires the bearer token when one is configured", async () => {
    const region = await startRegion({
      seed: 4,
      practices: 1,
      patientsPerPractice: 1,
      controlToken: "s3cret",
    });
    try {
      const url = region.info().control;
      await expect(new ControlClient(url).region()).rejects.toThrow(/401.*Authorization: Bearer/);
      await expect(new ControlClient(url, { token: "wrong" }).region()).rejects.toThrow(/401/);
      expect((await new ControlClient(url, { token: "s3cret" }).region()).control).toBe(url);
    } finally {
      await region.close();
    }
  });

  it("serves loopback callers only when no token is configured, and anyone with the token when one is", async () => {
    const region = await startRegion({ seed: 4, practices: 1, patientsPerPractice: 1 });
    const open = buildControlApp({ region });
    const guarded = buildControlApp({ region, token: "s3cret" });
    try {
      const remote = await open.inject({ method: "GET", url: "/_control/region", remoteAddress: "10.1.2.3" });
      expect(remote.statusCode).toBe(403);
      expect(remote.json<{ error: string }>().error).toContain("loopback callers only");
      const local = await open.inject({
        method: "GET",
        url: "/_control/region",
        remoteAddress: "::ffff:127.0.0.1",
      });
      expect(local.statusCode).toBe(200);

      const withToken = await guarded.inject({
        method: "GET",
        url: "/_control/region",
        remoteAddress: "10.1.2.3",
        headers: { authorization: "Bearer s3cret" },
      });
      expect(withToken.statusCode).toBe(200);
    } finally {
      await Promise.all([open.close(), guarded.close(), region.close()]);
    }
  });

  it("says clearly when nothing listens at the control URL", async () => {
    const base = await freePortRun(1);
    await expect(new ControlClient(`http://127.0.0.1:${base}`, { timeoutMs: 2000 }).region()).rejects.toThrow(
      `cannot reach the simulated region at http://127.0.0.1:${base}`,
    );
  });

  it("answers unknown control routes with a JSON error", async () => {
    const region = await startRegion({ seed: 4, practices: 1, patientsPerPractice: 1 });
    try {
      const answer = await getJson<{ error: string }>(`${region.info().control}/nope`, {});
      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe("no control route GET /_control/nope");
    } finally {
      await region.close();
    }
  });
});
