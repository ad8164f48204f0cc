import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-12",
  title: "A practice that has not enabled sharing: its refusal is passed on as such",
  pack: "consent",
  level: "MUST",
  hazard:
    "A practice that does not share records is shown as an empty record, and a clinician concludes the patient has no allergies or medication.",
  specification: [SPEC.securityErrors, SPEC.errorHandling],
  world: { patient: { system: "tpp" }, practice: { sharingEnabled: false } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.refused(answer, "ACCESS DENIED");
  },
});
