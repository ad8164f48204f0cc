import { SPEC, scenario } from "../../harness/scenario.js";

const REASON = "Patient unconscious on arrival; cannot be asked.";

export default scenario({
  id: "CONSENT-11",
  title: "Emergency access is audited with its reason",
  pack: "consent",
  level: "MUST",
  hazard:
    "A record read without consent under the emergency override cannot be justified or challenged afterwards.",
  specification: [SPEC.auditAndProvenance],
  requires: ["point-of-access-consent", "emergency-override", "audit-trail"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "emergency", reason: REASON });
    expect.record(answer, patient);
    expect.audited(await gateway.auditTrail(patient), patient, { decision: "emergency", reason: REASON });
  },
});
