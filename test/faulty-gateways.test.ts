/**
 * Every scenario must catch the fault it guards against: run it against a gateway with exactly that fault
 * and see it fail, on the check that names the fault.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { defaultManifest } from "../harness/manifest/load.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { type FaultName, type FaultyGateway, startFaultyGateway } from "./faulty-gateways/faulty-gateway.js";

const catalogue = await loadCatalogue();
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

async function runAgainst(gatewayUrl: string, ids: readonly string[]) {
  return runConformance({
    gateway: defaultManifest(gatewayUrl),
    region: region.info().control,
    port: 0,
    seed: 11,
    scenarios: catalogue.filter((s) => ids.includes(s.id)),
    concurrency: 4,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 250,
  });
}

async function faultyGateway(fault: FaultName): Promise<string> {
  const gateway = await startFaultyGateway(fault, correct.url, { pds: region.info().pds });
  faulty.push(gateway);
  return gateway.url;
}

/** Scenario, the fault it must catch, and the words of the check that catches it. */
const CAUGHT: ReadonlyArray<[string, FaultName, RegExp]> = [
  ["CORE-03", "refuses-everything", /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/],
  ["CONSENT-06", "ignores-refusal", /HTTP status 403: the gateway answered 200/],
  [
    "RESILIENCE-02",
    "hides-errors-as-empty-record",
    /a server-side error status \(5xx\): the gateway answered 200/,
  ],
  [
    "RESILIENCE-03",
    "hides-errors-as-empty-record",
    /a server-side error status \(5xx\): the gateway answered 200/,
  ],
  ["CORE-01", "hides-errors-as-empty-record", /HTTP status 404: the gateway answered 200/],
  ["CORE-02", "looks-up-before-validating", /PDS was not asked about the number: PDS received 1 request/],
  ["CONSENT-01", "refuses-everything", /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/],
  ["CONSENT-02", "ignores-refusal", /HTTP status 403: the gateway answered 200/],
  [
    "CONSENT-02",
    "fetches-before-asking",
    /no record request reached the practice .*: the practice received 1 record request/,
  ],
  [
    "CONSENT-02",
    "codes-under-wrong-system",
    /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under https:\/\/gateway\.example\/CodeSystem\/errors/,
  ],
  ["CONSENT-03", "hides-errors-as-empty-record", /HTTP status 403: the gateway answered 200/],
  ["CONSENT-04", "no-emergency-override", /HTTP status 200: the gateway answered 403 \(NO_PATIENT_CONSENT\)/],
  ["CONSENT-05", "invents-emergency-reason", /HTTP status 400: the gateway answered 200/],
  ["SAFETY-01", "drops-outside-prescriptions", /a medication matching \/tramadol\/i is listed/],
  [
    "SAFETY-01",
    "strips-prescribing-agency",
    /marked as prescribed by another organisation: the MedicationStatement has no prescribing agency/,
  ],
  [
    "RESILIENCE-01",
    "hides-errors-as-empty-record",
    /a server-side error status \(5xx\): the gateway answered 200/,
  ],
  [
    "SECURITY-01",
    "anonymous-to-practice",
    /the clinician's identity reached the practice: .*names SDS user id UNK/,
  ],
];

describe("each scenario catches its fault", () => {
  it("proves every scenario of the catalogue against a gateway with its fault", () => {
    const proved = new Set(CAUGHT.map(([id]) => id));
    expect(catalogue.map((s) => s.id).filter((id) => !proved.has(id))).toEqual([]);
  });

  it.each(CAUGHT)("%s fails against a gateway that %s", async (id, fault, message) => {
    const result = await runAgainst(await faultyGateway(fault), [id]);
    const outcome = result.scenarios[0]!;
    expect(outcome.result).toBe("fail");
    expect(outcome.message).toMatch(message);
    expect(result.verdict).toBe("fail");
    expect(result.verdictReason).toContain(`${id} (fail)`);
  });

  it("the fetch-before-asking fault is visible only south: the answer itself looked right", async () => {
    const result = await runAgainst(await faultyGateway("fetches-before-asking"), ["CONSENT-02"]);
    const refused = result.scenarios[0]!;
    const failed = refused.checks.filter((c) => !c.passed).map((c) => c.name);
    expect(failed).toEqual([expect.stringMatching(/^no record request reached the practice/)]);
    expect(refused.checks.filter((c) => c.passed).map((c) => c.name)).toEqual(
      expect.arrayContaining(["HTTP status 403", "error code NO_PATIENT_CONSENT"]),
    );
    expect(refused.evidence.south.some((e) => e.target === "practice" && e.method === "POST")).toBe(true);
  });

  it("a fault fails only the scenarios it concerns", async () => {
    const result = await runAgainst(
      await faultyGateway("ignores-refusal"),
      catalogue.map((s) => s.id),
    );
    const failed = result.scenarios.filter((s) => s.result !== "pass").map((s) => s.id);
    expect(failed).toEqual(["CONSENT-02", "CONSENT-06"]);
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
