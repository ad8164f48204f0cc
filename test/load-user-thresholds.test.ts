/**
 * Thresholds a user sets for the performance pack, as k6's options.thresholds: from `--threshold` or the
 * manifest's `thresholds`, replacing a scenario's own budget for that metric; a broken one fails the verdict
 * with the measured figure, and one that does not parse is exit 2 naming it.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkScopes,
  overrideFor,
  parseThresholdFlag,
  parseThresholdObject,
  type ThresholdRule,
} from "../harness/load/threshold-set.js";
import type { RunResult } from "../harness/run-result.js";
import { runCli } from "./support/cli.js";

const texts = (rule: { thresholds: readonly { text: string }[] } | undefined) =>
  rule?.thresholds.map((t) => t.text);

describe("a threshold the user writes", () => {
  it("names its metric as k6 does, or takes it from the aggregation", () => {
    expect(parseThresholdFlag("p(95)<800")).toMatchObject({
      metric: "http_req_duration",
      source: "--threshold",
    });
    expect(parseThresholdFlag("rate<0.01")).toMatchObject({ metric: "http_req_failed" });
    expect(parseThresholdFlag("gateway_overhead:p(95)<200")).toMatchObject({ metric: "gateway_overhead" });
    expect(parseThresholdFlag("http_req_duration{scenario:PERFORMANCE-01}:p(99)<=1500")).toMatchObject({
      metric: "http_req_duration",
      scenario: "PERFORMANCE-01",
    });
  });

  it("is refused, naming it, when it does not parse or does not fit its metric", () => {
    expect(() => parseThresholdFlag("p(95)<<800")).toThrow(/"p\(95\)<<800" does not parse/);
    expect(() => parseThresholdFlag("http_req_failed:p(95)<800")).toThrow(/http_req_failed takes only rate/);
    expect(() => parseThresholdFlag("gateway_overhead:rate<0.1")).toThrow(/belongs to http_req_failed/);
    expect(() => parseThresholdFlag("http_reqs:p(95)<800")).toThrow(/unknown metric "http_reqs"/);
    expect(() => parseThresholdFlag("http_req_duration{url:/x}:p(95)<8")).toThrow(/scoped by is scenario/);
    expect(() => parseThresholdObject({ http_req_duration: "p(95)<800" })).toThrow(
      /thresholds\["http_req_duration"\]: must be a list/,
    );
    expect(() => parseThresholdObject({ http_req_duration: ["p(95)<800", "p95<9"] })).toThrow(
      /thresholds\["http_req_duration"\]: threshold "p95<9" does not parse/,
    );
    expect(() => parseThresholdObject(["p(95)<800"])).toThrow(/must be an object/);
  });

  it("replaces the scenario's budget for its metric: a scoped flag, a flag, a scoped manifest entry, the manifest", () => {
    const rules: ThresholdRule[] = [
      ...parseThresholdObject({
        http_req_duration: ["p(95)<3000"],
        "http_req_duration{scenario:PERFORMANCE-04}": ["p(95)<9000"],
        gateway_overhead: ["p(50)<100"],
      }),
      parseThresholdFlag("p(95)<800"),
      parseThresholdFlag("p(99)<1200"),
      parseThresholdFlag("http_req_duration{scenario:PERFORMANCE-03}:p(95)<2000"),
    ];
    expect(texts(overrideFor(rules, "PERFORMANCE-01", "http_req_duration"))).toEqual([
      "p(95)<800",
      "p(99)<1200",
    ]);
    expect(texts(overrideFor(rules, "PERFORMANCE-03", "http_req_duration"))).toEqual(["p(95)<2000"]);
    expect(overrideFor(rules, "PERFORMANCE-02", "gateway_overhead")).toMatchObject({
      source: "the manifest",
    });
    expect(overrideFor(rules, "PERFORMANCE-02", "http_req_failed")).toBeUndefined();
    const manifestOnly = rules.filter((r) => r.source === "the manifest");
    expect(texts(overrideFor(manifestOnly, "PERFORMANCE-04", "http_req_duration"))).toEqual(["p(95)<9000"]);
    expect(texts(overrideFor(manifestOnly, "PERFORMANCE-01", "http_req_duration"))).toEqual(["p(95)<3000"]);
    expect(() => checkScopes(rules, ["PERFORMANCE-01", "PERFORMANCE-03"])).toThrow(
      /\{scenario:PERFORMANCE-04\} \(the manifest\): no such performance scenario/,
    );
  });
});

describe("gp-harness run with thresholds", () => {
  it("fails the verdict when a threshold set by --threshold is broken, with the measured figure", async () => {
    const out = await mkdtemp(join(tmpdir(), "gp-harness-threshold-"));
    const run = await runCli(
      ["run", "--scenario", "PERFORMANCE-02", "--threshold", "gateway_overhead:p(50)<0.001", "--out", out],
      { timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as RunResult;
    const [scenario] = result.scenarios;
    expect(scenario?.result).toBe("fail");
    const check = scenario?.checks.find((c) => c.setBy === "--threshold");
    expect(check).toMatchObject({
      name: "the gateway's own overhead met p(50)<0.001 (from --threshold)",
      passed: false,
    });
    expect(check?.detail).toMatch(/^p\(50\) was \d+(\.\d)? ms over \d+ requests/);
    // The scenario's own budget for that metric is replaced, not judged beside it.
    expect(scenario?.checks.some((c) => /met p\(95\)<300/.test(c.name))).toBe(false);
    expect(result.verdict).toBe("fail");
    expect(result.verdictReason).toMatch(/1 threshold set for this run did not hold: PERFORMANCE-02/);
  }, 150_000);

  it("judges the manifest's thresholds, and refuses one that does not parse before anything starts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gp-harness-threshold-manifest-"));
    const reference = JSON.parse(
      await readFile(fileURLToPath(new URL("../gateway/gateway.json", import.meta.url)), "utf8"),
    );
    const gateway = fileURLToPath(new URL("../dist/gateway/main.js", import.meta.url));
    const manifest = (thresholds: unknown) => ({
      ...reference,
      $schema: undefined,
      launch: { ...reference.launch, argv: ["node", gateway] },
      thresholds,
    });
    await writeFile(
      join(dir, "generous.json"),
      JSON.stringify(
        manifest({ "gateway_overhead{scenario:PERFORMANCE-02}": ["p(95)<60000", "p(50)<60000"] }),
      ),
    );
    const out = join(dir, "out");
    const run = await runCli(
      ["run", "--gateway", join(dir, "generous.json"), "--scenario", "PERFORMANCE-02", "--out", out],
      {
        timeoutMs: 120_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(out, "report.json"), "utf8")) as RunResult;
    expect(result.scenarios[0]?.checks.filter((c) => c.setBy === "the manifest").map((c) => c.name)).toEqual([
      "the gateway's own overhead met p(95)<60000 (from the manifest)",
      "the gateway's own overhead met p(50)<60000 (from the manifest)",
    ]);

    await writeFile(
      join(dir, "broken.json"),
      JSON.stringify(manifest({ http_req_duration: ["p(95)<<800"] })),
    );
    const broken = await runCli(["run", "--gateway", join(dir, "broken.json"), "--out", join(dir, "never")]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /thresholds\["http_req_duration"\]: threshold "p\(95\)<<800" does not parse/,
    );
    const flag = await runCli(["run", "--threshold", "p(95)<<800", "--out", join(dir, "never")]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--threshold: threshold "p\(95\)<<800" does not parse/);
  }, 180_000);
});
