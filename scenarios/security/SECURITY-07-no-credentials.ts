import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-07",
  title: "A request without the consumer's credentials is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard: "Anyone who can reach the gateway reads a patient's record without saying who they are.",
  specification: [SPEC.securityGuidance, SPEC.auditAndProvenance],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({ method: "POST", body: { recordOf: patient }, credentials: false });
    expect.clientError(answer);
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
