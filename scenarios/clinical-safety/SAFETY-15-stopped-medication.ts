import { SPEC, scenario } from "../../harness/scenario.js";

/** Warfarin 3mg tablets (dm+d), stopped at the practice when the patient's anticoagulation course ended. */
const WARFARIN = { code: "42217611000001104", name: /warfarin/i };

export default scenario({
  id: "SAFETY-15",
  title: "A medication the practice stopped is shown as stopped, never as current",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A clinician sees a stopped anticoagulant as current and withholds or reverses treatment the patient needs.",
  specification: [SPEC.medicationStatement, SPEC.medicationsInRecord],
  requires: ["includeMedication"],
  world: { patient: { system: "tpp", traits: ["stopped-medication"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.medicationNotCurrent(record, WARFARIN);
  },
});
