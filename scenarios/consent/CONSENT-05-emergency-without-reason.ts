import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-05",
  title: "Emergency access without a reason is rejected and nothing is retrieved",
  pack: "consent",
  level: "MUST",
  hazard: "The emergency override becomes a silent way round the patient's consent, with nothing to audit.",
  specification: [SPEC.resourceErrors],
  requires: ["point-of-access-consent", "emergency-override"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "emergency" });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
