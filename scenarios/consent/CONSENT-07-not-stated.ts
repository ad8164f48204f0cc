import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CONSENT-07",
  title: "Consent not stated: rejected and nothing is retrieved",
  pack: "consent",
  level: "MUST",
  hazard: "A record is read for a patient nobody asked, because silence was taken for consent.",
  specification: [SPEC.resourceErrors],
  requires: ["point-of-access-consent"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "not-asked" });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
