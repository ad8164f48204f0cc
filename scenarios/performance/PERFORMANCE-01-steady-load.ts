import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "PERFORMANCE-01",
  title: "Steady load across the region: answers within budget",
  pack: "performance",
  level: "SHOULD",
  hazard:
    "At the region's busy hour, out-of-hours clinicians wait on records while patients wait on them, because the gateway queues requests it should be serving side by side.",
  specification: [SPEC.nonFunctional],
  world: { patient: { system: "emis" } },
  // Latency is measured with nothing else running beside it.
  exclusive: true,
  async run({ load, expect }) {
    const figures = await load.run({
      label: "rising to the busy hour, then holding it, across EMIS and TPP practices",
      // From 2/s to 10/s over a second, then 10/s for three: the report shows each stage's figures.
      rate: 2,
      stages: [
        { target: 10, duration: "1s" },
        { target: 10, duration: "3s" },
      ],
      // Room for twenty requests waiting on the gateway (two seconds of arrivals): more, and arrivals are dropped.
      maxVUs: 20,
      mix: { emis: 2, tpp: 2, consent: { granted: 8, refused: 1, emergency: 1 } },
    });
    expect.loadDelivered(figures);
    expect.thresholds(figures, ["p(95)<4000", "rate<0.01"]);
  },
});
