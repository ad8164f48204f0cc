import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "RESILIENCE-05",
  title: "Practice slow but within the budget: the record, not an error",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A gateway that gives up too soon tells a clinician the record is unavailable when a few seconds more would have shown it.",
  specification: [SPEC.nonFunctional, SPEC.recordResponse],
  world: {
    patient: { system: "tpp" },
    practice: { fault: { kind: "slow", delayMs: 3_000 } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient);
  },
});
