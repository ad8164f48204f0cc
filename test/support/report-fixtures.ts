/**
 * Run results for the report writers' tests: a real run of the catalogue against the reference gateway
 * (in-process, on loopback), and hand-made scenarios a real gateway could produce at its worst — hostile text
 * in every place the gateway's words reach a report, and very large records.
 */
import { startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import { defaultManifest } from "../../harness/manifest/load.js";
import {
  type LatencyPercentiles,
  type LoadFigures,
  type RunResult,
  type ScenarioResult,
  type ScenarioSummary,
  totalsOf,
  verdictOf,
} from "../../harness/run-result.js";
import { runConformance } from "../../harness/runner.js";
import { loadCatalogue } from "../../scenarios/index.js";
import { startRegion } from "../../simulators/index.js";

/** Markup a hostile or broken gateway might answer with: it must show as text and load nothing. */
export const HOSTILE =
  '</script><script>alert(1)</script><img src="http://198.51.100.7/pixel.png" onerror="alert(2)">' +
  '<link rel="stylesheet" href="http://198.51.100.7/x.css"><iframe src="http://198.51.100.7/"></iframe>' +
  "<style>body{background:url(http://198.51.100.7/bg.png)}</style>\"'><svg onload=alert(3)>";

/** The whole catalogue, run against the reference gateway in a region of its own. */
export async function realRun(seed = 5): Promise<RunResult> {
  const region = await startRegion({ seed, port: 0 });
  const info = region.info();
  const gateway = await startGateway(
    readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
  );
  try {
    const catalogue = await loadCatalogue();
    return await runConformance({
      gateway: defaultManifest(gateway.url),
      region: info.control,
      port: 0,
      seed,
      scenarios: catalogue,
      catalogue,
      concurrency: 4,
      requestTimeoutMs: 10_000,
      scenarioTimeoutMs: 30_000,
      settleMs: 100,
    });
  } finally {
    await gateway.close();
    await region.close();
  }
}

/** A FHIR Bundle of about `bytes` bytes (compact JSON): a very large record. */
export function largeBundle(bytes: number): Record<string, unknown> {
  const entry = (i: number) => ({
    resource: {
      resourceType: "Observation",
      id: `obs-${i}`,
      status: "final",
      code: {
        coding: [{ system: "http://snomed.info/sct", code: "271649006", display: "Systolic blood pressure" }],
      },
      valueQuantity: { value: 120 + (i % 40), unit: "mmHg" },
      effectiveDateTime: "2024-05-01T09:00:00Z",
    },
  });
  const one = JSON.stringify(entry(0)).length + 1;
  const count = Math.max(1, Math.ceil(bytes / one));
  return {
    resourceType: "Bundle",
    type: "collection",
    entry: Array.from({ length: count }, (_, i) => entry(i)),
  };
}

/** A failed scenario whose every gateway-derived text is hostile, with a response body of about `bytes`. */
export function hostileScenario(id: string, bytes: number): ScenarioResult {
  const bundle = { ...largeBundle(bytes), note: HOSTILE };
  return {
    id,
    title: "A gateway that answers with markup",
    pack: "security",
    level: "MUST",
    hazard: "A clinician's report viewer runs what a gateway sent.",
    specification: [
      {
        title: "GP Connect: error handling",
        url: "https://developer.nhs.uk/apis/gpconnect/development_fhir_error_handling_guidance.html",
      },
      { title: "not a web address", url: "javascript:alert(4)" },
    ],
    result: "fail",
    message: `HTTP status 200: the gateway answered ${HOSTILE}`,
    checks: [
      { name: "HTTP status 200", passed: true, detail: "the gateway answered 200", precondition: true },
      {
        name: "the answer leaks no stack trace",
        passed: false,
        detail: `found | a pipe, a \`backtick\` and ${HOSTILE}`,
      },
      { name: "the record is valid FHIR STU3", passed: false, detail: "NOT RUN: no schema", notRun: true },
    ],
    startedAt: "2026-11-25T10:00:00.100Z",
    durationMs: 812.4,
    evidence: {
      world: { practice: { ods: "A99999", name: HOSTILE }, patient: { nhsNumber: "9990000018" } },
      north: [
        {
          request: {
            method: "POST",
            url: "http://127.0.0.1:9/Patient/$gpc.getstructuredrecord",
            headers: { "x-consent": "granted" },
            body: { resourceType: "Parameters" },
          },
          response: {
            status: 200,
            headers: { "x-powered-by": HOSTILE, "content-type": "application/fhir+json" },
            body: bundle,
          },
          startedAt: "2026-11-25T10:00:00.200Z",
          elapsedMs: 700.2,
        },
        {
          request: { method: "GET", url: `http://127.0.0.1:9/${encodeURIComponent(HOSTILE)}`, headers: {} },
          response: { status: 500, headers: {}, body: HOSTILE },
          elapsedMs: 3.1,
        },
        {
          request: { method: "GET", url: "http://127.0.0.1:9/metadata", headers: {} },
          error: `ECONNRESET ${HOSTILE}`,
          elapsedMs: 1,
        },
      ],
      south: [
        {
          time: "2026-11-25T10:00:00.300Z",
          target: "practice",
          ods: "A99999",
          method: "POST",
          path: "/A99999/STU3/1/gpconnect/structured/fhir/Patient/$gpc.getstructuredrecord",
          query: { note: HOSTILE },
          status: 200,
          nhsNumber: "9990000018",
          headers: { "ssp-from": HOSTILE },
          body: { resourceType: "Parameters", parameter: [{ name: HOSTILE }] },
          jwtClaims: { iss: HOSTILE, reason_for_request: "directcare" },
          latencyMs: 12.3,
        },
      ],
    },
  };
}

/** A run result around the given scenarios, its verdict and totals computed as the runner does. */
export function runResultOf(
  base: RunResult,
  scenarios: readonly ScenarioResult[],
  notRun: readonly ScenarioSummary[] = [],
): RunResult {
  const complete = notRun.length === 0;
  const { verdict, reason } = verdictOf(scenarios, complete);
  return {
    ...base,
    complete,
    verdict,
    verdictReason: reason,
    totals: totalsOf(scenarios),
    scenarios,
    notRun,
    selection: { ...base.selection, selected: scenarios.length + notRun.length },
    gateway: { ...base.gateway, logs: [`listening ${HOSTILE}`, "ready"] },
  };
}

/**
 * A run of `count` scenarios, copies of the real run's with numbered ids, each carrying a record of about
 * `recordBytes`: the size of a long run against a gateway that returns large records.
 */
export function bigRun(real: RunResult, count: number, recordBytes: number): RunResult {
  const record = largeBundle(recordBytes);
  const scenarios = Array.from({ length: count }, (_, i): ScenarioResult => {
    const from = real.scenarios[i % real.scenarios.length]!;
    const north = from.evidence.north.map((x) =>
      x.response?.status === 200 ? { ...x, response: { ...x.response, body: record } } : x,
    );
    return { ...from, id: `${from.id}-${i + 1}`, evidence: { ...from.evidence, north } };
  });
  return runResultOf(real, [hostileScenario("SECURITY-99", recordBytes), ...scenarios]);
}

/** A passing scenario with a small record exchange, made by hand. */
export function passingScenario(id: string, overrides: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    id,
    title: `Title of ${id}`,
    pack: "core",
    level: "MUST",
    hazard: `The hazard ${id} guards against.`,
    result: "pass",
    checks: [{ name: "HTTP status 200", passed: true, detail: "the gateway answered 200" }],
    startedAt: "2026-11-25T10:00:00.100Z",
    durationMs: 42.5,
    evidence: {
      world: { patient: { nhsNumber: "9990000026" } },
      north: [
        {
          request: {
            method: "POST",
            url: "http://127.0.0.1:9/x",
            headers: { accept: "application/fhir+json" },
          },
          response: { status: 200, headers: {}, body: { resourceType: "Bundle", type: "collection" } },
          elapsedMs: 20.1,
        },
      ],
      south: [],
    },
    ...overrides,
  };
}

/** A run result made by hand (no gateway), around the given scenarios. */
export function handMadeRun(
  scenarios: readonly ScenarioResult[],
  notRun: readonly ScenarioSummary[] = [],
): RunResult {
  const base: RunResult = {
    schemaVersion: 2,
    tool: { name: "gp-harness", version: "0.1.0" },
    complete: true,
    verdict: "pass",
    verdictReason: "",
    seed: 3,
    startedAt: "2026-11-25T10:00:00.000Z",
    finishedAt: "2026-11-25T10:00:02.500Z",
    durationMs: 2500,
    selection: { asked: [], selected: 0, catalogueSize: 14 },
    gateway: {
      name: "Example Gateway",
      version: "2.3.1",
      url: "http://127.0.0.1:9",
      launch: "command",
      profile: "gpconnect-structured",
      capabilities: ["point-of-access-consent"],
      manifest: "/etc/example-gateway.json",
    },
    region: { control: "c", pds: "p", sds: "s", attached: false, seed: 3, referenceDate: "2026-11-25" },
    catalogue: { version: "sha256:0123456789abcdef", size: 14 },
    machine: {
      platform: "linux",
      release: "6.1.0",
      arch: "x64",
      cpus: 2,
      cpuModel: "a test CPU",
      memoryGiB: 24,
      node: "v20.0.0",
    },
    totals: totalsOf([]),
    scenarios: [],
    notRun: [],
  };
  return runResultOf(base, scenarios, notRun);
}

/** Percentiles of a made-up latency distribution around `base` ms. */
function percentilesAround(base: number): LatencyPercentiles {
  return {
    count: 30,
    min: base,
    mean: base * 1.5,
    p50: base * 1.4,
    p90: base * 2,
    p95: base * 3,
    p99: base * 4,
    max: base * 5,
  };
}

/** One load's figures as a performance scenario records them, its latencies around `base` ms. */
export function loadFigures(label: string, base: number): LoadFigures {
  const p = percentilesAround;
  return {
    label,
    profile: { executor: "constant-arrival-rate", ratePerSecond: 10, durationMs: 3000, pool: 20 },
    mix: { emis: 15, tpp: 15, granted: 24, refused: 3, emergency: 3, realisticLatency: true },
    counts: { scheduled: 30, sent: 30, succeeded: 29, failed: 1, dropped: 0, late: 2 },
    errorRate: 1 / 30,
    latency: p(base),
    endToEnd: p(base * 0.95),
    overhead: p(base * 0.075),
    hops: { pds: p(10), sds: p(8), practice: p(150) },
    schedulingLag: p(0.1),
    seconds: [
      { second: 0, sent: 10, failed: 0, dropped: 0, meanMs: 210, maxMs: 400 },
      { second: 1, sent: 10, failed: 1, dropped: 0, meanMs: 250, maxMs: 900 },
      { second: 2, sent: 10, failed: 0, dropped: 0, meanMs: 200, maxMs: 380 },
    ],
    slowest: [
      {
        nhsNumber: "9990000018",
        latencyMs: 900,
        endToEndMs: 880,
        overheadMs: 60,
        status: 200,
        hops: [
          { target: "pds", startMs: 5, ms: 20, status: 200 },
          { target: "sds", startMs: 30, ms: 15, status: 200 },
          { target: "practice", ods: "A81001", startMs: 50, ms: 780, status: 200 },
        ],
      },
    ],
  };
}
