import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-03",
  title: "The practice is asked to read, for direct care, and nothing more",
  pack: "security",
  level: "MUST",
  hazard:
    "A gateway claims a purpose or a permission the clinician never had, so the practice's audit misstates why the record was read.",
  specification: [SPEC.auditAndProvenance],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const practiceRequest = await expect.recordRequestedFrom(patient.practice, patient);
    expect.readsForDirectCare(practiceRequest);
    expect.record(answer, patient);
  },
});
