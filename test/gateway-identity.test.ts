/**
 * A gateway under test that sends practices an ASID of its own declares it in its manifest (`identity`); the
 * harness registers it in the region's SDS before the run, so the practices' Spine Secure Proxy lets it
 * through. Undeclared, the proxy refuses it, as the Spine would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedManifest } from "../harness/manifest/load.js";
import { defaultManifest } from "../harness/manifest/load.js";
import type { GatewayIdentity } from "../harness/manifest/types.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { type FaultyGateway, startFaultyGateway } from "./faulty-gateways/faulty-gateway.js";

const GATEWAY_ASID = "999000000055";

let region: Region;
let gateway: FaultyGateway;

beforeAll(async () => {
  region = await startRegion({ seed: 37, port: 0 });
  const info = region.info();
  gateway = await startFaultyGateway(
    { defect: "none: a correct gateway with an ASID of its own", catches: {}, config: { GATEWAY_ASID } },
    { pds: info.pds, sds: info.sds, control: info.control },
  );
}, 30_000);

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

async function runWith(identity?: GatewayIdentity) {
  const loaded = defaultManifest(gateway.url);
  const manifest: LoadedManifest =
    identity === undefined ? loaded : { ...loaded, manifest: { ...loaded.manifest, identity } };
  const catalogue = await loadCatalogue();
  return runConformance({
    gateway: manifest,
    region: region.info().control,
    port: 0,
    seed: 37,
    scenarios: catalogue.filter((s) => s.id === "CORE-03"),
    concurrency: 1,
    // Generous: a machine busy with other tests must not turn the verdict into a harness error.
    requestTimeoutMs: 30_000,
    scenarioTimeoutMs: 60_000,
    settleMs: 100,
  });
}

describe("the gateway's own ASID", { timeout: 90_000 }, () => {
  it("undeclared, is refused by the practices as the Spine would refuse it", async () => {
    const result = await runWith();
    expect(result.scenarios[0]?.result).toBe("fail");
    expect(result.scenarios[0]?.message).toMatch(/the gateway answered 403/);
  });

  it("declared in the manifest, is registered in SDS before the run and let through", async () => {
    const result = await runWith({ ods: "Y99055", asid: GATEWAY_ASID });
    expect(result.scenarios.map((s) => [s.id, s.result, s.message ?? ""])).toEqual([["CORE-03", "pass", ""]]);
    expect(region.info().consumers).toContainEqual(
      expect.objectContaining({ ods: "Y99055", asid: GATEWAY_ASID }),
    );
  });

  it("declared with an ASID SDS holds for another organisation, stops the run before it starts", async () => {
    await expect(runWith({ ods: "Y99056", asid: "999000000001" })).rejects.toThrow(
      /identity: .*999000000001 is already registered for Y99001/,
    );
  });
});
