/**
 * `ctrf.json`: the run in the Common Test Report Format (https://ctrf.io), which CI dashboards and pull-request
 * reporters read. One test per scenario; CTRF's statuses are fewer than ours, so the original result is kept
 * in `rawStatus`: `omit` (capability not declared) is "skipped", `error` (the harness broke) is "other", and a
 * scenario that never started because the run was interrupted is "other" with rawStatus "not run".
 */
import type { ResultCode, RunResult, ScenarioResult, ScenarioSummary } from "../harness/run-result.js";

/** The CTRF specification version this file follows. */
export const CTRF_SPEC_VERSION = "0.0.0";

type CtrfStatus = "passed" | "failed" | "skipped" | "pending" | "other";

const STATUS: Readonly<Record<ResultCode, CtrfStatus>> = {
  pass: "passed",
  fail: "failed",
  skip: "skipped",
  omit: "skipped",
  error: "other",
};

function testName(s: ScenarioSummary): string {
  return `${s.id} [${s.level}] ${s.title}`;
}

function scenarioTest(s: ScenarioResult): Record<string, unknown> {
  const start = Date.parse(s.startedAt);
  const failed = s.checks.find((c) => !c.passed && c.notRun !== true);
  const message = failed === undefined ? s.message : `${failed.name}: ${failed.detail}`;
  return {
    name: testName(s),
    status: STATUS[s.result],
    duration: Math.round(s.durationMs),
    ...(Number.isNaN(start) ? {} : { start, stop: start + Math.round(s.durationMs) }),
    suite: [s.pack],
    ...(message === undefined ? {} : { message }),
    rawStatus: s.result,
    type: "conformance",
    tags: [s.pack, s.level],
    extra: {
      id: s.id,
      level: s.level,
      hazard: s.hazard,
      ...(s.specification === undefined ? {} : { specification: s.specification }),
      ...(s.message === undefined ? {} : { reason: s.message }),
      checks: s.checks,
      ...(s.latency === undefined ? {} : { latency: s.latency }),
    },
  };
}

function notRunTest(s: ScenarioSummary): Record<string, unknown> {
  return {
    name: testName(s),
    status: "other",
    duration: 0,
    suite: [s.pack],
    message: "not run: the run was interrupted before it started",
    rawStatus: "not run",
    type: "conformance",
    tags: [s.pack, s.level],
    extra: { id: s.id, level: s.level, hazard: s.hazard },
  };
}

export function ctrfJson(result: RunResult): string {
  const tests = [...result.scenarios.map(scenarioTest), ...result.notRun.map(notRunTest)];
  const count = (status: CtrfStatus) => tests.filter((t) => t.status === status).length;
  const start = Date.parse(result.startedAt);
  const stop = Date.parse(result.finishedAt);
  const report = {
    reportFormat: "CTRF",
    specVersion: CTRF_SPEC_VERSION,
    timestamp: result.finishedAt,
    generatedBy: `${result.tool.name} ${result.tool.version}`,
    results: {
      tool: { name: result.tool.name, version: result.tool.version },
      summary: {
        tests: tests.length,
        passed: count("passed"),
        failed: count("failed"),
        pending: count("pending"),
        skipped: count("skipped"),
        other: count("other"),
        suites: new Set(tests.map((t) => (t.suite as string[])[0])).size,
        start,
        stop,
        duration: Math.round(result.durationMs),
      },
      tests,
      environment: {
        appName: result.gateway.name,
        ...(result.gateway.version === undefined ? {} : { appVersion: result.gateway.version }),
        osPlatform: result.machine.platform,
        osRelease: result.machine.release,
        healthy: result.complete && result.verdict === "pass",
        extra: { gatewayUrl: result.gateway.url, profile: result.gateway.profile, node: result.machine.node },
      },
      extra: {
        verdict: result.complete ? result.verdict : "incomplete",
        verdictReason: result.verdictReason,
        complete: result.complete,
        seed: result.region.seed,
        referenceDate: result.region.referenceDate,
        catalogue: result.catalogue,
        selection: result.selection,
        totals: result.totals,
      },
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
