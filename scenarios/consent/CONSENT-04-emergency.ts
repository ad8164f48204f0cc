import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-04",
  title: "Emergency access with a stated reason returns the record",
  pack: "consent",
  level: "MUST",
  hazard: "An unconscious patient who cannot be asked is treated without their allergies and medication.",
  specification: [SPEC.recordRequest],
  requires: ["point-of-access-consent", "emergency-override"],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, {
      consent: "emergency",
      reason: "Patient unconscious on arrival; cannot be asked.",
    });
    expect.record(answer, patient);
  },
});
