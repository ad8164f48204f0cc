import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-07",
  title: "A clinical area switched off at the practice is reported as not supported, not as nothing recorded",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "Allergies switched off at the practice after a safety incident are shown as an empty list, and read as no allergies.",
  specification: [SPEC.clinicalAreaConfig, SPEC.recordResponse],
  requires: ["includeAllergies", "includeMedication"],
  world: {
    patient: { system: "tpp", traits: ["outpatient-medication"] },
    practice: { disabledAreas: ["includeAllergies"] },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, { areas: ["includeMedication"] });
    expect.areaNotSupported(record, "includeAllergies");
  },
});
