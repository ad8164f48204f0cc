import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-01",
  title: "The clinician's identity reaches the practice",
  pack: "security",
  level: "MUST",
  hazard: "The practice cannot tell which clinician read the record, so misuse goes unnoticed.",
  specification: [SPEC.auditAndProvenance],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient);
    const practiceRequest = await expect.recordRequestedFrom(patient.practice, patient);
    expect.practitionerForwarded(practiceRequest);
  },
});
