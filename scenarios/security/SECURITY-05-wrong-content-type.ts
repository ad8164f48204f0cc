import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-05",
  title: "A request in the wrong content type is refused, and nothing is looked up",
  pack: "security",
  level: "MUST",
  hazard:
    "A gateway that reads whatever it is sent, however labelled, acts on requests no GP Connect consumer would make.",
  specification: [SPEC.fhirApiGuidance, SPEC.resourceErrors],
  world: { patient: { system: "emis" } },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.send({
      method: "POST",
      contentType: "text/plain",
      body: { recordOf: patient },
    });
    expect.outcome(answer, 415);
    await expect.noPdsLookup(patient.nhsNumber);
    await expect.noRecordRequestTo(patient.practice, patient);
  },
});
