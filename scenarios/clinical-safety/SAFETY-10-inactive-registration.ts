import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-10",
  title: "An inactive registration: not found, never shown as a live record",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician is shown a stale record from a practice the patient no longer belongs to, and trusts its medication list.",
  specification: [SPEC.recordErrors, SPEC.identityErrors],
  world: { patient: { system: "tpp", traits: ["inactive-registration"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.error(answer, 404, "PATIENT_NOT_FOUND");
  },
});
