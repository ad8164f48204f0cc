import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-11",
  title: "A token made for another provider is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard:
    "A token a clinician's system sent to one provider is replayed at the gateway, which reads records on its strength.",
  specification: [SPEC.jwtBearerToken, SPEC.malformedRequestErrors],
  requires: ["clinician-authentication"],
  world: { patient: { system: "tpp" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({
      method: "POST",
      body: { recordOf: patient },
      token: "for-another-audience",
    });
    expect.error(answer, 400, "BAD_REQUEST");
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
