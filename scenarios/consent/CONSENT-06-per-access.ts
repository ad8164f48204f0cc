import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-06",
  title: "Consent is asked at every access, never remembered",
  pack: "consent",
  level: "MUST",
  hazard:
    "A patient who agreed once and says no the next time has their record read on the strength of the first answer.",
  specification: [SPEC.securityErrors],
  requires: ["point-of-access-consent"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const first = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(first, patient);
    const second = await gateway.getRecord(patient, { consent: "refused" });
    expect.refused(second, "NO_PATIENT_CONSENT");
  },
});
