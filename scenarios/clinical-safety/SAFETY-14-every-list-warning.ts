import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-14",
  title: "A list with several warnings: every one reaches the clinician, not just the first",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician told that sensitive items were withheld is not told that a hospital letter awaits filing, and trusts the rest as complete.",
  specification: [SPEC.lists],
  requires: ["includeMedication"],
  world: { patient: { system: "tpp", traits: ["sensitive-items", "awaiting-filing"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.warning(record, "includeMedication", "confidential-items");
    expect.warning(record, "includeMedication", "data-awaiting-filing");
  },
});
