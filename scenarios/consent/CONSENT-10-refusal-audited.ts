import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-10",
  title: "A refusal at the point of access is audited",
  pack: "consent",
  level: "MUST",
  hazard:
    "A patient's refusal leaves no trace, so a later complaint that their record was read cannot be answered.",
  specification: [SPEC.securityErrors, SPEC.auditAndProvenance],
  requires: ["point-of-access-consent", "audit-trail"],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "refused" });
    expect.refused(answer, "NO_PATIENT_CONSENT");
    expect.audited(await gateway.auditTrail(patient), patient, { decision: "refused" });
  },
});
