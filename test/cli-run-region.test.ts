/**
 * `gp-harness run` and the region it runs in: a region guarded by a control token, the region's own seed and
 * reference date in the report, and a run that can be reproduced later.
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasNoStackTrace, runCli } from "./support/cli.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const TOKEN = "region-token-5b2f8e";
const running = useRegionWithReferenceGateway({ seed: 23, referenceDate: "2025-03-01", controlToken: TOKEN });

async function run(args: readonly string[], env: Record<string, string> = {}) {
  const out = await mkdtemp(join(tmpdir(), "gp-harness-region-run-"));
  const outcome = await runCli(["run", "--out", out, ...args], { env, timeoutMs: 60_000 });
  const report = await readFile(join(out, "report.json"), "utf8").then(JSON.parse, () => undefined);
  const files = await readdir(out);
  const written = (await Promise.all(files.map((file) => readFile(join(out, file), "utf8")))).join("\n");
  return { ...outcome, report, written };
}

const attached = () => [
  "--gateway",
  running.gateway.url,
  "--region",
  running.region.info().control,
  "--scenario",
  "CORE-01",
];

describe("a region guarded by a control token", () => {
  it("without the token: one line saying the region needs one, exit 2", async () => {
    const { code, stderr } = await run(attached());
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(
      /requires a control token: give --control-token or set GP_HARNESS_CONTROL_TOKEN$/,
    );
    expect(hasNoStackTrace(stderr)).toBe(true);
  });

  it("with a wrong token: said as such, not as an unreachable region", async () => {
    const { code, stderr } = await run([...attached(), "--control-token", "not-the-token-1"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/refused the control token/);
    expect(stderr).not.toMatch(/cannot reach/);
    expect(stderr).not.toContain("not-the-token-1");
  });

  it("with the token from the environment: the run passes, and reports the region's own seed and date", async () => {
    const { code, stdout, stderr, report, written } = await run(attached(), {
      GP_HARNESS_CONTROL_TOKEN: TOKEN,
    });
    expect(code, stdout).toBe(0);
    // The token is a secret: never printed, never in a report.
    expect(written).toContain("CORE-01");
    for (const text of [stdout, stderr, written]) expect(text).not.toContain(TOKEN);
    expect(report.seed).toBe(23);
    expect(report.region).toMatchObject({ attached: true, seed: 23, referenceDate: "2025-03-01" });
    expect(stdout).toMatch(/region: seed 23, reference date 2025-03-01 \(attached/);
  });

  it("refuses --seed for an attached region, whose seed is its own", async () => {
    const { code, stderr } = await run([...attached(), "--seed", "7"], { GP_HARNESS_CONTROL_TOKEN: TOKEN });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--seed: applies to the region the run starts/);
  });
});

describe("a run's region reproduced later", () => {
  it("--seed and --reference-date make the region the run starts, and the report says so", async () => {
    const { code, report } = await run([
      "--gateway",
      "reference",
      "--seed",
      "9",
      "--reference-date",
      "2025-06-01",
      "--scenario",
      "CORE-01",
    ]);
    expect(code).toBe(0);
    expect(report.region).toMatchObject({ attached: false, seed: 9, referenceDate: "2025-06-01" });
  });
});
