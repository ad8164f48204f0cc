import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-13",
  title:
    "At an EMIS Web practice too, hospital outpatient medication is shown, marked as prescribed elsewhere",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician prescribes an opioid unaware the patient already takes tramadol from a hospital pain clinic, because their practice runs EMIS.",
  specification: [SPEC.medicationStatement, SPEC.medicationsInRecord],
  requires: ["includeMedication"],
  world: { patient: { system: "emis", traits: ["outpatient-medication"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    const tramadol = expect.medicationListed(record, /tramadol/i);
    expect.prescribedElsewhere(tramadol);
  },
});
