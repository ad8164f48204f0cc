import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-08",
  title: "Dissent at a TPP SystmOne practice reaches the clinician as the patient's refusal",
  pack: "consent",
  level: "MUST",
  hazard:
    "A patient who turned sharing off at their SystmOne practice is reported as a system failure, so the clinician retries or asks for it another way.",
  specification: [SPEC.recordErrors, SPEC.securityErrors],
  world: { patient: { system: "tpp", traits: ["dissent"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.refused(answer, "NO_PATIENT_CONSENT");
  },
});
