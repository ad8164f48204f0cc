import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-08",
  title: "A deceased patient: not found, never shown as a live record",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A deceased patient's record is shown as live, so a mistaken identity (the wrong NHS number for the person in front of the clinician) goes unnoticed.",
  specification: [SPEC.recordErrors, SPEC.identityErrors],
  world: { patient: { system: "emis", traits: ["deceased"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.error(answer, 404, "PATIENT_NOT_FOUND");
  },
});
