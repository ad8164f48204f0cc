import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-02",
  title: '"No known allergies" reaches the clinician as a statement, not as an empty list',
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician cannot tell a patient who was asked and has no allergies from one who was never asked, and re-asks or assumes.",
  specification: [SPEC.allergiesGuidance, SPEC.allergiesInRecord],
  requires: ["includeAllergies"],
  world: { patient: { system: "emis", traits: ["no-known-allergies"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.noKnownAllergies(record);
  },
});
