import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-01",
  title: "Consent granted: the patient's GP record is returned",
  pack: "consent",
  level: "MUST",
  hazard: "A clinician treating a consenting patient cannot see their allergies and medication.",
  specification: [SPEC.recordRequest, SPEC.recordResponse],
  requires: ["point-of-access-consent"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(answer, patient);
    await expect.recordRequestedFrom(patient.practice, patient);
  },
});
