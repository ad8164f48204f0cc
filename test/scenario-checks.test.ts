/**
 * Every check of a scenario runs and is reported; a failed precondition stops it. Scenarios written for the
 * test, run by the harness against the reference gateway in a simulated region.
 */
import { describe, expect, it } from "vitest";
import { defaultManifest } from "../harness/manifest/load.js";
import { runConformance } from "../harness/runner.js";
import { type Scenario, scenario } from "../harness/scenario.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const setup = useRegionWithReferenceGateway({ seed: 23 });

const TWO_SOFT_FAILURES = scenario({
  id: "TEST-01",
  title: "Two checks that fail, then one that passes",
  pack: "core",
  level: "MUST",
  hazard: "A run hides the second fault behind the first.",
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.status(answer, 404);
    expect.fhirpath(answer.body as fhir.Bundle, "Bundle.type = 'searchset'", "the record is a search result");
    expect.status(answer, 200);
  },
});

const FAILED_PRECONDITION = scenario({
  id: "TEST-02",
  title: "A record expected where consent was refused",
  pack: "consent",
  level: "MUST",
  hazard: "Checks run on a Bundle that is not there.",
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "refused" });
    const record = expect.record(answer, patient);
    expect.warning(record, "includeAllergies", "confidential-items");
  },
});

async function run(scenarios: readonly Scenario[]) {
  const result = await runConformance({
    gateway: defaultManifest(setup.gateway.url),
    region: setup.region.info().control,
    port: 0,
    seed: 23,
    scenarios,
    concurrency: 2,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 20_000,
    settleMs: 50,
  });
  return result.scenarios;
}

describe("a scenario's checks", () => {
  it("all run: two failed soft checks are both reported, and the check after them still runs", async () => {
    const [outcome] = await run([TWO_SOFT_FAILURES]);
    expect(outcome?.result).toBe("fail");
    expect(outcome?.checks.map((c) => [c.name, c.passed, c.precondition])).toEqual([
      ["HTTP status 404", false, false],
      ["the record is a search result", false, false],
      ["HTTP status 200", true, false],
    ]);
    expect(outcome?.message).toBe(
      "HTTP status 404: the gateway answered 200; " +
        "the record is a search result: Bundle.type = 'searchset' gave [false]",
    );
  });

  it("stop at a failed precondition: nothing is checked on a Bundle that is not there", async () => {
    const [outcome] = await run([FAILED_PRECONDITION]);
    expect(outcome?.result).toBe("fail");
    expect(outcome?.checks).toEqual([
      {
        name: "HTTP status 200",
        passed: false,
        precondition: true,
        detail: "the gateway answered 403 (NO_PATIENT_CONSENT)",
      },
    ]);
    expect(outcome?.message).toBe("HTTP status 200: the gateway answered 403 (NO_PATIENT_CONSENT)");
  });
});
