import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-13",
  title: "Refused attempts are audited like reads: who, from where, for whom, when, and the consent stated",
  pack: "security",
  level: "MUST",
  hazard:
    "Attempts to get at a record that the gateway refused leave no trace, so someone probing for a way in is never noticed.",
  specification: [SPEC.auditTrail, SPEC.securityErrors],
  requires: ["point-of-access-consent", "audit-trail", "clinician-authentication"],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const refused = await gateway.getRecord(patient, { consent: "refused" });
    expect.refused(refused, "NO_PATIENT_CONSENT");
    const expired = await gateway.send({ method: "POST", body: { recordOf: patient }, token: "expired" });
    expect.error(expired, 400, "BAD_REQUEST");
    const trail = await gateway.auditTrail(patient);
    expect.refusalAudited(trail, patient, { what: "the refused consent", decision: "refused", status: 403 });
    expect.refusalAudited(trail, patient, { what: "the expired token", decision: "granted", status: 400 });
  },
});
