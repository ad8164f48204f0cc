import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

export default scenario({
  id: "RESILIENCE-10",
  title: "Practice not in SDS: a clear error naming the practice, not the patient, as not found",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A clinician is told the patient has no record, or is not known, when their practice simply is not reachable through GP Connect.",
  specification: [SPEC.sds, SPEC.errorHandling],
  world: {
    patient: { system: "tpp" },
    practice: { endpointInSds: false },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.answeredWithin(answer, BUDGET_MS);
    expect.error(answer, 404, "ORGANISATION_NOT_FOUND");
  },
});
