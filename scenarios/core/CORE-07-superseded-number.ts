import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-07",
  title: "A superseded NHS number finds the patient under their current number",
  pack: "core",
  level: "MUST",
  hazard:
    "A clinician who types the old NHS number from a letter is told the patient has no record, or is shown someone else's.",
  specification: [SPEC.pds, SPEC.recordRequest],
  world: { patient: { system: "tpp", traits: ["superseded-number"] } },
  async run({ patient, gateway, expect }) {
    const [oldNumber] = patient.supersededNhsNumbers ?? [];
    const answer = await gateway.getRecord(patient, { consent: "granted", nhsNumber: oldNumber! });
    await expect.recordRequestedFrom(patient.practice, patient);
    expect.record(answer, patient);
  },
});
