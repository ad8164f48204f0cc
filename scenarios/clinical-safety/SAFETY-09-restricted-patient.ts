import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-09",
  title: "A restricted (sensitive) patient: not found, and nothing says the record is restricted",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A patient hiding from an abuser has their record, or the fact that it is restricted, disclosed to whoever asks.",
  specification: [SPEC.recordErrors, SPEC.identityErrors, SPEC.pds],
  world: { patient: { system: "tpp", traits: ["sensitive-patient"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.error(answer, 404, "PATIENT_NOT_FOUND");
  },
});
