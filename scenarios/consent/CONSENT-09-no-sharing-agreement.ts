import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-09",
  title: "A practice without a sharing agreement: its refusal is passed on, and not asked again",
  pack: "consent",
  level: "MUST",
  hazard:
    "A practice that has not agreed to share is asked again and again, or its refusal is shown as a fault to be retried.",
  specification: [SPEC.securityErrors, SPEC.errorHandling],
  world: { patient: { system: "emis" }, practice: { withoutAgreement: "every-consumer" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.refused(answer, "NO_ORGANISATION_CONSENT");
    await expect.recordRequestedOnce(patient.practice, patient);
  },
});
