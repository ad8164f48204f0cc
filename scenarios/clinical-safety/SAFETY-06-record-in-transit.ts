import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-06",
  title: "A record still in transit from the previous practice: every list says it may be missing history",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A newly registered patient's record looks complete while their history is still on its way, so a long-standing allergy is missed.",
  specification: [SPEC.lists],
  requires: ["includeAllergies", "includeMedication"],
  world: { patient: { system: "emis", traits: ["record-in-transit"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.warning(record, "includeAllergies", "data-in-transit");
    expect.warning(record, "includeMedication", "data-in-transit");
  },
});
