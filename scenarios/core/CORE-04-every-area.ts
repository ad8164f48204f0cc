import { EVERY_CLINICAL_AREA, SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-04",
  title: "Every clinical area asked for is returned",
  pack: "core",
  level: "MUST",
  hazard:
    "A clinician who asked for the whole record reads a missing area (immunisations, referrals) as nothing recorded.",
  specification: [SPEC.recordRequest, SPEC.recordResponse, SPEC.lists],
  world: { patient: { system: "emis" }, request: { areas: EVERY_CLINICAL_AREA } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient, { areas: EVERY_CLINICAL_AREA });
  },
});
