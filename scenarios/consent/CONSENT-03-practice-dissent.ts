import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-03",
  title: "Dissent recorded at the practice is honoured even when consent is granted at the point of access",
  pack: "consent",
  level: "MUST",
  hazard: "A patient who told their practice not to share their record has it shown to another service.",
  specification: [SPEC.recordErrors, SPEC.securityErrors],
  world: { patient: { system: "emis", traits: ["dissent"] } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.refused(answer, "NO_PATIENT_CONSENT");
  },
});
