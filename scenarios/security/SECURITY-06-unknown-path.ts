import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "SECURITY-06",
  title: "An unknown path answers a FHIR error, not a crash or an HTML page",
  pack: "security",
  level: "MUST",
  hazard:
    "A consumer system shows a clinician a web server's error page, or the gateway's framework and version, instead of a FHIR error it can handle.",
  specification: [SPEC.fhirApiGuidance, SPEC.errorHandling],
  world: { patient: { system: "tpp" } },
  async run({ gateway, expect }) {
    const answer = await gateway.send({ method: "GET", path: "/Patient/$gpc.no-such-operation" });
    expect.outcome(answer, 404);
  },
});
