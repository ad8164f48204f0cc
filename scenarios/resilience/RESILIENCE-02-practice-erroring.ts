import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-02",
  title: "Practice failing with a server error: a clear error, not an empty record",
  pack: "resilience",
  level: "MUST",
  hazard: "A clinician reads a practice's failure as a record with nothing in it, and prescribes on that.",
  specification: [SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "error", status: 500 } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
