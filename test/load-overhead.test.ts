/**
 * The gateway's own overhead under load: the reference gateway on loopback, in a region whose practices answer
 * 400 ms late. End to end, every granted request takes the practice's 400 ms and more; the overhead — end to
 * end less the time spent waiting on PDS, SDS and the practice — leaves the practice's delay out, and the
 * waterfall of the slowest requests shows where their time went.
 */
import { expect, it } from "vitest";
import { LoadStep } from "../harness/load/load-step.js";
import { attributeRequests, mergedLength } from "../harness/load/overhead.js";
import { createConsumer } from "../harness/north/consumer.js";
import { gpConnectProfile } from "../harness/north/profile.js";
import { ControlClient, type JournalEntry } from "../simulators/index.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const running = useRegionWithReferenceGateway({ seed: 23, practices: 2, patientsPerPractice: 3 });

function loadStep() {
  const step = new LoadStep(new ControlClient(running.region.info().control), () =>
    createConsumer(gpConnectProfile(running.gateway.url), { timeoutMs: 10_000, onExchange: () => undefined }),
  );
  return { step, consumer: step };
}

it("the overhead excludes a slow practice's 400 ms; the end-to-end latency does not", async () => {
  const { step, consumer } = loadStep();
  try {
    const figures = await step.run({
      label: "slow practices",
      rate: 10,
      duration: "2s",
      practiceLatency: 400,
      mix: { emis: 1, tpp: 1 },
    });
    console.log(
      `end to end p50 ${figures.endToEnd.p50} ms p95 ${figures.endToEnd.p95} ms; overhead p50 ` +
        `${figures.overhead.p50} ms p95 ${figures.overhead.p95} ms; practice hop p50 ${figures.hops.practice.p50} ms`,
    );
    expect(figures.counts).toMatchObject({ scheduled: 20, sent: 20, failed: 0, dropped: 0 });
    expect(figures.mix).toMatchObject({ emis: 10, tpp: 10, granted: 20 });
    expect(figures.endToEnd.p50).toBeGreaterThanOrEqual(400);
    expect(figures.hops.practice.count).toBe(20);
    expect(figures.hops.practice.p50).toBeGreaterThanOrEqual(400);
    expect(figures.hops.pds.count).toBe(20);
    expect(figures.overhead.count).toBe(20);
    expect(figures.overhead.p95).toBeLessThan(250);
    const slowest = figures.slowest[0]!;
    expect(slowest.hops.map((h) => h.target)).toContain("practice");
    expect(slowest.hops.map((h) => h.target)[0]).toBe("pds");
    expect(slowest.endToEndMs - slowest.overheadMs).toBeGreaterThanOrEqual(400);
  } finally {
    await consumer.close();
  }
});

it("a ramping load's figures come stage by stage as well as whole; a constant load's as one", async () => {
  const { step } = loadStep();
  try {
    const figures = await step.run({
      label: "rising",
      rate: 2,
      stages: [
        { target: 10, duration: "1s" },
        { target: 10, duration: "1s" },
      ],
      practiceLatency: 400,
      mix: { emis: 1, tpp: 1 },
    });
    expect(figures.profile).toMatchObject({
      executor: "ramping-arrival-rate",
      ratePerSecond: 10,
      durationMs: 2000,
    });
    expect(figures.stages?.map((s) => s.label)).toEqual(["2/s → 10/s over 1 s", "10/s for 1 s"]);
    const [ramp, hold] = figures.stages ?? [];
    // 2/s rising to 10/s over a second is 6 arrivals; then 10 in the second at 10/s.
    expect([ramp?.sent, hold?.sent]).toEqual([6, 10]);
    expect((ramp?.sent ?? 0) + (hold?.sent ?? 0)).toBe(figures.counts.sent);
    for (const stage of [ramp, hold]) {
      expect(stage?.latency.p50).toBeGreaterThanOrEqual(400);
      expect(stage?.overhead.p95).toBeLessThan(400);
      expect(stage).toMatchObject({ failed: 0, dropped: 0 });
    }
    const constant = await step.run({
      rate: 5,
      duration: "1s",
      practiceLatency: "none",
      mix: { emis: 1, tpp: 0 },
    });
    expect(constant.stages).toBeUndefined();
    expect(constant.label).toBe("5/s for 1s");
  } finally {
    await step.close();
  }
});

it("refused consent in the mix is answered 403 and counted a success; the practice is never asked for it", async () => {
  const { step, consumer } = loadStep();
  try {
    const figures = await step.run({
      rate: 20,
      duration: "1s",
      practiceLatency: "none",
      mix: { emis: 1, tpp: 1, consent: { granted: 2, refused: 1, emergency: 1 } },
    });
    expect(figures.mix).toMatchObject({ granted: 10, refused: 5, emergency: 5 });
    // The practices and patients made for the load are gone again.
    expect(running.region.info().practices).toHaveLength(2);
    expect(figures.counts.failed).toBe(0);
    expect(figures.hops.practice.count).toBe(15);
  } finally {
    await consumer.close();
  }
});

it("south calls made side by side are counted once; a request's calls are found by its patient and window", () => {
  expect(
    mergedLength(
      [
        [0, 10],
        [5, 20],
        [30, 40],
      ],
      100,
    ),
  ).toBe(30);
  expect(
    mergedLength(
      [
        [-5, 10],
        [90, 150],
      ],
      100,
    ),
  ).toBe(20);
  const at = Date.parse("2026-01-01T10:00:00.000Z");
  const entry = (target: JournalEntry["target"], offsetMs: number, latencyMs: number, extra: object) =>
    ({
      seq: offsetMs,
      time: new Date(at + offsetMs).toISOString(),
      target,
      method: "GET",
      path: "/",
      query: {},
      headers: {},
      status: 200,
      latencyMs,
      ...extra,
    }) as JournalEntry;
  const journal = [
    entry("pds", 10, 20, { path: "/Patient/9990000018" }),
    entry("pds", 12, 500, { path: "/Patient/9990000026" }),
    entry("sds", 30, 10, { query: { organization: "https://fhir.nhs.uk/Id/ods-organization-code|A11111" } }),
    entry("sds", 35, 10, { query: { organization: "https://fhir.nhs.uk/Id/ods-organization-code|A11111" } }),
  ];
  const record = { index: 0, intendedAt: at, sentAt: at, endedAt: at + 100, latencyMs: 100, ok: true };
  const [only] = attributeRequests([{ record, nhsNumber: "9990000018", ods: "A11111" }], journal);
  // PDS 10-30 and SDS 30-45 (two lookups overlapping): 35 ms waiting, 65 ms the gateway's own.
  expect(only!.southMs).toBeCloseTo(35, 5);
  expect(only!.overheadMs).toBeCloseTo(65, 5);
  expect(only!.hops.map((h) => h.target)).toEqual(["pds", "sds", "sds"]);
});
