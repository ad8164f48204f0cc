import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-06",
  title: "Practice answering malformed JSON: a clear error, not a broken record",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A clinician is shown a half-read or empty record, when the practice's answer could not be read at all.",
  specification: [SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "malformed" } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
