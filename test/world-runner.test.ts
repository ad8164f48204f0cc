/**
 * Worlds in a run: a scenario that faults PDS or SDS runs alone, a world is undone however its scenario ends,
 * and the report's evidence says what the world was. Against the reference gateway, in process, on loopback.
 */
import { expect, it } from "vitest";
import { defaultManifest } from "../harness/manifest/load.js";
import { runConformance } from "../harness/runner.js";
import { type Scenario, scenario } from "../harness/scenario.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const running = useRegionWithReferenceGateway({ seed: 77, practices: 2, patientsPerPractice: 5 });

function run(scenarios: readonly Scenario[]) {
  return runConformance({
    gateway: defaultManifest(running.gateway.url),
    region: running.region.info().control,
    port: 0,
    seed: 77,
    scenarios,
    concurrency: 4,
    requestTimeoutMs: 5_000,
    scenarioTimeoutMs: 10_000,
    settleMs: 50,
  });
}

const about = { pack: "resilience", level: "MUST", hazard: "A test of the harness itself." } as const;

it("runs a scenario that faults PDS alone, and the others side by side", async () => {
  const spans = new Map<string, { from: number; to: number; status: number }>();
  const timed = (id: string, extra: Partial<Scenario> = {}) =>
    scenario({
      id,
      title: id,
      ...about,
      world: { patient: { system: "emis" } },
      ...extra,
      async run({ patient, gateway }) {
        const from = performance.now();
        const answer = await gateway.getRecord(patient, { consent: "granted" });
        spans.set(id, { from, to: performance.now(), status: answer.status });
      },
    });
  const result = await run([
    timed("WORLD-01"),
    timed("WORLD-02", {
      world: { patient: { system: "tpp" }, spine: { pds: { kind: "error", status: 503 } } },
    }),
    timed("WORLD-03"),
    timed("WORLD-04"),
  ]);
  expect(result.scenarios.map((s) => [s.id, s.result, s.message])).toEqual(
    ["WORLD-01", "WORLD-02", "WORLD-03", "WORLD-04"].map((id) => [id, "pass", undefined]),
  );
  const alone = spans.get("WORLD-02")!;
  expect(alone.status).not.toBe(200);
  for (const id of ["WORLD-01", "WORLD-03", "WORLD-04"]) {
    const other = spans.get(id)!;
    expect(other.status).toBe(200);
    expect(other.to <= alone.from || other.from >= alone.to, `${id} ran beside WORLD-02`).toBe(true);
  }
  expect(result.scenarios[1]?.evidence.world).toMatchObject({
    exclusive: true,
    faults: { pds: { kind: "error", status: 503 } },
  });
  expect(running.region.faults()).toEqual({});
});

it("undoes the world of a scenario that throws, and refuses Spine faults to one that does not run alone", async () => {
  const practicesBefore = running.region.info().practices.length;
  const result = await run([
    scenario({
      id: "WORLD-05",
      title: "throws after changing everything",
      ...about,
      exclusive: true,
      world: { patient: { system: "emis" }, otherPractices: [{ system: "tpp" }] },
      async run({ world, practice }) {
        await world.setFault("pds", { kind: "hang" });
        await world.setFault("sds", { kind: "error", status: 500 });
        await world.disableAreas(practice, ["includeAllergies"]);
        await world.withoutAgreement(practice);
        throw new Error("a step broke");
      },
    }),
    scenario({
      id: "WORLD-06",
      title: "faults PDS beside others",
      ...about,
      world: { patient: { system: "tpp" } },
      async run({ world }) {
        await world.setFault("pds", { kind: "offline" });
      },
    }),
  ]);
  const [thrown, refused] = result.scenarios;
  expect(thrown).toMatchObject({ result: "error", message: expect.stringContaining("a step broke") });
  expect(thrown?.evidence.world).toMatchObject({
    faults: { pds: { kind: "hang" }, sds: { kind: "error", status: 500 } },
    changes: [
      { when: "run", target: "pds" },
      { when: "run", target: "sds" },
      { when: "run", disabledAreas: ["includeAllergies"] },
      { when: "run", withoutAgreement: expect.arrayContaining(["Y99001"]) },
    ],
  });
  expect(refused).toMatchObject({ result: "error", message: expect.stringContaining("exclusive: true") });
  expect(running.region.faults()).toEqual({});
  expect(running.region.info().practices).toHaveLength(practicesBefore);
});
