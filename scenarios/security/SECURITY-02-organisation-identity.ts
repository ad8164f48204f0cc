import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-02",
  title: "The consumer organisation's identity, not the gateway's, reaches the practice",
  pack: "security",
  level: "MUST",
  hazard:
    "The practice cannot tell which organisation read the record, and its sharing agreements are checked against the gateway instead.",
  specification: [SPEC.auditAndProvenance],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient);
    const practiceRequest = await expect.recordRequestedFrom(patient.practice, patient);
    expect.organisationForwarded(practiceRequest);
  },
});
