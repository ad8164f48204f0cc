/**
 * A region that serves run after run, as "Testing your own gateway" sets one up: `gp-harness simulate` started
 * once and left running, the reference gateway started once, and the whole catalogue run against them a
 * hundred times and more. Every run must pass with no harness error, and the region must end as it began:
 * as many practices, as many listening ports, and no more memory than the worlds under way need.
 *
 * The region runs in a child process, as a user runs it; it answers, over an IPC channel the test opens, with
 * its heap after a full collection and the kinds of its open handles (Node's getActiveResourcesInfo), so what
 * it holds is measured, not guessed from the resident set.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import type { RunResult } from "../harness/run-result.js";
import { runConformance } from "../harness/runner.js";
import type { Scenario } from "../harness/scenario.js";
import { loadCatalogue } from "../scenarios/index.js";
import { ControlClient, type RegionInfo } from "../simulators/index.js";
import { defaultManifestWithAudit, REFERENCE_ALLOWED_ROLES } from "./support/audit-manifest.js";
import { CLI_PATH } from "./support/cli.js";

const RUNS = 110;
/** Memory and handles are compared between the end of this run and the end of the last. */
const BASELINE_RUN = 20;
/**
 * Heap the region may gain over the 90 runs (900 worlds) after the baseline. Before worlds were removed each
 * one kept about 200 KB (a fastify app, a listener, a practice and its patient): 180 MB over those runs. A
 * region that releases them still gains what levels off: optimised code, and bounded caches filling (the
 * formatted dates, at most 146,097 of them); about 3.5 MB over these runs, 6 MB over 500. 16 MB is four
 * times what is seen, and under a tenth of the leak.
 */
const HEAP_GROWTH_LIMIT_BYTES = 16 * 1024 * 1024;

/** What the region process answers when asked: its heap after a full collection, and its open handles. */
interface RegionUsage {
  readonly heapUsed: number;
  readonly resources: readonly string[];
}

/** Installed in the region process: answers "usage" on the IPC channel. */
const USAGE_PROBE = `process.on("message", (message) => {
  if (message !== "usage") return;
  globalThis.gc();
  globalThis.gc();
  process.send({ heapUsed: process.memoryUsage().heapUsed, resources: process.getActiveResourcesInfo() });
});`;

interface RegionProcess {
  readonly info: RegionInfo;
  usage(): Promise<RegionUsage>;
  stop(): Promise<void>;
}

/** `gp-harness simulate --port 0 --json` in a child process, with the usage probe; resolves on its JSON line. */
function startRegionProcess(): Promise<RegionProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      `data:text/javascript,${encodeURIComponent(USAGE_PROBE)}`,
      CLI_PATH,
      "simulate",
      "--port",
      "0",
      "--json",
    ],
    { stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  let output = "";
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const usage = () =>
    new Promise<RegionUsage>((resolve) => {
      child.once("message", (message) => resolve(message as RegionUsage));
      child.send("usage");
    });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.disconnect();
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`gp-harness simulate exited ${code}: ${output}`)));
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const newline = output.indexOf("\n");
      if (newline >= 0) resolve({ info: JSON.parse(output.slice(0, newline)) as RegionInfo, usage, stop });
    });
  });
}

/**
 * One harness run of the scenarios against a running gateway and an attached region, as
 * `gp-harness run --gateway URL --region CONTROL_URL --concurrency 10` does. The one place this test calls the
 * runner. With the reference gateway nothing is ever sent south that should not be, so a short settle time
 * changes no verdict.
 */
function runAgainst(
  scenarios: readonly Scenario[],
  gatewayUrl: string,
  controlUrl: string,
): Promise<RunResult> {
  return runConformance({
    gateway: defaultManifestWithAudit(gatewayUrl),
    region: controlUrl,
    port: 0,
    seed: 1,
    scenarios,
    concurrency: 10,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 50,
  });
}

/** The listening servers among a process's handles: the region's control, PDS, SDS and practice ports. */
const listening = (usage: RegionUsage) => usage.resources.filter((r) => r === "TCPServerWrap").length;

/** What went wrong in a run, for the failure message. */
const problems = (result: RunResult) =>
  result.scenarios
    .filter((s) => s.result !== "pass")
    .map((s) => `${s.id} ${s.result}: ${s.message ?? ""}`)
    .join("\n");

describe("a region left running", () => {
  let region: RegionProcess;
  let gateway: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    region = await startRegionProcess();
    gateway = await startGateway(
      readGatewayConfig({
        PDS_URL: region.info.pds,
        SDS_URL: region.info.sds,
        PORT: "0",
        HOST: "127.0.0.1",
        ALLOWED_ROLES: REFERENCE_ALLOWED_ROLES.join(","),
      }),
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await region?.stop();
  });

  it(`passes ${RUNS} consecutive runs of the catalogue and ends holding what it started with`, async () => {
    // A run lasts as long as its slowest scenario: those that wait on a slow or hung practice on purpose are
    // about time, not about what the region keeps, and would make the hundred runs take many minutes; so would
    // the performance pack's loads (the practices a load makes are released as a world's are:
    // test/load-overhead.test.ts).
    const scenarios = (await loadCatalogue()).filter(
      (scenario) =>
        scenario.pack !== "performance" &&
        !["hang", "slow"].includes(scenario.world.practice?.fault?.kind ?? ""),
    );
    const control = new ControlClient(region.info.control);
    const practicesAtStart = (await control.region()).practices.length;
    const atStart = await region.usage();
    let baseline: RegionUsage | undefined;

    for (let run = 1; run <= RUNS; run++) {
      const result = await runAgainst(scenarios, gateway.url, region.info.control);
      expect(result.verdict, `run ${run}:\n${problems(result)}`).toBe("pass");
      expect(result.totals.error, `run ${run}:\n${problems(result)}`).toBe(0);
      expect(result.totals.pass, `run ${run}`).toBe(scenarios.length);
      if (run === BASELINE_RUN) {
        // The journal keeps the last 10,000 requests: empty it, so both measurements count the region alone.
        await control.clearJournal();
        baseline = await region.usage();
      }
    }

    expect((await control.region()).practices.length).toBe(practicesAtStart);
    await control.clearJournal();
    const atEnd = await region.usage();
    // Every port a world opened is closed: control, PDS, SDS and the practices it started with, no more.
    expect(listening(atEnd)).toBe(3 + practicesAtStart);
    expect(listening(atEnd)).toBe(listening(atStart));
    const growth = atEnd.heapUsed - (baseline?.heapUsed ?? Number.NaN);
    expect(
      growth,
      `heap ${((baseline?.heapUsed ?? 0) / 1e6).toFixed(1)} MB after run ${BASELINE_RUN}, ${(atEnd.heapUsed / 1e6).toFixed(1)} MB after run ${RUNS}`,
    ).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
  }, 300_000);
});
