/**
 * Removing what was added to a running region over `/_control` (`DELETE /practices/{ods}`,
 * `DELETE /patients/{nhsNumber}`): gone from PDS, SDS and the region's description, the practice's port
 * closed and free again, what the region kept for it dropped; the region's seeded population refused.
 */
import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { ControlClient } from "../simulators/control/client.js";
import { type Region, startRegion } from "../simulators/index.js";
import { sharedBundleCache } from "../simulators/practices/bundle-cache.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { freePortRun, occupy } from "./support/ports.js";

const TIMEOUT_MS = 5_000;

let region: Region;
let control: ControlClient;

beforeAll(async () => {
  region = await startRegion({
    seed: 17,
    practices: 2,
    patientsPerPractice: 50,
    referenceDate: "2025-06-01",
  });
  control = new ControlClient(region.info().control);
});

afterAll(async () => {
  await region?.close();
});

async function metadataStatus(endpoint: string): Promise<number> {
  const response = await request(`${endpoint}/metadata`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.body.dump();
  return response.statusCode;
}

async function pdsStatus(nhsNumber: string): Promise<number> {
  const response = await request(`${region.info().pds}/Patient/${nhsNumber}`, {
    headers: { "x-request-id": randomUUID() },
  });
  await response.body.dump();
  return response.statusCode;
}

/** How many Devices SDS answers for the practice's structured-record interaction. */
async function sdsDevices(ods: string): Promise<number> {
  const query = `organization=${ODS_ORGANISATION_SYSTEM}|${ods}&identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`;
  const response = await request(`${region.info().sds}/Device?${query}`, { headers: { apikey: "test" } });
  return ((await response.body.json()) as { total: number }).total;
}

async function recordStatus(endpoint: string, asid: string, nhsNumber: string): Promise<number> {
  const response = await request(`${endpoint}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers: gpConnectHeaders({ fromAsid: region.info().consumer.asid, toAsid: asid, audience: endpoint }),
    body: JSON.stringify(structuredRecordRequest({ nhsNumber, includeAllergies: true })),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await response.body.dump();
  return response.statusCode;
}

describe("removing a practice added at run time", () => {
  it("takes it away with its patient, port, fault, settings and cached answers", async () => {
    const practice = await control.addPractice("tpp");
    const patient = await control.addPatient(practice.ods, ["no-known-allergies"]);
    const cachedBefore = sharedBundleCache.size;
    expect(await recordStatus(practice.endpoint, practice.asid, patient.nhsNumber)).toBe(200);
    expect(sharedBundleCache.size).toBe(cachedBefore + 1);
    await control.setDisabledAreas(practice.ods, ["includeProblems"]);
    await control.setFault(practice.ods, { kind: "error", status: 503 });
    expect(await sdsDevices(practice.ods)).toBe(1);
    expect(await pdsStatus(patient.nhsNumber)).toBe(200);

    await control.removePractice(practice.ods);

    expect((await control.region()).practices.map((p) => p.ods)).not.toContain(practice.ods);
    await expect(metadataStatus(practice.endpoint)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(await pdsStatus(patient.nhsNumber)).toBe(404);
    expect(await sdsDevices(practice.ods)).toBe(0);
    expect(await control.faults()).not.toHaveProperty(practice.ods);
    expect(sharedBundleCache.size).toBe(cachedBefore);
    await expect(control.disabledAreas(practice.ods)).rejects.toThrow(/404/);
    await expect(control.addPatient(practice.ods, [])).rejects.toThrow(/404/);
    await expect(control.setFault(practice.ods, null)).rejects.toThrow(/404/);
    await expect(control.removePractice(practice.ods)).rejects.toThrow(/404.*no practice with ODS code/);
  });

  it("drops the connections of requests its fault was holding", async () => {
    const practice = await control.addPractice("emis");
    // A pooled keep-alive connection, then a request the hang fault holds on it.
    expect(await metadataStatus(practice.endpoint)).toBe(200);
    await control.setFault(practice.ods, { kind: "hang" });
    const held = metadataStatus(practice.endpoint).then(
      () => "answered",
      (error: { code?: string; name?: string }) => error.code ?? error.name ?? "failed",
    );
    await control.removePractice(practice.ods);
    expect(await held).toMatch(/UND_ERR_SOCKET|ECONNRESET|ECONNREFUSED/);
  });

  it("refuses a practice of the seeded population (409) and an unknown one (404), changing nothing", async () => {
    const before = (await control.region()).practices;
    const seeded = before[0]!;
    await expect(control.removePractice(seeded.ods)).rejects.toThrow(
      /409.*one of the 2 the population was created with; only practices added later can be removed/,
    );
    await expect(control.removePractice("Z99999")).rejects.toThrow(/404/);
    expect((await control.region()).practices).toEqual(before);
    expect(await metadataStatus(seeded.endpoint)).toBe(200);
  });

  it("gives a practice added later the port of one removed, under a new ODS code (fixed base port)", async () => {
    const base = await freePortRun(6);
    const fixed = await startRegion({ seed: 4, practices: 1, patientsPerPractice: 1, port: base });
    try {
      const first = await fixed.addPractice("emis");
      expect(new URL(first.endpoint).port).toBe(String(base + 4));
      await fixed.removePractice(first.ods);
      const second = await fixed.addPractice("tpp");
      expect(new URL(second.endpoint).port).toBe(String(base + 4));
      expect(second.ods).not.toBe(first.ods);
      expect(await metadataStatus(second.endpoint)).toBe(200);
      await expect(metadataStatus(first.endpoint)).resolves.toBe(404);
    } finally {
      await fixed.close();
    }
  });
});

describe("adding a practice whose port is taken", () => {
  it("adds nothing: the practice is not in the region, and the port is tried again for the next", async () => {
    const base = await freePortRun(6);
    const fixed = await startRegion({ seed: 4, practices: 1, patientsPerPractice: 1, port: base });
    const squatter = await occupy(base + 4);
    try {
      await expect(fixed.addPractice("emis")).rejects.toThrow(
        new RegExp(`port ${base + 4} .* already in use`),
      );
      expect(fixed.info().practices).toHaveLength(1);
      await new Promise((resolve) => squatter.close(resolve));
      const added = await fixed.addPractice("emis");
      expect(new URL(added.endpoint).port).toBe(String(base + 4));
      expect(fixed.info().practices).toHaveLength(2);
    } finally {
      if (squatter.listening) squatter.close();
      await fixed.close();
    }
  });
});

describe("removing a patient added at run time", () => {
  it("takes the patient away from PDS and their practice", async () => {
    const practice = region.info().practices[0]!;
    const patient = await control.addPatient(practice.ods, ["dissent"]);
    expect(await pdsStatus(patient.nhsNumber)).toBe(200);
    await control.removePatient(patient.nhsNumber);
    expect(await pdsStatus(patient.nhsNumber)).toBe(404);
    expect(await recordStatus(practice.endpoint, practice.asid, patient.nhsNumber)).toBe(404);
    await expect(control.removePatient(patient.nhsNumber)).rejects.toThrow(/404/);
  });

  it("refuses sample patients and generated ones (409) and numbers nobody has (404)", async () => {
    const sample = region.info().patients.find((p) => p.traits.length > 0)!;
    await expect(control.removePatient(sample.nhsNumber)).rejects.toThrow(/409.*sample/);
    const generated = region.population.patient(region.info().practices[0]!.ods, 4);
    await expect(control.removePatient(generated.nhsNumber)).rejects.toThrow(/409.*generated list/);
    await expect(control.removePatient(await control.unknownNhsNumber())).rejects.toThrow(/404/);
    await expect(control.removePatient("not-a-number")).rejects.toThrow(/404/);
    expect(await pdsStatus(sample.nhsNumber)).toBe(200);
  });
});
