import { SPEC, scenario } from "../../harness/scenario.js";

/** SDS job role R8010, Clerical Access Role: staff who book and file, not who read clinical records. */
const CLERICAL_ROLE = "R8010";

export default scenario({
  id: "SECURITY-12",
  title: "A user whose role does not allow viewing records is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard:
    "Anyone with a login at the consumer's organisation, a receptionist as much as a doctor, reads a patient's clinical record.",
  specification: [SPEC.securityErrors, SPEC.auditAndProvenance],
  requires: ["clinician-roles"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({
      method: "POST",
      body: { recordOf: patient },
      token: { jobRole: CLERICAL_ROLE },
    });
    expect.refused(answer, "ACCESS DENIED");
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
