import { SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "PERFORMANCE-04",
  title: "Records flow again as soon as PDS is back",
  pack: "performance",
  level: "SHOULD",
  hazard:
    "After a national directory outage, the gateway goes on refusing records long after PDS has recovered, so clinicians go without them for no reason.",
  specification: [SPEC.nonFunctional, SPEC.pds],
  world: { patient: { system: "tpp" } },
  // It takes PDS down, which every scenario shares.
  exclusive: true,
  async run({ world, load, expect }) {
    await world.setFault("pds", { kind: "error", status: 503 });
    const during = await load.run({
      label: "during the PDS outage",
      rate: 10,
      duration: "1s",
      practiceLatency: "none",
    });
    await world.clearFault("pds");
    const after = await load.run({
      label: "after PDS came back",
      rate: 10,
      duration: "2s",
      practiceLatency: "none",
    });
    expect.thresholds(during, ["p(95)<10000"]);
    expect.thresholds(after, ["p(95)<1500", "rate<0.01"]);
  },
});
