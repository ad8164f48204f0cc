import { SPEC, scenario } from "../../harness/scenario.js";

/** A long-term patient's observations are the bulk of a large record: over a thousand, in one List. */
const AREAS = ["includeAllergies", "includeMedication", "includeUncategorisedData"] as const;

export default scenario({
  id: "CORE-08",
  title: "A large record is returned whole",
  pack: "core",
  level: "MUST",
  hazard:
    "A long-term patient's record is cut short, and a clinician reads the missing results and medication as never recorded.",
  specification: [SPEC.recordResponse, SPEC.bundle],
  world: { patient: { system: "emis", traits: ["large-record"] }, request: { areas: AREAS } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, { areas: AREAS });
    await expect.recordRequestedFrom(patient.practice, patient);
    await expect.wholeRecord(record, patient, { areas: AREAS });
  },
});
