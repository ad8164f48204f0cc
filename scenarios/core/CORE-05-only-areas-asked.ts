import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-05",
  title: "Only the clinical areas asked for are returned",
  pack: "core",
  level: "MUST",
  hazard:
    "A clinician who asked only about allergies is shown the whole record, disclosing far more than the purpose needs.",
  specification: [SPEC.recordResponse, SPEC.allergiesInRecord],
  requires: ["includeAllergies"],
  world: { patient: { system: "tpp" }, request: { areas: ["includeAllergies"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, { areas: ["includeAllergies"] });
    expect.onlyAreas(record, ["includeAllergies"]);
  },
});
