/**
 * Every scenario must catch the fault it guards against: the whole catalogue runs against each faulty gateway
 * (test/faulty-gateways/faults/), and exactly the scenarios the fault names fail, each on the check that names
 * it. Then the guards: every scenario is failed by some faulty gateway, and every kind of check the catalogue
 * makes is seen failing somewhere in the faulty set, so no check is one that cannot fail.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { defaultManifest } from "../harness/manifest/load.js";
import type { RunResult } from "../harness/run-result.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { FAULTS } from "./faulty-gateways/faults/index.js";
import { type Spine, startFaultyGateway } from "./faulty-gateways/faulty-gateway.js";

const catalogue = await loadCatalogue();
let region: Region;
let spine: Spine;

/** The kinds of check seen failing against the faulty gateways, and made against the reference gateway. */
const seenFailing = new Set<string>();
const madeByReference = new Set<string>();

beforeAll(async () => {
  region = await startRegion({ seed: 11, port: 0 });
  const info = region.info();
  spine = { pds: info.pds, sds: info.sds, control: info.control };
});

afterAll(async () => {
  await region?.close();
});

function runAgainst(gatewayUrl: string): Promise<RunResult> {
  return runConformance({
    gateway: defaultManifest(gatewayUrl),
    region: region.info().control,
    port: 0,
    seed: 11,
    scenarios: catalogue,
    concurrency: 4,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 250,
  });
}

/**
 * A check's kind: its name without what varies from scenario to scenario (ODS codes, numbers, the pattern a
 * medication is looked for by), so "no record request reached the practice (A12345)" is one kind however many
 * practices it names.
 */
function checkKind(name: string): string {
  return name
    .replace(/\([A-Z][A-Z0-9]{2,9}\)/g, "(ODS)")
    .replace(/\/.*\/[a-z]*/g, "/pattern/")
    .replace(/\b\d+\b/g, "N");
}

const faultNames = Object.keys(FAULTS);

describe("each faulty gateway is caught by exactly the scenarios named for it", { timeout: 120_000 }, () => {
  it("there are at least 25 faulty gateways, each naming a scenario of the catalogue", () => {
    expect(faultNames.length).toBeGreaterThanOrEqual(25);
    const ids = new Set(catalogue.map((s) => s.id));
    const unknown = faultNames.flatMap((name) =>
      Object.keys(FAULTS[name]!.catches)
        .filter((id) => !ids.has(id))
        .map((id) => `${name} → ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it("every scenario is failed by at least one faulty gateway", () => {
    const caught = new Set(faultNames.flatMap((name) => Object.keys(FAULTS[name]!.catches)));
    expect(catalogue.map((s) => s.id).filter((id) => !caught.has(id))).toEqual([]);
  });

  it.each(faultNames)("%s", async (name) => {
    const fault = FAULTS[name]!;
    const gateway = await startFaultyGateway(fault, spine);
    try {
      const result = await runAgainst(gateway.url);
      for (const scenario of result.scenarios)
        for (const check of scenario.checks) if (!check.passed) seenFailing.add(checkKind(check.name));
      const failed = result.scenarios.filter((s) => s.result !== "pass");
      // The whole failing set at once, so a difference reads as one list.
      expect(Object.fromEntries(failed.map((s) => [s.id, `${s.result}: ${s.message ?? ""}`]))).toEqual(
        Object.fromEntries(
          Object.entries(fault.catches).map(([id, words]) => [id, expect.stringMatching(words)]),
        ),
      );
      for (const scenario of failed) expect(scenario.result, scenario.id).toBe("fail");
      // The verdict counts MUST scenarios only: a fault caught by SHOULD scenarios alone leaves it passing.
      expect(result.verdict).toBe(failed.some((s) => s.level === "MUST") ? "fail" : "pass");
    } finally {
      await gateway.close();
    }
  });
});

describe("the reference gateway, and the checks it makes", () => {
  let correct: { url: string; close(): Promise<void> } | undefined;

  afterAll(async () => {
    await correct?.close();
  });

  it("passes the whole catalogue in-process against an attached region", async () => {
    const info = region.info();
    correct = await startGateway(
      readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
    );
    const result = await runAgainst(correct.url);
    for (const scenario of result.scenarios)
      for (const check of scenario.checks) if (!check.notRun) madeByReference.add(checkKind(check.name));
    expect(result.scenarios.map((s) => [s.id, s.result, s.message ?? ""])).toEqual(
      catalogue.map((s) => [s.id, "pass", ""]),
    );
    expect(result.verdict).toBe("pass");
  });

  it("every kind of check the catalogue makes is seen failing against some faulty gateway", () => {
    expect(madeByReference.size).toBeGreaterThan(10);
    expect([...madeByReference].filter((kind) => !seenFailing.has(kind)).sort()).toEqual([]);
  });
});
