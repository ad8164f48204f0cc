import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-14",
  title: "The audit trail cannot be altered or removed through the gateway's API",
  pack: "security",
  level: "MUST",
  hazard:
    "Whoever misused a record wipes or rewrites the trail that would show it, and the patient's complaint can never be answered.",
  specification: [SPEC.auditTrail],
  requires: ["audit-trail"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    expect.record(await gateway.getRecord(patient, { consent: "granted" }), patient);
    const before = await gateway.auditTrail(patient);
    const attempts = [];
    for (const method of ["DELETE", "PUT", "POST", "PATCH"] as const) {
      attempts.push({ request: { method }, answer: await gateway.auditTrail(patient, { method }) });
    }
    const after = await gateway.auditTrail(patient);
    expect.auditTrailUnaltered(before, attempts, after, patient);
  },
});
