import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-01",
  title: "Practice offline: a clear error, quickly",
  pack: "resilience",
  level: "MUST",
  hazard: "A clinician waits on a spinner, or is shown an empty record, when the practice system is down.",
  specification: [SPEC.errorHandling, SPEC.nonFunctional],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, world, expect }) {
    await world.takeOffline(patient.practice);
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
