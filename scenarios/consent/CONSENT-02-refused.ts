import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-02",
  title: "Consent refused: nothing is retrieved",
  pack: "consent",
  level: "MUST",
  hazard: "A patient who says no has their record read anyway.",
  specification: [SPEC.securityErrors],
  requires: ["point-of-access-consent"],
  world: { patient: { system: "tpp", traits: ["outpatient-medication"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "refused" });
    expect.refused(answer, "NO_PATIENT_CONSENT");
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
