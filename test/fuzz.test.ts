/**
 * Bad input at every interface: thousands of generated malformed requests (fast-check) thrown at PDS, SDS,
 * the practices, the control API and the reference gateway. None may answer 500, hang, or bring a server down.
 */
import { describe, expect, it } from "vitest";
import { fuzzInterface, interfaceTemplates, type Template } from "./support/fuzz-requests.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

/** Requests per interface; five interfaces, so 10,000 in all. */
const RUNS_PER_INTERFACE = 2_000;
const REQUEST_BUDGET_MS = 5_000;

const started = useRegionWithReferenceGateway({ seed: 21, practices: 2, patientsPerPractice: 50 });

async function fuzz(name: string, template: () => Template): Promise<void> {
  const stats = await fuzzInterface(name, template(), RUNS_PER_INTERFACE, REQUEST_BUDGET_MS);
  const statuses = stats.statuses;
  expect(stats.healthStatus).toBe(200);
  expect([...statuses.keys()].every((s) => s >= 200 && s < 600)).toBe(true);
  // The storm reached past the front door: some requests were served, and errors of several kinds were given.
  expect(statuses.get(200) ?? 0, `${name}: ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
  expect([...statuses.keys()].filter((s) => s >= 400 && s < 500).length).toBeGreaterThanOrEqual(3);
}

describe("thousands of malformed requests", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["PDS", "PDS answers each with a specific error, never a 500"],
    ["SDS", "SDS answers each with a specific error, never a 500"],
    ["practice", "a GP Connect practice answers each with a specific error, never a 500"],
    ["control", "the control API answers each with a specific JSON error, never a 500"],
    ["gateway", "the reference gateway answers each with a specific error, never a 500"],
  ];
  it.each(cases)("%s: %s", { timeout: 180_000 }, async (name) => {
    await fuzz(name, () => interfaceTemplates(started.region.info(), started.gateway.url)[name]!);
  });
});
