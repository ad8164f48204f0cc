/**
 * Every scenario must catch the fault it guards against: the whole catalogue runs against each faulty gateway
 * (test/faulty-gateways/faults/), and exactly the scenarios the fault names fail, each on the check that names
 * it. Then the guards: every scenario is failed by some faulty gateway, and every kind of check the catalogue
 * makes is seen failing somewhere in the faulty set, so no check is one that cannot fail.
 */
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import type { RunResult } from "../harness/run-result.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { FAULTS } from "./faulty-gateways/faults/index.js";
import { type Fault, type Spine, startFaultyGateway } from "./faulty-gateways/faulty-gateway.js";
import { defaultManifestWithAudit, REFERENCE_ALLOWED_ROLES } from "./support/audit-manifest.js";

const catalogue = await loadCatalogue();
/** Faulty gateways tried at once, each in a region of its own (PDS and SDS faults stay within a region). */
const REGIONS = 3;
const regions: Region[] = [];
const idle: Region[] = [];
const waiting: Array<(region: Region) => void> = [];

/** A region of the pool for one faulty gateway's run, and back when it is done. */
async function withRegion<T>(work: (region: Region) => Promise<T>): Promise<T> {
  const region = idle.pop() ?? (await new Promise<Region>((grant) => waiting.push(grant)));
  try {
    return await work(region);
  } finally {
    const next = waiting.shift();
    if (next) next(region);
    else idle.push(region);
  }
}

function spineOf(region: Region): Spine {
  const info = region.info();
  return { pds: info.pds, sds: info.sds, control: info.control };
}

/** The kinds of check seen failing against the faulty gateways, and made against the reference gateway. */
const seenFailing = new Set<string>();
const madeByReference = new Set<string>();

beforeAll(async () => {
  for (let i = 0; i < REGIONS; i++) regions.push(await startRegion({ seed: 11 + i, port: 0 }));
  idle.push(...regions);
});

afterAll(async () => {
  for (const region of regions) await region.close();
});

/**
 * The performance pack's loads take seconds each: it runs against the reference gateway and against the faulty
 * gateways that name one of its scenarios, and the rest of the catalogue against every faulty gateway.
 */
function aimedAtPerformance(fault: Fault): boolean {
  return Object.keys({ ...fault.catches, ...fault.mayCatch }).some((id) => id.startsWith("PERFORMANCE-"));
}

function runAgainst(gatewayUrl: string, region: Region, scenarios = catalogue): Promise<RunResult> {
  return runConformance({
    gateway: defaultManifestWithAudit(gatewayUrl),
    region: region.info().control,
    port: 0,
    seed: region.info().seed,
    scenarios,
    catalogue,
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

describe("each faulty gateway is caught by exactly the scenarios named for it", () => {
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

  // Faults aimed at the rest of the catalogue, three at a time, each in a region of its own.
  it.concurrent.for(faultNames.filter((name) => !aimedAtPerformance(FAULTS[name]!)))(
    "%s",
    { timeout: 150_000 },
    async (name, { expect }) => {
      await withRegion((region) =>
        proveFault(
          name,
          region,
          catalogue.filter((s) => s.pack !== "performance"),
          expect,
        ),
      );
    },
  );
});

describe("each faulty gateway aimed at the performance pack, alone", () => {
  // Loads measure time: with nothing else running, so the figures are the gateway's and not the machine's.
  it.for(faultNames.filter((name) => aimedAtPerformance(FAULTS[name]!)))(
    "%s",
    { timeout: 180_000 },
    async (name, { expect }) => {
      await withRegion((region) => proveFault(name, region, catalogue, expect));
    },
  );
});

/** Runs `scenarios` against the fault's gateway and holds it to exactly the scenarios it names. */
async function proveFault(
  name: string,
  region: Region,
  scenarios: typeof catalogue,
  expect: ExpectStatic,
): Promise<void> {
  const fault = FAULTS[name]!;
  const gateway = await startFaultyGateway(fault, spineOf(region));
  try {
    const result = await runAgainst(gateway.url, region, scenarios);
    for (const scenario of result.scenarios)
      for (const check of scenario.checks) if (!check.passed) seenFailing.add(checkKind(check.name));
    const failed = result.scenarios.filter((s) => s.result !== "pass");
    // Those that may fail (for some patients only) and did are held to their words; then the whole failing set
    // at once, so a difference reads as one list.
    const mayFail = Object.entries(fault.mayCatch ?? {}).filter(([id]) => failed.some((s) => s.id === id));
    expect(Object.fromEntries(failed.map((s) => [s.id, `${s.result}: ${s.message ?? ""}`]))).toEqual(
      Object.fromEntries(
        [...Object.entries(fault.catches), ...mayFail].map(([id, words]) => [
          id,
          expect.stringMatching(words),
        ]),
      ),
    );
    for (const scenario of failed) expect(scenario.result, scenario.id).toBe("fail");
    // The verdict counts MUST scenarios only: a fault caught by SHOULD scenarios alone leaves it passing.
    expect(result.verdict).toBe(failed.some((s) => s.level === "MUST") ? "fail" : "pass");
  } finally {
    await gateway.close();
  }
}

describe("the reference gateway, and the checks it makes", () => {
  let correct: { url: string; close(): Promise<void> } | undefined;

  afterAll(async () => {
    await correct?.close();
  });

  it("passes the whole catalogue in-process against an attached region", async () => {
    const region = regions[0]!;
    const info = region.info();
    correct = await startGateway(
      readGatewayConfig({
        PDS_URL: info.pds,
        SDS_URL: info.sds,
        PORT: "0",
        HOST: "127.0.0.1",
        ALLOWED_ROLES: REFERENCE_ALLOWED_ROLES.join(","),
      }),
    );
    const result = await runAgainst(correct.url, region);
    for (const scenario of result.scenarios)
      for (const check of scenario.checks) if (!check.notRun) madeByReference.add(checkKind(check.name));
    expect(result.scenarios.map((s) => [s.id, s.result, s.message ?? ""])).toEqual(
      catalogue.map((s) => [s.id, "pass", ""]),
    );
    expect(result.verdict).toBe("pass");
  }, 300_000);

  it("every kind of check the catalogue makes is seen failing against some faulty gateway", () => {
    expect(madeByReference.size).toBeGreaterThan(10);
    expect([...madeByReference].filter((kind) => !seenFailing.has(kind)).sort()).toEqual([]);
  });
});
