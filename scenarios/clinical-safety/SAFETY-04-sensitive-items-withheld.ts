import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-04",
  title: "Items withheld as sensitive: every list they were withheld from tells the clinician so",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician reads a list with sensitive items silently missing as complete, and prescribes against a medicine they cannot see.",
  specification: [SPEC.confidentialItems, SPEC.lists],
  requires: ["includeMedication", "includeProblems"],
  world: {
    patient: { system: "emis", traits: ["sensitive-items"] },
    request: { areas: ["includeAllergies", "includeMedication", "includeProblems"] },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, {
      areas: ["includeAllergies", "includeMedication", "includeProblems"],
    });
    expect.warning(record, "includeMedication", "confidential-items");
    expect.warning(record, "includeProblems", "confidential-items");
  },
});
