import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-07",
  title: "Practice answer cut off: a clear error, not part of a record",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A clinician is shown the first part of a record as if it were all of it, without the medication that came last.",
  specification: [SPEC.errorHandling],
  world: {
    patient: { system: "tpp" },
    practice: { fault: { kind: "truncated" } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
