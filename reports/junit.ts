/**
 * `junit.xml`: one testsuite per pack, one testcase per scenario, so any CI system shows the run as tests.
 * `omit` and `skip` are both JUnit "skipped", with the reason; `fail` is a failure, `error` an error.
 */
import { create } from "xmlbuilder2";
import type { RunResult, ScenarioResult } from "../harness/run-result.js";

export function junitXml(result: RunResult): string {
  const root = create({ version: "1.0", encoding: "UTF-8" }).ele("testsuites", {
    name: "gp-harness conformance",
    tests: result.scenarios.length,
    failures: result.totals.fail,
    errors: result.totals.error,
    skipped: result.totals.skip + result.totals.omit,
    time: seconds(result.durationMs),
    timestamp: result.startedAt,
  });
  const packs = new Map<string, ScenarioResult[]>();
  for (const s of result.scenarios) packs.set(s.pack, [...(packs.get(s.pack) ?? []), s]);
  for (const [pack, scenarios] of packs) {
    const suite = root.ele("testsuite", {
      name: pack,
      tests: scenarios.length,
      failures: scenarios.filter((s) => s.result === "fail").length,
      errors: scenarios.filter((s) => s.result === "error").length,
      skipped: scenarios.filter((s) => s.result === "skip" || s.result === "omit").length,
      time: seconds(scenarios.reduce((t, s) => t + s.durationMs, 0)),
    });
    const properties = suite.ele("properties");
    properties.ele("property", { name: "gateway", value: result.gateway.url });
    properties.ele("property", { name: "seed", value: String(result.seed) });
    for (const s of scenarios) {
      const testcase = suite.ele("testcase", {
        classname: `gp-harness.${pack}`,
        name: `${s.id} [${s.level}] ${s.title}`,
        time: seconds(s.durationMs),
      });
      const message = s.message ?? "";
      if (s.result === "fail")
        testcase.ele("failure", { message, type: "ExpectationFailure" }).txt(checksText(s));
      if (s.result === "error") testcase.ele("error", { message, type: "HarnessError" }).txt(checksText(s));
      if (s.result === "skip" || s.result === "omit")
        testcase.ele("skipped", { message: `${s.result}: ${message}` });
      testcase.ele("system-out").txt(`Hazard: ${s.hazard}\n${checksText(s)}`);
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}

/**
 * One line per check: "ok", "FAIL", or "n/a" for a check that could not be made here (its detail says why);
 * a failed precondition says that the scenario's remaining checks were not made.
 */
function checksText(s: ScenarioResult): string {
  return s.checks
    .map((c) => {
      const mark = c.notRun ? "n/a " : c.passed ? "ok  " : "FAIL";
      const stopped =
        !c.passed && c.precondition ? " (a precondition: the checks after it were not made)" : "";
      return `${mark} ${c.name}: ${c.detail}${stopped}`;
    })
    .join("\n");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
