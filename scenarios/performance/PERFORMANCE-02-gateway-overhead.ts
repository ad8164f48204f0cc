import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "PERFORMANCE-02",
  title: "The gateway's own overhead stays small under load",
  pack: "performance",
  level: "SHOULD",
  hazard:
    "Time the gateway adds of its own, on top of what PDS, SDS and the practice take, is paid by every clinician on every record, and hides behind the practices' own slowness.",
  specification: [SPEC.nonFunctional],
  world: { patient: { system: "tpp" } },
  exclusive: true,
  async run({ load, expect }) {
    const figures = await load.run({
      label: "steady load, practices answering as EMIS Web and SystmOne do",
      rate: 10,
      duration: "2s",
      mix: { emis: 2, tpp: 2, consent: { granted: 9, emergency: 1 } },
    });
    expect.thresholds(figures, ["p(95)<300", "p(50)<150"], "overhead");
  },
});
