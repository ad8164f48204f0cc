import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-13",
  title: "Practice gone offline: a clear error, not the record seen earlier",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A clinician is shown an earlier copy of the record as if it were current, missing what the practice has recorded since.",
  specification: [SPEC.errorHandling, SPEC.recordResponse],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, world, expect }) {
    const before = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(before, patient);
    await world.takeOffline(patient.practice);
    const after = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(after, BUDGET_MS);
  },
});
