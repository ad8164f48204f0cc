import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-11",
  title: "Names with apostrophes, hyphens and diacritics reach the clinician unchanged",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "A mangled name (O'Brien as OBrien, Siân as Sian) makes the clinician doubt the record is this patient's, or match the wrong one.",
  specification: [SPEC.recordResponse, SPEC.pds],
  world: { patient: { system: "emis", traits: ["unusual-name"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient);
    expect.nameUnchanged(record, patient);
  },
});
