import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-01",
  title: "Medication prescribed by a hospital outpatient clinic is shown, marked as prescribed elsewhere",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician prescribes an opioid unaware the patient already takes tramadol from a hospital pain clinic.",
  specification: [SPEC.medicationStatement, SPEC.medicationsInRecord],
  requires: ["includeMedication"],
  world: { patient: { system: "tpp", traits: ["outpatient-medication"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    const tramadol = expect.medicationListed(record, /tramadol/i);
    expect.prescribedElsewhere(tramadol);
  },
});
