import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-01",
  title: "Unknown patient: not found",
  pack: "core",
  level: "MUST",
  hazard: "A clinician is shown someone else's record, or a misleading empty one, for a number nobody holds.",
  specification: [SPEC.recordErrors, SPEC.identityErrors, SPEC.pds],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, world, expect }) {
    const nhsNumber = await world.unknownNhsNumber();
    const answer = await gateway.getRecord(patient, { consent: "granted", nhsNumber });
    expect.error(answer, 404, "PATIENT_NOT_FOUND");
  },
});
