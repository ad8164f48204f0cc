import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-03",
  title: "A record held by a TPP SystmOne practice is returned",
  pack: "core",
  level: "MUST",
  hazard:
    "Patients registered at SystmOne practices have no record shown, because the gateway only speaks EMIS.",
  specification: [SPEC.recordRequest, SPEC.recordResponse],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient);
    await expect.recordRequestedFrom(patient.practice, patient);
  },
});
