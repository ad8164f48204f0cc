import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SAFETY-12",
  title: "Many patients asked for at once: each clinician gets their own patient's record",
  pack: "clinical-safety",
  level: "MUST",
  hazard:
    "At a busy moment one patient's record is shown for another, and treatment follows the wrong history.",
  // Alone, so that the requests in flight together are this scenario's own burst and nobody else's.
  specification: [SPEC.recordResponse],
  exclusive: true,
  world: {
    patient: { system: "emis" },
    otherPatients: [
      { system: "tpp" },
      { system: "emis", traits: ["unusual-name"] },
      { system: "tpp", traits: ["outpatient-medication"] },
      { system: "emis" },
      { system: "tpp" },
      { system: "emis" },
      { system: "tpp" },
    ],
  },
  async run({ patient, otherPatients, gateway, expect }) {
    const patients = [patient, ...otherPatients];
    const answers = await Promise.all(patients.map((p) => gateway.getRecord(p, { consent: "granted" })));
    for (const [i, p] of patients.entries()) expect.record(answers[i]!, p);
  },
});
