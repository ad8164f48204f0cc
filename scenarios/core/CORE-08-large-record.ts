import { EVERY_CLINICAL_AREA, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-08",
  title: "A large record is returned whole",
  pack: "core",
  level: "MUST",
  hazard:
    "A long-term patient's record is cut short, and a clinician reads the missing medication and problems as never recorded.",
  world: { patient: { system: "emis", traits: ["large-record"] }, request: { areas: EVERY_CLINICAL_AREA } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, { areas: EVERY_CLINICAL_AREA });
    await expect.recordRequestedFrom(patient.practice, patient);
    await expect.wholeRecord(record, patient, { areas: EVERY_CLINICAL_AREA });
  },
});
