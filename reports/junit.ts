/**
 * `junit.xml`: one testsuite per pack, one testcase per scenario, so any CI system shows the run as tests.
 * `omit` and `skip` are both JUnit "skipped", with the reason; `fail` is a failure, `error` an error. A suite's
 * time is its pack's wall time. An interrupted run lists the scenarios that did not run as skipped ("not run:
 * interrupted") and adds an error to each suite they belong to, so it never reads as green.
 */

import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces.js";
import type { RunResult, ScenarioResult, ScenarioSummary } from "../harness/run-result.js";
import { loadLines } from "./latency-text.js";

export function junitXml(result: RunResult): string {
  const interrupted = result.notRun.length > 0 || !result.complete;
  const root = create({ version: "1.0", encoding: "UTF-8" }).ele("testsuites", {
    name: "gp-harness conformance",
    tests: result.scenarios.length + result.notRun.length,
    failures: result.totals.fail,
    errors: result.totals.error + (interrupted ? 1 : 0),
    skipped: result.totals.skip + result.totals.omit + result.notRun.length,
    time: seconds(result.durationMs),
    timestamp: result.startedAt,
  });
  const packs = new Map<string, { ran: ScenarioResult[]; notRun: ScenarioSummary[] }>();
  const packOf = (pack: string) => {
    const found = packs.get(pack) ?? { ran: [], notRun: [] };
    packs.set(pack, found);
    return found;
  };
  for (const s of result.scenarios) packOf(s.pack).ran.push(s);
  for (const s of result.notRun) packOf(s.pack).notRun.push(s);
  for (const [pack, { ran, notRun }] of packs) {
    const suite = root.ele("testsuite", {
      name: pack,
      tests: ran.length + notRun.length,
      failures: ran.filter((s) => s.result === "fail").length,
      errors: ran.filter((s) => s.result === "error").length + (notRun.length > 0 ? 1 : 0),
      skipped: ran.filter((s) => s.result === "skip" || s.result === "omit").length + notRun.length,
      // The pack's wall time: its scenarios ran side by side, so their durations do not add up.
      time: seconds(wallTime(ran)),
      ...(ran.length > 0 ? { timestamp: earliest(ran) } : {}),
    });
    const properties = suite.ele("properties");
    properties.ele("property", { name: "gateway", value: xmlText(result.gateway.url) });
    properties.ele("property", { name: "seed", value: String(result.seed) });
    properties.ele("property", { name: "catalogue", value: result.catalogue.version });
    for (const s of ran) scenarioCase(suite, pack, s);
    for (const s of notRun) {
      suite
        .ele("testcase", { classname: `gp-harness.${pack}`, name: caseName(s), time: seconds(0) })
        .ele("skipped", { message: "not run: interrupted" });
    }
    if (notRun.length > 0) {
      // So the suite can never read as green: the interruption itself is an error.
      suite
        .ele("testcase", { classname: `gp-harness.${pack}`, name: "run interrupted", time: seconds(0) })
        .ele("error", {
          message: `the run was interrupted; ${notRun.length} scenario(s) of this pack did not run`,
          type: "Interrupted",
        });
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}

function scenarioCase(suite: XMLBuilder, pack: string, s: ScenarioResult): void {
  const testcase = suite.ele("testcase", {
    classname: `gp-harness.${pack}`,
    name: caseName(s),
    time: seconds(s.durationMs),
  });
  const message = xmlText(s.message ?? "");
  const checks = xmlText(checksText(s));
  if (s.result === "fail") testcase.ele("failure", { message, type: "ExpectationFailure" }).txt(checks);
  if (s.result === "error") testcase.ele("error", { message, type: "HarnessError" }).txt(checks);
  if (s.result === "skip" || s.result === "omit")
    testcase.ele("skipped", { message: `${s.result}: ${message}` });
  const latency = (s.latency ?? []).flatMap(loadLines);
  const load = latency.length === 0 ? "" : `\nLatency under load:\n${latency.join("\n")}`;
  testcase.ele("system-out").txt(xmlText(`Hazard: ${s.hazard}\n${checksText(s)}${load}`));
}

function caseName(s: ScenarioSummary): string {
  return xmlText(`${s.id} [${s.level}] ${s.title}`);
}

/**
 * Text as XML 1.0 can carry it: a gateway's words may hold control characters or half a character, which no
 * XML parser accepts, so each is shown as its code (U+001B) rather than making the whole file unreadable.
 */
export function xmlText(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu,
    (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

/** From the first scenario's start to the last one's end. */
function wallTime(scenarios: readonly ScenarioResult[]): number {
  if (scenarios.length === 0) return 0;
  const starts = scenarios.map((s) => Date.parse(s.startedAt));
  const ends = scenarios.map((s) => Date.parse(s.startedAt) + s.durationMs);
  return Math.max(...ends) - Math.min(...starts);
}

function earliest(scenarios: readonly ScenarioResult[]): string {
  return scenarios.map((s) => s.startedAt).sort()[0] ?? "";
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
