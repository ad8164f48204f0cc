/**
 * Each scenario must catch the fault it guards against: run it against a gateway that has that fault and
 * see it fail, with a message a developer can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { runConformance } from "../harness/runner.js";
import { catalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/region.js";
import { type FaultyGateway, startFaultyGateway } from "./faulty-gateways/consent-faults.js";

let region: Region;
let correct: { url: string; close(): Promise<void> };
const faulty: FaultyGateway[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 11, port: 0 });
  const info = region.info();
  correct = await startGateway(
    readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
  );
});

afterAll(async () => {
  for (const g of faulty) await g.close();
  await correct?.close();
  await region?.close();
});

async function runAgainst(gatewayUrl: string, ids: string[]) {
  return runConformance({
    gateway: gatewayUrl,
    region: region.info().control,
    port: 0,
    seed: 11,
    scenarios: catalogue.filter((s) => ids.includes(s.id)),
    concurrency: 2,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 250,
  });
}

describe("a gateway that ignores X-Consent: refused", () => {
  it("fails CONSENT-02: the record is returned and the practice was asked for it", async () => {
    const gateway = await startFaultyGateway("ignores-refusal", correct.url);
    faulty.push(gateway);
    const result = await runAgainst(gateway.url, ["CONSENT-02", "CONSENT-01"]);
    const refused = result.scenarios.find((s) => s.id === "CONSENT-02")!;
    expect(refused.result).toBe("fail");
    expect(refused.message).toMatch(/HTTP status 403: the gateway answered 200/);
    expect(result.verdict).toBe("fail");
    expect(result.verdictReason).toContain("CONSENT-02 (fail)");
    // The fault is specific: granted consent still works, so the rest of the run is not noise.
    expect(result.scenarios.find((s) => s.id === "CONSENT-01")!.result).toBe("pass");
  });
});

describe("a gateway that fetches the record before acting on a refusal", () => {
  it("fails CONSENT-02 on the journal even though its answer looks right", async () => {
    const gateway = await startFaultyGateway("fetches-before-asking", correct.url);
    faulty.push(gateway);
    const result = await runAgainst(gateway.url, ["CONSENT-02"]);
    const refused = result.scenarios[0]!;
    expect(refused.result).toBe("fail");
    expect(refused.checks.filter((c) => c.passed).map((c) => c.name)).toEqual([
      "HTTP status 403",
      "error code NO_PATIENT_CONSENT",
    ]);
    expect(refused.message).toMatch(
      /no record request reached the practice .*: the practice received 1 record request/,
    );
    expect(refused.evidence.south.some((e) => e.target === "practice" && e.method === "POST")).toBe(true);
  });
});

describe("the reference gateway", () => {
  it("passes the whole catalogue in-process against an attached region", async () => {
    const result = await runAgainst(
      correct.url,
      catalogue.map((s) => s.id),
    );
    expect(result.scenarios.map((s) => [s.id, s.result, s.message ?? ""])).toEqual(
      catalogue.map((s) => [s.id, "pass", ""]),
    );
    expect(result.verdict).toBe("pass");
  });
});
