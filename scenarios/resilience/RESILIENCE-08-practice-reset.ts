import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-08",
  title: "Practice dropping the connection: a clear error, quickly",
  pack: "resilience",
  level: "MUST",
  hazard: "A dropped connection reaches the clinician as a record with nothing in it.",
  specification: [SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "reset" } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
