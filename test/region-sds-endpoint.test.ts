/**
 * A practice SDS lists no GP Connect endpoint for (`endpointInSds: false`), as for a practice not yet live on
 * GP Connect: its Endpoint search finds nothing, while its accredited system is still listed and the practice
 * itself still answers.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { ControlClient, type Region, startRegion } from "../simulators/index.js";

let region: Region;
let control: ControlClient;

beforeAll(async () => {
  region = await startRegion({ seed: 5, practices: 1, patientsPerPractice: 2, port: 0 });
  control = new ControlClient(region.info().control);
});

afterAll(async () => {
  await region?.close();
});

async function sdsTotal(resource: "Device" | "Endpoint", ods: string): Promise<number> {
  const query = `organization=${ODS_ORGANISATION_SYSTEM}|${ods}&identifier=${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`;
  const answer = await request(`${region.info().sds}/${resource}?${query}`, { headers: { apikey: "test" } });
  return ((await answer.body.json()) as { total: number }).total;
}

describe("a practice added with endpointInSds false", () => {
  it("has no Endpoint in SDS, but its Device is listed and the practice answers", async () => {
    const hidden = await control.addPractice("tpp", { endpointInSds: false });
    const listed = await control.addPractice("tpp");
    expect([await sdsTotal("Endpoint", hidden.ods), await sdsTotal("Device", hidden.ods)]).toEqual([0, 1]);
    expect(await sdsTotal("Endpoint", listed.ods)).toBe(1);
    const metadata = await request(`${hidden.endpoint}/metadata`);
    await metadata.body.dump();
    expect(metadata.statusCode).toBe(200);
    await control.removePractice(hidden.ods);
    await control.removePractice(listed.ods);
  });

  it("is refused with a message naming the field when the value is not a boolean", async () => {
    await expect(control.addPractice("emis", { endpointInSds: "no" as unknown as boolean })).rejects.toThrow(
      /failed with 400: .*endpointInSds/,
    );
  });
});
