import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-03",
  title:
    'Nothing recorded about allergies is shown as an empty list with its reason, never as "no known allergies"',
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A patient whose allergies were never asked about is shown as having none, and is given the penicillin they react to.",
  specification: [SPEC.allergiesGuidance, SPEC.lists],
  requires: ["includeAllergies"],
  world: { patient: { system: "tpp", traits: ["no-allergies-recorded"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.noAllergiesRecorded(record);
  },
});
