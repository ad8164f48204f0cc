import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-10",
  title: "A token issued in the future is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard:
    "A token minted ahead of time, by a wrong clock or on purpose, stays valid far longer than GP Connect's five minutes.",
  specification: [SPEC.jwtBearerToken, SPEC.malformedRequestErrors],
  requires: ["clinician-authentication"],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({
      method: "POST",
      body: { recordOf: patient },
      token: "issued-in-the-future",
    });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
