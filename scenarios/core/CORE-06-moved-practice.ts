import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-06",
  title: "A patient who moved practice is followed to the new practice",
  pack: "core",
  level: "MUST",
  hazard:
    "A clinician is shown the record the patient's old practice stopped keeping, missing everything since they moved.",
  specification: [SPEC.pds, SPEC.sds, SPEC.recordRequest],
  world: { patient: { system: "emis", traits: ["moved-practice"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    await expect.noRecordRequestFor(patient, patient.previousPractice!);
    await expect.recordRequestedFrom(patient.practice, patient);
    expect.record(answer, patient);
  },
});
