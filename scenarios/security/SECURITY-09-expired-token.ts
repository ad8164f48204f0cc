import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-09",
  title: "An expired token is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard:
    "A token copied from a log or a browser keeps opening records long after the five minutes it was issued for.",
  specification: [SPEC.jwtBearerToken, SPEC.malformedRequestErrors],
  requires: ["clinician-authentication"],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({ method: "POST", body: { recordOf: patient }, token: "expired" });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
