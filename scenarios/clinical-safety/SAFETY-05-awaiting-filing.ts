import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-05",
  title: "Data awaiting filing at the practice: the clinician is told the record may be incomplete",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A hospital discharge letter not yet filed at the practice is invisible, and the clinician trusts a medication list that lacks it.",
  specification: [SPEC.lists],
  requires: ["includeMedication"],
  world: { patient: { system: "tpp", traits: ["awaiting-filing"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.warning(record, "includeMedication", "data-awaiting-filing");
  },
});
