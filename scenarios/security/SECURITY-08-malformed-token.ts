import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-08",
  title: "A bearer token that is not a JWT is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard: "A gateway that takes any string for a token lets anyone who sends one read a patient's record.",
  specification: [SPEC.jwtBearerToken, SPEC.malformedRequestErrors],
  requires: ["clinician-authentication"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({ method: "POST", body: { recordOf: patient }, token: "malformed" });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
