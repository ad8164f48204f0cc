import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "PERFORMANCE-03",
  title: "One failing practice does not slow or fail the others",
  pack: "performance",
  level: "SHOULD",
  hazard:
    "One practice's server going down takes the whole region's record sharing down with it, so every clinician loses records because of one site.",
  specification: [SPEC.nonFunctional, SPEC.errorHandling],
  world: { patient: { system: "emis" }, practice: { fault: { kind: "offline" } } },
  exclusive: true,
  async run({ patient, load, expect }) {
    const [others] = await Promise.all([
      load.run({ label: "the other practices", rate: 10, duration: "2s", practiceLatency: "none" }),
      load.run({ label: "the failing practice", rate: 10, duration: "2s", mix: { patients: [patient] } }),
    ]);
    expect.thresholds(others, ["p(95)<1500", "rate<0.01"]);
  },
});
