import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-09",
  title: "SDS down: a clear error, quickly",
  pack: "resilience",
  level: "MUST",
  hazard:
    "When the directory of practice systems is down, a clinician is shown an empty record instead of being told to look elsewhere.",
  specification: [SPEC.sds, SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    spine: { sds: { kind: "offline" } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
