import { scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-04",
  title: "Items withheld as sensitive are not shown, and the clinician is told something was withheld",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician reads a list with sensitive items silently missing as complete, and prescribes against a medicine they cannot see.",
  requires: ["includeMedication"],
  world: { patient: { system: "emis", traits: ["sensitive-items"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.warning(record, "includeMedication", "confidential-items");
  },
});
