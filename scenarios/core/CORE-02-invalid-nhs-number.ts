import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-02",
  title: "Invalid NHS number: rejected before any lookup",
  pack: "core",
  level: "MUST",
  hazard: "A mistyped NHS number is looked up and matched to the wrong person.",
  specification: [SPEC.recordErrors, SPEC.identityErrors],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, world, expect }) {
    const nhsNumber = world.invalidNhsNumber(patient);
    const answer = await gateway.getRecord(patient, { consent: "granted", nhsNumber });
    expect.error(answer, 400, "INVALID_NHS_NUMBER");
    await expect.noPdsLookup(nhsNumber);
  },
});
