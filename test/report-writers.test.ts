/**
 * ctrf.json, summary.md and manifest.sha256: what a CI system, a pull-request comment and an archivist read.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../harness/run-result.js";
import { ctrfJson } from "../reports/ctrf.js";
import { htmlReport } from "../reports/html/page.js";
import { junitXml } from "../reports/junit.js";
import { EVIDENCE_LENGTH, escapeMarkdown, summaryMarkdown } from "../reports/summary-md.js";
import {
  MANIFEST_FILE,
  REPORT_WRITERS,
  setAsidePreviousReports,
  writeReports,
} from "../reports/write-reports.js";
import { handMadeRun, hostileScenario, loadFigures, passingScenario } from "./support/report-fixtures.js";

const run = promisify(execFile);

/** The parts of the CTRF schema (ctrf.io) these reports use, strict about names, types and statuses. */
const STATUS = { enum: ["passed", "failed", "skipped", "pending", "other"] };
const INTEGER = { type: "integer" };
const CTRF_SHAPE = {
  type: "object",
  required: ["reportFormat", "specVersion", "results"],
  additionalProperties: false,
  properties: {
    reportFormat: { const: "CTRF" },
    specVersion: { type: "string", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$" },
    timestamp: { type: "string" },
    generatedBy: { type: "string" },
    results: {
      type: "object",
      required: ["tool", "summary", "tests"],
      additionalProperties: false,
      properties: {
        tool: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: { name: { type: "string", minLength: 1 }, version: { type: "string" } },
        },
        summary: {
          type: "object",
          required: ["tests", "passed", "failed", "skipped", "pending", "other", "start", "stop"],
          additionalProperties: false,
          properties: Object.fromEntries(
            [
              "tests",
              "passed",
              "failed",
              "skipped",
              "pending",
              "other",
              "suites",
              "start",
              "stop",
              "duration",
            ].map((name) => [name, INTEGER]),
          ),
        },
        tests: {
          type: "array",
          items: {
            type: "object",
            required: ["name", "status", "duration"],
            additionalProperties: false,
            properties: {
              name: { type: "string", minLength: 1 },
              status: STATUS,
              duration: INTEGER,
              start: INTEGER,
              stop: INTEGER,
              suite: { type: "array", minItems: 1, items: { type: "string" } },
              message: { type: "string" },
              rawStatus: { type: "string" },
              type: { type: "string" },
              tags: { type: "array", items: { type: "string" } },
              extra: { type: "object" },
            },
          },
        },
        environment: { type: "object" },
        extra: { type: "object" },
      },
    },
  },
};
const validCtrf = new Ajv({ allErrors: true, strict: false }).compile(CTRF_SHAPE);

function scenario(id: string, result: ScenarioResult["result"], detail = "the gateway answered 200") {
  return passingScenario(id, {
    result,
    ...(result === "pass" ? {} : { message: `${id} went ${result}` }),
    checks: [{ name: "HTTP status 403", passed: result === "pass", detail }],
    durationMs: 12.6,
  });
}

const mixed = handMadeRun(
  [scenario("A-01", "pass"), scenario("A-02", "fail"), scenario("A-03", "error"), scenario("A-04", "omit")],
  [{ id: "A-05", title: "Waiting", pack: "core", level: "MUST", hazard: "h" }],
);

describe("ctrf.json", () => {
  const ctrf = JSON.parse(ctrfJson(mixed));

  it("is a CTRF report: format, spec version, tool, summary and one test per scenario", () => {
    expect(validCtrf(ctrf), JSON.stringify(validCtrf.errors?.slice(0, 3))).toBe(true);
    expect(ctrf.results.tool).toEqual({ name: "gp-harness", version: "0.1.0" });
    expect(ctrf.results.summary).toMatchObject({
      tests: 5,
      passed: 1,
      failed: 1,
      skipped: 1,
      pending: 0,
      other: 2,
    });
    expect(ctrf.results.summary.stop - ctrf.results.summary.start).toBe(2500);
  });

  it("keeps our own result in rawStatus: omit is skipped, error and not run are other", () => {
    const byId = Object.fromEntries(
      ctrf.results.tests.map((t: { extra: { id: string } }) => [t.extra.id, t]),
    );
    expect(byId["A-04"]).toMatchObject({ status: "skipped", rawStatus: "omit" });
    expect(byId["A-03"]).toMatchObject({ status: "other", rawStatus: "error" });
    expect(byId["A-05"]).toMatchObject({ status: "other", rawStatus: "not run", duration: 0 });
    expect(byId["A-02"]).toMatchObject({
      name: "A-02 [MUST] Title of A-02",
      status: "failed",
      duration: 13,
      suite: ["core"],
      message: "HTTP status 403: the gateway answered 200",
    });
    expect(ctrf.results.extra).toMatchObject({ verdict: "incomplete", complete: false });
  });
});

describe("summary.md", () => {
  it("states the verdict and counts, and lists what did not pass with its hazard and evidence", () => {
    const md = summaryMarkdown(handMadeRun([scenario("A-01", "pass"), scenario("A-02", "fail")]));
    expect(md).toMatch(/^## ❌ gp-harness: FAIL — 1 MUST scenario did not pass: A-02 \\\(fail\\\)\n/);
    expect(md).toContain("| 1 | 1 | 0 | 0 | 0 | 0 |");
    expect(md).toContain(
      "| A-02 Title of A-02 | MUST | fail | The hazard A-02 guards against. | HTTP status 403: the gateway answered 200 |",
    );
    expect(md).not.toContain("A-01 Title");
  });

  it("keeps each row in its five cells and shows the gateway's text as text", () => {
    const md = summaryMarkdown(handMadeRun([hostileScenario("SECURITY-99", 1000)]));
    const row = md.split("\n").find((line) => line.startsWith("| SECURITY-99")) ?? "";
    expect(row.replace(/\\\|/g, "").split("|").length - 1).toBe(6);
    expect(row).not.toMatch(/<[a-z/]/i);
    expect(row).not.toMatch(/(^|[^\\])`/);
    expect(row).toContain("&lt;/script&gt;");
    expect(escapeMarkdown("ask @nhs-team | `x` <b>")).toBe("ask @\u200bnhs-team \\| \\`x\\` &lt;b&gt;");
  });

  it("shortens a long line of evidence, saying how much was left out", () => {
    const md = summaryMarkdown(handMadeRun([scenario("A-02", "fail", "y".repeat(EVIDENCE_LENGTH + 77))]));
    const left = "HTTP status 403: ".length + 77;
    expect(md).toContain(`… (${left} more characters in report.html)`);
  });

  it("calls an interrupted run INCOMPLETE and names what did not run", () => {
    const md = summaryMarkdown(mixed);
    expect(md).toMatch(/^## ⚠️ gp-harness: INCOMPLETE/);
    expect(md).toContain("Not run (interrupted): A-05.");
  });
});

describe("latency under load in every report", () => {
  const stage = (label: string, base: number) => ({
    ...loadFigures(label, base),
    fromMs: 0,
    toMs: 1000,
    sent: 6,
    failed: 1,
    dropped: 0,
  });
  const ramping = {
    ...loadFigures("rising to the busy hour", 100),
    stages: [stage("2/s → 10/s over 1 s", 80), stage("10/s for 3 s", 120)],
  };
  const result = handMadeRun([{ ...passingScenario("PERFORMANCE-01"), latency: [ramping] }]);

  it("summary.md has a row for each load and each of its stages", () => {
    const summary = summaryMarkdown(result);
    expect(summary).toContain(
      "| PERFORMANCE-01 | rising to the busy hour | 30 | 3.33% | p50 140, p95 300, p99 400 ms | p50 10.5, p95 22.5 ms |",
    );
    expect(summary).toContain(
      "| | ↳ 10/s for 3 s | 6 | 16.67% | p50 168, p95 360, p99 480 ms | p50 12.6, p95 27 ms |",
    );
  });

  it("junit.xml's output, ctrf.json's extra and report.html carry the same figures", () => {
    expect(junitXml(result)).toContain(
      "stage 2/s → 10/s over 1 s: 6 sent, 1 failed (16.67%), 0 dropped; latency p50 112, p95 240, p99 320 ms",
    );
    const ctrf = JSON.parse(ctrfJson(result)) as { results: { tests: { extra: { latency?: unknown[] } }[] } };
    expect(ctrf.results.tests[0]?.extra.latency).toEqual([ramping]);
    const page = htmlReport(result);
    expect(page).toContain("<caption>By stage</caption>");
    expect(page).toContain("<td>10/s for 3 s</td><td>6</td><td>1</td><td>0</td><td>168 ms</td>");
  });
});

describe("manifest.sha256", () => {
  it("lists every report with its SHA-256, as sha256sum -c checks; a changed report fails the check", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gp-harness-manifest-"));
    await writeReports(dir, handMadeRun([hostileScenario("SECURITY-99", 5000), scenario("A-01", "pass")]));
    const manifest = await readFile(join(dir, MANIFEST_FILE), "utf8");
    expect(
      manifest
        .trimEnd()
        .split("\n")
        .map((line) => line.split("  ")[1]),
    ).toEqual(REPORT_WRITERS.map((w) => w.file));
    const { stdout } = await run("sha256sum", ["-c", MANIFEST_FILE], { cwd: dir });
    for (const { file } of REPORT_WRITERS) expect(stdout).toContain(`${file}: OK`);
    await writeFile(join(dir, "summary.md"), "## ✅ gp-harness: PASS\n");
    await expect(run("sha256sum", ["-c", MANIFEST_FILE], { cwd: dir })).rejects.toMatchObject({
      stdout: expect.stringContaining("summary.md: FAILED"),
    });
  });

  it("is set aside with the reports before a new run, so no earlier report looks current", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gp-harness-aside-"));
    await writeReports(dir, handMadeRun([scenario("A-01", "pass")]));
    await setAsidePreviousReports(dir);
    expect(await readdir(dir)).toEqual(["previous"]);
    const { stdout } = await run("sha256sum", ["-c", MANIFEST_FILE], { cwd: join(dir, "previous") });
    expect(stdout.trim().split("\n")).toHaveLength(REPORT_WRITERS.length);
  });
});
