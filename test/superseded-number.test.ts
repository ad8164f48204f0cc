/**
 * Trait `superseded-number`: a patient added with it has an older NHS number that PDS resolves to them (as PDS
 * does for merged records), that the control API names, and that no practice knows; the reference gateway asked
 * under the old number asks the practice under the current one.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { requestFromPractice } from "../harness/north/practice-request.js";
import { ControlClient } from "../simulators/index.js";
import { askForRecord, useReferenceGatewayInRegion } from "./support/reference-gateway-in-region.js";

const started = useReferenceGatewayInRegion({}, 31);

async function pdsId(nhsNumber: string): Promise<{ status: number; id?: string }> {
  const answer = await request(`${started.region.info().pds}/Patient/${nhsNumber}`, {
    headers: { "x-request-id": "0b0e7b4e-3c1d-4d3e-9f57-2d3c0c6b9a10" },
  });
  const body = (await answer.body.json()) as { id?: string };
  return { status: answer.statusCode, ...(body.id === undefined ? {} : { id: body.id }) };
}

describe("a patient with a superseded NHS number", () => {
  it("has an older number PDS answers with the current one, the control API names, and no practice knows", async () => {
    const { region } = started;
    const practice = await region.addPractice("emis");
    const patient = region.addPatient(practice.ods, ["superseded-number"]);
    const [old] = patient.supersededNhsNumbers ?? [];
    expect(old).toMatch(/^999\d{7}$/);
    expect(old).not.toBe(patient.nhsNumber);
    expect(await pdsId(old!)).toEqual({ status: 200, id: patient.nhsNumber });
    expect(await new ControlClient(region.info().control).patient(old!)).toEqual(patient);
    expect((await requestFromPractice(practice, old!, ["includeAllergies"])).status).toBe(404);
    expect((await requestFromPractice(practice, patient.nhsNumber, ["includeAllergies"])).status).toBe(200);

    const other = region.addPatient(practice.ods, []);
    expect([other.nhsNumber]).not.toContain(old);
    region.removePatient(patient.nhsNumber);
    expect((await pdsId(old!)).status).toBe(404);
  });

  it("is found by the reference gateway under the old number, and the practice asked under the current one", async () => {
    const { region, gateway } = started;
    const practice = await region.addPractice("tpp");
    const patient = region.addPatient(practice.ods, ["superseded-number"]);
    const [old] = patient.supersededNhsNumbers ?? [];
    const since = new Date().toISOString();
    const answer = await askForRecord(gateway.url, old!);
    expect(answer.status).toBe(200);
    const asked = region.journal
      .list({ target: "practice", ods: practice.ods, since })
      .map((entry) => (entry.body as fhir.Parameters).parameter?.[0]?.valueIdentifier);
    expect(asked).toEqual([{ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber }]);
  });
});
