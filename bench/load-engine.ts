/**
 * The load engine on one core: the highest arrival rate it sustains with its scheduling lag p99 under 1 ms
 * (every arrival sent, none dropped), its own CPU cost per request, and its memory over a long run; beside it,
 * autocannon's closed-model throughput against the same target in the same run. The target is a bare node
 * HTTP server in its own process answering a small JSON body; the engine runs in a child pinned to one core
 * (taskset), sending with undici, so its figures include the HTTP client's cost.
 *
 *   node --import tsx bench/load-engine.ts                 (memory over 60 s)
 *   node --import tsx bench/load-engine.ts --minutes 10    (memory over the full 10 minutes)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { runOpenModel } from "../harness/load/open-model.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule, reportToParent, runInFreshProcess, startServerProcess } from "./fresh-process.js";
import { runLoad } from "./load.js";
import { machineLine } from "./machine.js";

const RATES = [250, 500, 1000, 2000, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000];
const STEP_SECONDS = 3;

interface Step {
  readonly rate: number;
  readonly sent: number;
  readonly dropped: number;
  readonly late: number;
  readonly lagP99Ms: number;
  readonly latencyP99Ms: number;
  readonly cpuMicrosPerRequest: number;
}

interface EngineReport {
  readonly steps: readonly Step[];
  readonly memory: ReadonlyArray<{
    readonly second: number;
    readonly rssMb: number;
    readonly heapMb: number;
  }>;
  readonly memorySeconds: number;
  /** CPU per request with the scheduler on timers only (no polling between arrivals), at 2,000/s. */
  readonly cpuMicrosPerRequestTimersOnly: number;
}

async function engine(port: number, memorySeconds: number): Promise<EngineReport> {
  const agent = new Agent({ connections: 1024 });
  const url = `http://127.0.0.1:${port}/`;
  const send = async () => {
    const answer = await request(url, { dispatcher: agent });
    await answer.body.dump();
    return { ok: answer.statusCode === 200 };
  };
  const at = (rate: number, seconds: number, spinMs?: number) =>
    runOpenModel({
      profile: { executor: "constant-arrival-rate", rate, duration: `${seconds}s`, maxVUs: 2048 },
      send,
      lateMs: 1,
      ...(spinMs === undefined ? {} : { spinMs }),
    });
  await at(1000, 2);
  const timersOnly = process.cpuUsage();
  const quiet = await at(2000, STEP_SECONDS, 0);
  const quietCpu = process.cpuUsage(timersOnly);
  const cpuMicrosPerRequestTimersOnly = (quietCpu.user + quietCpu.system) / Math.max(1, quiet.counts.sent);
  const steps: Step[] = [];
  for (const rate of RATES) {
    const cpu = process.cpuUsage();
    const result = await at(rate, STEP_SECONDS);
    const used = process.cpuUsage(cpu);
    steps.push({
      rate,
      sent: result.counts.sent,
      dropped: result.counts.dropped,
      late: result.counts.late,
      lagP99Ms: result.schedulingLag.p99,
      latencyP99Ms: result.latency.p99,
      cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, result.counts.sent),
    });
    if (result.schedulingLag.p99 >= 20 || result.counts.dropped > 0) break;
  }
  const memory: { second: number; rssMb: number; heapMb: number }[] = [];
  const sample = (second: number) => {
    globalThis.gc?.();
    const usage = process.memoryUsage();
    memory.push({ second, rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 });
  };
  sample(0);
  const chunk = 10;
  for (let second = chunk; second <= memorySeconds; second += chunk) {
    await at(1000, chunk);
    sample(second);
  }
  await agent.close();
  return { steps, memory, memorySeconds, cpuMicrosPerRequestTimersOnly };
}

function target(): void {
  const body = JSON.stringify({ resourceType: "OperationOutcome", issue: [] });
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => reportToParent({ port: (server.address() as AddressInfo).port }));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

export async function run(): Promise<Figure[]> {
  const minutes = Number(process.argv[process.argv.indexOf("--minutes") + 1]);
  const memorySeconds = process.argv.includes("--minutes") && minutes > 0 ? minutes * 60 : 60;
  const server = await startServerProcess<{ port: number }>("./load-engine.ts", ["--target"]);
  try {
    const report = await runInFreshProcess<EngineReport>("./load-engine.ts", {
      args: ["--engine", String(server.ready.port), String(memorySeconds)],
      pinToOneCore: true,
      exposeGc: true,
    });
    const peer = await runLoad(
      { url: `http://127.0.0.1:${server.ready.port}/`, method: "POST", headers: {}, body: "" },
      { connections: 10, pipelining: 1, durationSeconds: 5 },
    );
    return figuresOf(report, peer.requestsPerSecond, peer.latencyMs.p99);
  } finally {
    await server.stop();
  }
}

function figuresOf(report: EngineReport, autocannonRps: number, autocannonP99: number): Figure[] {
  console.log("\n## Load engine (open model, one core)");
  console.log("rate/s   sent   dropped  late>1ms  lag p99 ms  latency p99 ms  CPU-µs/request");
  for (const s of report.steps)
    console.log(
      `${String(s.rate).padStart(6)} ${String(s.sent).padStart(6)} ${String(s.dropped).padStart(9)} ` +
        `${String(s.late).padStart(9)} ${formatNumber(s.lagP99Ms).padStart(11)} ` +
        `${formatNumber(s.latencyP99Ms).padStart(15)} ${formatNumber(s.cpuMicrosPerRequest).padStart(15)}`,
    );
  const sustained = report.steps.filter((s) => s.lagP99Ms < 1 && s.dropped === 0);
  const best = sustained.at(-1);
  const onTime = report.steps.filter((s) => s.lagP99Ms < 10 && s.dropped === 0).at(-1);
  const first = report.memory[0]!;
  const last = report.memory.at(-1)!;
  console.log(
    `memory at 1,000/s over ${report.memorySeconds} s (after GC): ` +
      report.memory
        .map((m) => `${m.second}s ${formatNumber(m.rssMb)}/${formatNumber(m.heapMb)} MB`)
        .join(", "),
  );
  const figures: Figure[] = [
    {
      benchmark: "load engine",
      measure: "highest arrival rate with scheduling lag p99 < 1 ms, one core",
      value: best?.rate ?? 0,
      unit: "req/s",
      target: { comparison: "≥", value: 1000 },
    },
    {
      benchmark: "load engine",
      measure: "highest arrival rate with scheduling lag p99 < 10 ms, one core",
      value: onTime?.rate ?? 0,
      unit: "req/s",
    },
    {
      benchmark: "load engine",
      measure: "engine CPU per request, timers only, 2,000/s (undici included)",
      value: report.cpuMicrosPerRequestTimersOnly,
      unit: "CPU-µs",
    },
    {
      benchmark: "load engine",
      measure: "engine CPU per request at the p99 < 10 ms rate, polling between arrivals",
      value: onTime?.cpuMicrosPerRequest ?? 0,
      unit: "CPU-µs",
    },
    {
      benchmark: "load engine",
      measure: "autocannon, 10 connections, same target (closed model)",
      value: autocannonRps,
      unit: `req/s (p99 ${formatNumber(autocannonP99)} ms)`,
    },
    {
      benchmark: "load engine",
      measure: `heap growth over ${report.memorySeconds} s at 1,000/s (after GC)`,
      value: last.heapMb - first.heapMb,
      unit: "MB",
      target: { comparison: "<", value: 20 },
    },
    {
      benchmark: "load engine",
      measure: `resident memory after ${report.memorySeconds} s at 1,000/s`,
      value: last.rssMb,
      unit: "MB",
    },
  ];
  console.log(machineLine());
  console.log(figureTable(figures));
  return figures;
}

if (isMainModule(import.meta.url)) {
  if (process.argv.includes("--target")) target();
  else if (process.argv.includes("--engine")) {
    const i = process.argv.indexOf("--engine");
    reportToParent(await engine(Number(process.argv[i + 1]), Number(process.argv[i + 2])));
  } else await run();
}
