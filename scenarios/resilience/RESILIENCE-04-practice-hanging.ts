import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-04",
  title: "Practice never answering: a clear error within the budget",
  pack: "resilience",
  level: "MUST",
  hazard: "A clinician waits on a spinner for a practice that took the request and will never answer it.",
  specification: [SPEC.nonFunctional, SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "hang" } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
