/**
 * What a gateway says of itself reaches the run result: a CapabilityStatement at `{base}/metadata` gives its
 * software's name and version, FHIR version and publisher; a gateway that serves none is described by its
 * manifest alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultManifest } from "../harness/manifest/load.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { type FaultyGateway, startFaultyGateway } from "./faulty-gateways/faulty-gateway.js";

let region: Region;
const gateways: FaultyGateway[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 31, port: 0 });
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await region?.close();
});

async function runAgainst(describesItself: boolean) {
  const info = region.info();
  const gateway = await startFaultyGateway(
    {
      defect: "none: a correct gateway, describing itself or not",
      catches: {},
      instead: async (request) =>
        describesItself && request.method === "GET" && request.url === "/metadata"
          ? {
              status: 200,
              body: JSON.stringify({
                resourceType: "CapabilityStatement",
                status: "active",
                fhirVersion: "3.0.1",
                publisher: "Example Health <Ltd>",
                software: { name: "Example Gateway", version: "2.4.1" },
              }),
            }
          : undefined,
    },
    { pds: info.pds, sds: info.sds, control: info.control },
  );
  gateways.push(gateway);
  const catalogue = await loadCatalogue();
  return runConformance({
    gateway: defaultManifest(gateway.url),
    region: info.control,
    port: 0,
    seed: 31,
    scenarios: catalogue.filter((s) => s.id === "CORE-01"),
    concurrency: 1,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 100,
  });
}

describe("what a gateway says of itself", () => {
  it("is recorded from its CapabilityStatement", async () => {
    const result = await runAgainst(true);
    expect(result.gateway.capabilityStatement).toEqual({
      softwareName: "Example Gateway",
      softwareVersion: "2.4.1",
      fhirVersion: "3.0.1",
      publisher: "Example Health <Ltd>",
    });
  });

  it("is left out when it serves none", async () => {
    const result = await runAgainst(false);
    expect(result.gateway.capabilityStatement).toBeUndefined();
    expect(result.scenarios[0]?.result).toBe("pass");
  });
});
