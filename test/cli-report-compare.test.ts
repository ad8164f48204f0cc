/**
 * `gp-harness report` writes any format again from a saved run, and `gp-harness compare` gates a build on
 * "no worse than the last release": both as a user runs them, on a real run's report.json.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../harness/run-result.js";
import { runCli } from "./support/cli.js";
import { loadFigures } from "./support/report-fixtures.js";

let dir: string;
let base: string;
let baseline: RunResult;

/** A copy of the baseline changed by `change`, saved as `name`. */
async function variant(name: string, change: (run: RunResult & Record<string, unknown>) => void) {
  const copy = structuredClone(baseline) as RunResult & Record<string, unknown>;
  change(copy);
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(copy));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gp-harness-compare-"));
  const out = join(dir, "base");
  const run = await runCli(["run", "--scenario", "CORE-01,CONSENT-02,CONSENT-01", "--out", out], {
    timeoutMs: 120_000,
  });
  expect(run.code, run.stderr).toBe(0);
  base = join(out, "report.json");
  baseline = JSON.parse(await readFile(base, "utf8"));
}, 150_000);

describe("gp-harness compare", () => {
  it("exits 0 when nothing is worse", async () => {
    const same = await runCli(["compare", base, base]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/0 worse, 0 better, 3 unchanged/);
  });

  it("lists a scenario that newly fails, with its evidence, and exits 1", async () => {
    const worse = await variant("worse.json", (run) => {
      const refused = run.scenarios.find((s) => s.id === "CONSENT-02") as {
        result: string;
        message?: string;
      };
      refused.result = "fail";
      refused.message = "HTTP status 403: the gateway answered 200";
    });
    const outcome = await runCli(["compare", base, worse]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(
      /WORSE\s+CONSENT-02\s+MUST\s+pass → fail: HTTP status 403: the gateway answered 200/,
    );
    expect(outcome.stdout).toMatch(/1 worse, 0 better, 2 unchanged/);
    const back = await runCli(["compare", worse, base]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/BETTER\s+CONSENT-02\s+MUST\s+fail → pass/);
  });

  it("counts a scenario left out of the new run, and an interrupted run, as worse", async () => {
    const fewer = await variant("fewer.json", (run) => {
      (run as unknown as { scenarios: unknown[] }).scenarios = run.scenarios.filter(
        (s) => s.id !== "CORE-01",
      );
    });
    const outcome = await runCli(["compare", base, fewer]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/WORSE\s+CORE-01 .*pass → not run: run before, not run now/);
    const interrupted = await variant("interrupted.json", (run) => {
      (run as { complete: boolean }).complete = false;
    });
    const cut = await runCli(["compare", base, interrupted]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain("the new run was interrupted");
  });

  it("counts latency under load that got worse beyond --tolerance as a regression, load by load", async () => {
    const withLoad = (name: string, base: number, errorRate = 1 / 30) =>
      variant(name, (run) => {
        const scenario = run.scenarios.find((s) => s.id === "CORE-01") as { latency?: unknown };
        scenario.latency = [{ ...loadFigures("steady load", base), errorRate }];
      });
    const before = await withLoad("load-before.json", 200);
    const slower = await withLoad("load-slower.json", 260);
    // Two runs' latencies differ by noise alone: compared only when asked.
    const unasked = await runCli(["compare", before, slower]);
    expect(unasked.code, unasked.stdout).toBe(0);
    expect(unasked.stdout).toMatch(/latency not compared \(--tolerance compares it\)/);
    const outcome = await runCli(["compare", before, slower, "--tolerance", "20%"]);
    expect(outcome.code, outcome.stdout).toBe(1);
    expect(outcome.stdout).toMatch(/SLOWER CORE-01\s+latency p95: 600 → 780 ms \(\+30%\) \[steady load\]/);
    expect(outcome.stdout).toMatch(
      /0 worse, 0 better, 3 unchanged; 4 latency figures slower beyond 20% over 1 load compared/,
    );
    const tolerant = await runCli(["compare", before, slower, "--tolerance", "35%"]);
    expect(tolerant.code, tolerant.stdout).toBe(0);
    expect(tolerant.stdout).toMatch(/0 latency figures slower beyond 35%/);
    // Small figures move by more than 20% with noise alone: a change under --min-change is never a regression.
    const tiny = await withLoad("load-tiny.json", 2);
    const tinySlower = await withLoad("load-tiny-slower.json", 3);
    expect((await runCli(["compare", tiny, tinySlower, "--tolerance", "20"])).code).toBe(0);
    expect((await runCli(["compare", tiny, tinySlower, "--tolerance", "20", "--min-change", "0"])).code).toBe(
      1,
    );
    const erring = await withLoad("load-erring.json", 200, 0.2);
    const errors = await runCli(["compare", before, erring, "--tolerance", "20%"]);
    expect(errors.code).toBe(1);
    expect(errors.stdout).toMatch(/SLOWER CORE-01\s+error rate: 0.0333 → 0.2 \(\+500%\)/);
    const back = await runCli(["compare", slower, before, "--tolerance", "20%"]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/FASTER CORE-01\s+latency p95: 780 → 600 ms \(-23%\)/);
    const bad = await runCli(["compare", before, slower, "--tolerance", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tolerance.*must be a percentage such as 20%/);
  });

  it("refuses runs of different catalogues, and files that are not run results, in one line (exit 2)", async () => {
    const other = await variant("other.json", (run) => {
      (run as { catalogue: { version: string } }).catalogue.version = "sha256:ffffffffffffffff";
    });
    const different = await runCli(["compare", base, other]);
    expect(different.code).toBe(2);
    expect(different.stderr.trim().split("\n")).toHaveLength(1);
    expect(different.stderr).toMatch(/different catalogues .*sha256:ffffffffffffffff/);

    const notJson = join(dir, "notes.txt");
    await writeFile(notJson, "PASS, honestly");
    const garbage = await runCli(["compare", base, notJson]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/notes\.txt: not JSON/);

    const wrongShape = await variant("wrong.json", (run) => {
      delete (run as Record<string, unknown>).verdict;
    });
    const shape = await runCli(["compare", wrongShape, base]);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/wrong\.json: not a gp-harness run result: .*verdict/);

    const old = await variant("old.json", (run) => {
      (run as { schemaVersion: number }).schemaVersion = 1;
    });
    const oldOne = await runCli(["compare", old, base]);
    expect(oldOne.code).toBe(2);
    expect(oldOne.stderr).toMatch(/a run result of version 1; this gp-harness reads version 2/);
    const missing = await runCli(["compare", join(dir, "nowhere.json"), base]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.json: no such file/);
  });
});

describe("gp-harness report", () => {
  it("writes a format again from a saved run: to standard output, or to a file", async () => {
    const junit = await runCli(["report", base, "--format", "junit"]);
    expect(junit.code, junit.stderr).toBe(0);
    expect(junit.stdout).toContain('<testsuites name="gp-harness conformance"');
    expect(junit.stdout).toBe(await readFile(join(dir, "base", "junit.xml"), "utf8"));
    const out = join(dir, "again.json");
    const json = await runCli(["report", base, "--format", "json", "--out", out]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(baseline);
  });

  it("refuses an unknown format and a file that is not a run result (exit 2)", async () => {
    const bogus = await runCli(["report", base, "--format", "pdf"]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/--format.*pdf/);
    const notRun = await runCli(["report", join(dir, "nowhere.json"), "--format", "junit"]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/nowhere\.json: no such file/);
  });
});
