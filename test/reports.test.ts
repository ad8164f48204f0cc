import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitStatusOf } from "../harness/cli/run-command.js";
import { type RunResult, type ScenarioResult, verdictOf } from "../harness/run-result.js";
import { junitXml } from "../reports/junit.js";
import { writeReports } from "../reports/write-reports.js";
import { handMadeRun } from "./support/report-fixtures.js";

function scenarioResult(
  id: string,
  result: ScenarioResult["result"],
  level: ScenarioResult["level"] = "MUST",
): ScenarioResult {
  return {
    id,
    title: `Title of ${id} <with> "markup" & ampersands`,
    pack: "consent",
    level,
    hazard: "Something bad happens to a patient.",
    result,
    ...(result === "pass" ? {} : { message: `${id} went ${result}` }),
    checks: [{ name: "HTTP status 403", passed: result === "pass", detail: "the gateway answered 200" }],
    startedAt: "2026-11-25T10:00:00.100Z",
    durationMs: 12,
    evidence: { world: {}, north: [], south: [] },
  };
}

/** A run around the given scenarios; one not complete names a scenario it never ran. */
function runResult(scenarios: ScenarioResult[], complete = true): RunResult {
  if (complete) return handMadeRun(scenarios);
  return handMadeRun(scenarios, [
    { id: "A-99", title: "Never ran", pack: "consent", level: "MUST", hazard: "h" },
  ]);
}

describe("the verdict", () => {
  it("passes only when every MUST passed, omitted ones aside", () => {
    expect(verdictOf([scenarioResult("A-01", "pass"), scenarioResult("A-02", "omit")], true).verdict).toBe(
      "pass",
    );
    expect(verdictOf([scenarioResult("A-01", "pass"), scenarioResult("A-02", "skip")], true).verdict).toBe(
      "fail",
    );
    expect(verdictOf([scenarioResult("A-01", "error")], true).verdict).toBe("fail");
    expect(verdictOf([scenarioResult("A-01", "fail", "SHOULD")], true).verdict).toBe("pass");
  });

  it("fails an interrupted run, whatever finished", () => {
    const { verdict, reason } = verdictOf([scenarioResult("A-01", "pass")], false);
    expect(verdict).toBe("fail");
    expect(reason).toMatch(/interrupted/);
  });

  it("names the MUST scenarios that did not pass", () => {
    expect(verdictOf([scenarioResult("A-01", "fail"), scenarioResult("A-02", "error")], true).reason).toBe(
      "2 MUST scenarios did not pass: A-01 (fail), A-02 (error)",
    );
  });
});

describe("junit.xml", () => {
  it("reports failures, errors and skips so a CI system counts them, with escaped text", () => {
    const xml = junitXml(
      runResult([
        scenarioResult("A-01", "pass"),
        scenarioResult("A-02", "fail"),
        scenarioResult("A-03", "error"),
        scenarioResult("A-04", "omit"),
      ]),
    );
    expect(xml).toMatch(/<testsuites [^>]*tests="4"[^>]*failures="1"[^>]*errors="1"[^>]*skipped="1"/);
    expect(xml).toContain('<failure message="A-02 went fail" type="ExpectationFailure">');
    expect(xml).toContain('<error message="A-03 went error" type="HarnessError">');
    expect(xml).toContain('<skipped message="omit: A-04 went omit"/>');
    expect(xml).toContain("&lt;with&gt; &quot;markup&quot; &amp; ampersands");
    expect(xml).not.toContain("<with>");
  });
});

describe("writing reports", () => {
  it("writes every report and their manifest, and leaves no temporary files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gp-harness-reports-"));
    const result = runResult([scenarioResult("A-01", "pass")]);
    const written = await writeReports(join(dir, "nested", "out"), result);
    expect(written.map((p) => p.split("/").pop())).toEqual([
      "report.json",
      "junit.xml",
      "ctrf.json",
      "summary.md",
      "report.html",
      "manifest.sha256",
    ]);
    expect((await readdir(join(dir, "nested", "out"))).sort()).toEqual([
      "ctrf.json",
      "junit.xml",
      "manifest.sha256",
      "report.html",
      "report.json",
      "summary.md",
    ]);
    expect(JSON.parse(await readFile(join(dir, "nested", "out", "report.json"), "utf8"))).toEqual(result);
  });
});

describe("the run's exit status", () => {
  const totals = { pass: 3, fail: 0, skip: 0, omit: 1, error: 0 };
  it("tells a harness error (3) from a gateway's failure (1), and an interrupted run (130) from both", () => {
    expect(exitStatusOf({ complete: true, verdict: "pass", totals })).toBe(0);
    expect(exitStatusOf({ complete: true, verdict: "fail", totals: { ...totals, fail: 1 } })).toBe(1);
    expect(exitStatusOf({ complete: true, verdict: "fail", totals: { ...totals, fail: 1, error: 1 } })).toBe(
      3,
    );
    expect(exitStatusOf({ complete: false, verdict: "fail", totals: { ...totals, error: 1 } })).toBe(130);
  });
});

describe("junit.xml's account of the checks", () => {
  it("says which failed check stopped the scenario and which checks could not be made", () => {
    const failed: ScenarioResult = {
      ...scenarioResult("CONSENT-09", "fail"),
      checks: [
        { name: "the record is valid FHIR STU3", passed: true, detail: "NOT RUN: no schema", notRun: true },
        { name: "HTTP status 200", passed: false, detail: "the gateway answered 500", precondition: true },
      ],
    };
    const xml = junitXml(runResult([failed]));
    expect(xml).toContain("n/a  the record is valid FHIR STU3: NOT RUN: no schema");
    expect(xml).toContain(
      "FAIL HTTP status 200: the gateway answered 500 (a precondition: the checks after it were not made)",
    );
  });
});

describe("junit.xml for CI", () => {
  it("gives each pack its wall time, not the sum of scenarios that ran side by side", () => {
    const at = (id: string, start: string, durationMs: number): ScenarioResult => ({
      ...scenarioResult(id, "pass"),
      startedAt: start,
      durationMs,
    });
    const xml = junitXml(
      runResult([
        at("A-01", "2026-11-25T10:00:00.000Z", 2000),
        at("A-02", "2026-11-25T10:00:00.500Z", 2000),
        at("A-03", "2026-11-25T10:00:01.000Z", 2000),
      ]),
    );
    expect(xml).toMatch(/<testsuite name="consent"[^>]*time="3.000"/);
    expect(xml).toMatch(/<testcase [^>]*name="A-02 \[MUST\][^"]*" time="2.000"/);
  });

  it("lists the scenarios an interruption left unrun as skipped, and errs so the run never looks green", () => {
    const run = {
      ...runResult([scenarioResult("A-01", "pass")], false),
      notRun: [
        { id: "A-02", title: "Never ran", pack: "consent" as const, level: "MUST" as const, hazard: "h" },
      ],
    };
    const xml = junitXml(run);
    expect(xml).toMatch(/<testsuites [^>]*tests="2"[^>]*errors="1"[^>]*skipped="1"/);
    expect(xml).toMatch(
      /<testcase [^>]*name="A-02 \[MUST\] Never ran"[^>]*>\s*<skipped message="not run: interrupted"\/>/,
    );
    expect(xml).toMatch(/<testsuite name="consent"[^>]*errors="1"/);
    expect(xml).toMatch(/<error message="the run was interrupted; 1 scenario\(s\) of this pack did not run"/);
  });
});

describe("junit.xml against a hostile gateway's words", () => {
  it("stays well-formed XML whatever the gateway put in a message: control characters, half characters, markup", async () => {
    const { SaxesParser } = await import("saxes");
    const hostile: ScenarioResult = {
      ...scenarioResult("SECURITY-09", "fail"),
      message: "the gateway said \u0000\u001b[32m  PASS  everything\u001b[0m \ud800 ]]> </failure><x>",
      checks: [{ name: "HTTP status 200", passed: false, detail: "\u0007bell </testsuite>" }],
    };
    const xml = junitXml(runResult([hostile]));
    const parser = new SaxesParser();
    const texts: string[] = [];
    parser.on("text", (t) => texts.push(t));
    parser.on("attribute", (a) => texts.push(a.value));
    expect(() => parser.write(xml).close()).not.toThrow();
    const seen = texts.join("");
    expect(seen).toContain("U+0000U+001B[32m  PASS  everything");
    expect(seen).toContain("U+D800 ]]> </failure><x>");
    expect(seen).toContain("U+0007bell </testsuite>");
  });
});

describe("one scenario's evidence that breaks a writer", () => {
  it("costs only that writer: the other reports and the manifest are written, and the failure is named", async () => {
    const { ReportsIncompleteError } = await import("../reports/write-reports.js");
    const { htmlReport } = await import("../reports/html/page.js");
    const broken: ScenarioResult = {
      ...scenarioResult("CORE-09", "fail"),
      // Nothing JSON can write: as if a bug put it there.
      evidence: { world: { size: 10n } as unknown as Record<string, unknown>, north: [], south: [] },
    };
    const result = runResult([scenarioResult("CORE-01", "pass"), broken]);
    const dir = await mkdtemp(join(tmpdir(), "gp-harness-broken-writer-"));
    const failure = await writeReports(dir, result).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ReportsIncompleteError);
    expect((failure as Error).message).toMatch(/^report\.json could not be written: .*BigInt/);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(
      expect.arrayContaining(["junit.xml", "manifest.sha256", "report.html", "summary.md"]),
    );
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await readFile(join(dir, "manifest.sha256"), "utf8")).not.toContain("report.json");
    // The page shows the other scenario whole, and says this one's evidence could not be shown.
    const page = htmlReport(result);
    expect(page).toContain("This scenario's evidence could not be shown");
    expect(page).toContain('id="CORE-01"');
  });
});
