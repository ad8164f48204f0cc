/**
 * Structured-record serving against its peers, in one run, under the same load: the same request (the
 * fullest structured-record request for one typical patient) from autocannon in its own process, the same
 * connections, pipelining and duration, to
 *   gp-harness    one practice's GP Connect provider: checks headers and JWT, parses the Parameters, finds the
 *                 patient, builds the Bundle and serialises it on every request, and journals it;
 *   bare fastify  the same bytes, pre-serialised: the ceiling for a fastify app answering this record;
 *   WireMock      the same bytes as a canned stub: what a team gets from a generic HTTP mock.
 * Every peer is checked to answer byte-identical bodies, warmed up (WireMock for longer, for the JIT), then
 * measured in rounds that rotate the order, so background load on the machine falls on every peer alike.
 *
 *   node --import tsx bench/serving.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Population, Practice } from "../simulators/index.js";
import { flavourOf, HARNESS_CONSUMER, structuredRecordBundle, todayUtc } from "../simulators/index.js";
import { gpConnectHeaders } from "../test/support/gpconnect-request.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule, profilingFlags, type ServerProcess, startServerProcess } from "./fresh-process.js";
import { fullRecordRequest } from "./full-record-request.js";
import { type LoadRequest, type LoadResult, type LoadSettings, runLoad } from "./load.js";
import { machineLine } from "./machine.js";
import { largestListSize } from "./region-startup.js";
import { perCpuSecond, serialiseAlone } from "./serialiser-floor.js";
import {
  type PeerReady,
  practiceEndpointPath,
  SERVING_PRACTICES,
  servingPopulation,
} from "./serving-peers.js";
import { startWireMock } from "./wiremock.js";

const LOAD: LoadSettings = { connections: 10, pipelining: 1, durationSeconds: 10 };
const ROUNDS = 2;
const NODE_WARM_UP_SECONDS = 3;
/** HotSpot compiles hot paths after thousands of calls; WireMock deserves its C2-compiled best. */
const WIREMOCK_WARM_UP_SECONDS = 15;
/** Patients of the practice considered when picking a typical (median-sized) record. */
const CANDIDATE_PATIENTS = 201;

const TARGET_VS_BARE_FASTIFY = 0.5;
const TARGET_VS_WIREMOCK = 1.5;

type PeerName = "gp-harness" | "gp-harness, no cache" | "bare fastify" | "WireMock";

interface Peer {
  readonly name: PeerName;
  readonly url: string;
  readonly pid: number;
  readonly warmUpSeconds: number;
  stop(): Promise<void>;
}

interface Measurement extends LoadResult {
  /** CPU the server process used during the measurement, in cores (1 = one core flat out). */
  readonly serverCores: number;
}

const OPERATION = "Patient/$gpc.getstructuredrecord";

/** The practice's patients ordered by how close their full record's size is to the median. */
function typicalPatients(population: Population, practice: Practice): string[] {
  const sized: { nhsNumber: string; bytes: number }[] = [];
  for (let index = 0; index < Math.min(CANDIDATE_PATIENTS, practice.listSize); index++) {
    const patient = population.patient(practice.ods, index);
    const { query } = fullRecordRequest(patient.nhsNumber, population.referenceDate);
    const bundle = structuredRecordBundle({
      seed: population.seed,
      practice,
      patient,
      query,
      flavour: flavourOf(practice.system),
      asOf: population.referenceDate,
    });
    sized.push({ nhsNumber: patient.nhsNumber, bytes: JSON.stringify(bundle).length });
  }
  const median = [...sized].sort((a, b) => a.bytes - b.bytes)[Math.floor(sized.length / 2)]?.bytes ?? 0;
  return sized
    .sort((a, b) => Math.abs(a.bytes - median) - Math.abs(b.bytes - median))
    .map((entry) => entry.nhsNumber);
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

async function post(request: LoadRequest): Promise<Answer> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: Buffer.from(await response.arrayBuffer()),
  };
}

const CLOCK_TICKS_PER_SECOND = (() => {
  const probe = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const ticks = Number(probe.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
})();

/** User + system CPU seconds of a process and all its threads so far (Linux /proc), or NaN elsewhere. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

async function measure(peer: Peer, request: () => LoadRequest): Promise<Measurement> {
  const cpuBefore = cpuSeconds(peer.pid);
  const wallBefore = performance.now();
  const result = await runLoad({ ...request(), url: peer.url }, LOAD);
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  const serverCores = (cpuSeconds(peer.pid) - cpuBefore) / wallSeconds;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${peer.name} answered ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts: figures void`,
    );
  }
  return { ...result, serverCores };
}

async function startNodePeer(name: PeerName, args: readonly string[], endpointPath: string): Promise<Peer> {
  const server: ServerProcess<PeerReady> = await startServerProcess(
    "./serving-peers.ts",
    args,
    profilingFlags(),
  );
  return {
    name,
    url: `http://127.0.0.1:${server.ready.port}${endpointPath}/${OPERATION}`,
    pid: server.pid,
    warmUpSeconds: NODE_WARM_UP_SECONDS,
    stop: server.stop,
  };
}

function describe(result: Measurement): string {
  return (
    `${formatNumber(result.requestsPerSecond).padStart(7)} req/s  ` +
    `p50 ${formatNumber(result.latencyMs.p50)} ms  p99 ${formatNumber(result.latencyMs.p99)} ms  ` +
    `max ${formatNumber(result.latencyMs.max)} ms  ` +
    `${formatNumber(result.bytesPerSecond / 1024 / 1024)} MB/s  server CPU ${formatNumber(result.serverCores)} cores ` +
    `(${formatNumber(result.requestsPerSecond / result.serverCores)} req per CPU-s)`
  );
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The request the peers are measured with: a fresh JWT each time (GP Connect tokens expire after five minutes). */
interface ChosenRecord {
  readonly request: () => LoadRequest;
  readonly answer: Answer;
  readonly areas: readonly string[];
}

/** One patient with a median-sized record whom the practice serves (not dissenting, not deceased...). */
async function chooseRecord(
  population: Population,
  practice: Practice,
  gpHarness: Peer,
  endpointPath: string,
): Promise<ChosenRecord> {
  for (const nhsNumber of typicalPatients(population, practice)) {
    const full = fullRecordRequest(nhsNumber, population.referenceDate);
    const request = (): LoadRequest => ({
      url: gpHarness.url,
      method: "POST",
      headers: gpConnectHeaders({
        fromAsid: HARNESS_CONSUMER.asid,
        toAsid: practice.asid,
        audience: new URL(endpointPath, gpHarness.url).href,
      }),
      body: JSON.stringify(full.body),
    });
    const answer = await post(request());
    if (answer.status === 200) return { request, answer, areas: full.areas };
  }
  throw new Error(`practice ${practice.ods} served none of the candidate patients`);
}

/** The peers that answer the chosen record's bytes without generating them: bare fastify and WireMock. */
async function startCannedPeers(answer: Answer, endpointPath: string, scratch: string): Promise<Peer[]> {
  const bodyFile = path.join(scratch, "structured-record.json");
  writeFileSync(bodyFile, answer.body);
  const bare = await startNodePeer(
    "bare fastify",
    ["bare-fastify", bodyFile, answer.contentType, `${endpointPath}/${OPERATION}`],
    endpointPath,
  );
  const wireMock = await startWireMock({
    method: "POST",
    path: `${endpointPath}/${OPERATION}`,
    contentType: answer.contentType,
    body: answer.body,
  }).catch(async (error: unknown) => {
    await bare.stop();
    throw error;
  });
  return [
    bare,
    {
      name: "WireMock",
      url: `${wireMock.origin}${endpointPath}/${OPERATION}`,
      pid: wireMock.pid,
      warmUpSeconds: WIREMOCK_WARM_UP_SECONDS,
      stop: wireMock.stop,
    },
  ];
}

/** Every peer must answer the very bytes gp-harness answered, or the comparison means nothing. */
async function checkSameBytes(peers: readonly Peer[], chosen: ChosenRecord): Promise<void> {
  for (const peer of peers) {
    const check = await post({ ...chosen.request(), url: peer.url });
    if (check.status !== 200 || !check.body.equals(chosen.answer.body)) {
      throw new Error(
        `${peer.name} did not answer the same ${chosen.answer.body.length} bytes (status ${check.status})`,
      );
    }
  }
}

/** Warm-up, then rounds that rotate the peers' order, so background load falls on every peer alike. */
async function measureRounds(
  peers: readonly Peer[],
  request: () => LoadRequest,
): Promise<Map<PeerName, Measurement[]>> {
  for (const peer of peers)
    await runLoad({ ...request(), url: peer.url }, { ...LOAD, durationSeconds: peer.warmUpSeconds });
  const results = new Map<PeerName, Measurement[]>(peers.map((peer) => [peer.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = peers.map((_, i) => peers[(i + round) % peers.length] as Peer);
    for (const peer of order) {
      const result = await measure(peer, request);
      results.get(peer.name)?.push(result);
      console.log(`round ${round + 1}  ${peer.name.padEnd(20)} ${describe(result)}`);
    }
  }
  return results;
}

function servingFigures(results: ReadonlyMap<PeerName, Measurement[]>, floor: number): Figure[] {
  const summary = (name: PeerName) => {
    const rounds = results.get(name) ?? [];
    return {
      requestsPerSecond: mean(rounds.map((r) => r.requestsPerSecond)),
      p99: mean(rounds.map((r) => r.latencyMs.p99)),
      perCpuSecond: mean(rounds.map((r) => r.requestsPerSecond / r.serverCores)),
    };
  };
  const harness = summary("gp-harness");
  const bare = summary("bare fastify");
  const mock = summary("WireMock");
  const uncached = summary("gp-harness, no cache");
  const ratio = (measure: string, value: number, target?: number): Figure => ({
    benchmark: "serving",
    measure,
    value,
    unit: "×",
    ...(target === undefined ? {} : { target: { comparison: "≥", value: target } }),
  });
  return [
    ...(["gp-harness", "gp-harness, no cache", "bare fastify", "WireMock"] as const).flatMap(
      (name): Figure[] => [
        {
          benchmark: "serving",
          measure: `${name}: requests/s`,
          value: summary(name).requestsPerSecond,
          unit: "req/s",
        },
        { benchmark: "serving", measure: `${name}: p99 latency`, value: summary(name).p99, unit: "ms" },
      ],
    ),
    ratio(
      "gp-harness / bare fastify (requests/s)",
      harness.requestsPerSecond / bare.requestsPerSecond,
      TARGET_VS_BARE_FASTIFY,
    ),
    ratio(
      "gp-harness / WireMock (requests/s)",
      harness.requestsPerSecond / mock.requestsPerSecond,
      TARGET_VS_WIREMOCK,
    ),
    ratio(
      "gp-harness without its cache / WireMock (requests/s)",
      uncached.requestsPerSecond / mock.requestsPerSecond,
    ),
    ratio(
      "gp-harness / bare fastify (requests per server CPU-second)",
      harness.perCpuSecond / bare.perCpuSecond,
    ),
    ratio("gp-harness / WireMock (requests per server CPU-second)", harness.perCpuSecond / mock.perCpuSecond),
    {
      benchmark: "serving",
      measure: "the floor: JSON.stringify alone of this record, one core",
      value: floor,
      unit: "records/CPU-s",
    },
    ratio(
      "uncached target (1.5 × WireMock's requests/s) / the floor",
      (TARGET_VS_WIREMOCK * mock.requestsPerSecond) / floor,
    ),
  ];
}

export async function run(): Promise<Figure[]> {
  console.log("\n## Structured-record serving — gp-harness against bare fastify and WireMock");
  console.log(machineLine());
  const referenceDate = todayUtc();
  const patientsPerPractice = largestListSize(SERVING_PRACTICES);
  const { population, practice } = servingPopulation(referenceDate, patientsPerPractice);
  const endpointPath = practiceEndpointPath(practice.ods);
  const peers: Peer[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), "gp-harness-serving-"));
  try {
    const harnessArgs = [referenceDate, String(patientsPerPractice)];
    const gpHarness = await startNodePeer("gp-harness", ["gp-harness", ...harnessArgs], endpointPath);
    peers.push(gpHarness);
    const chosen = await chooseRecord(population, practice, gpHarness, endpointPath);
    peers.push(
      await startNodePeer("gp-harness, no cache", ["gp-harness-uncached", ...harnessArgs], endpointPath),
    );
    peers.push(...(await startCannedPeers(chosen.answer, endpointPath, scratch)));
    await checkSameBytes(peers, chosen);
    console.log(
      `record: ${formatNumber(chosen.answer.body.length)} bytes (${chosen.answer.contentType}), ${chosen.areas.join(", ")}; ` +
        `practice ${practice.ods} (${practice.system}); byte-identical from all four peers`,
    );
    console.log(
      `load: autocannon in its own process, ${LOAD.connections} connections, pipelining ${LOAD.pipelining}, ` +
        `${LOAD.durationSeconds} s per peer per round, ${ROUNDS} rounds (order rotated); ` +
        `warm-up ${NODE_WARM_UP_SECONDS} s (node peers), ${WIREMOCK_WARM_UP_SECONDS} s (WireMock); ` +
        `latency resolution 1 ms; table figures are means of the rounds`,
    );
    // The floor under serving a record never asked for before: the served record, parsed back from its bytes.
    const floor = perCpuSecond(serialiseAlone([JSON.parse(chosen.answer.body.toString("utf8"))], 500, 2000));
    console.log(
      `the serialiser alone (JSON.stringify of this record, already built): ${formatNumber(floor)} per CPU-second`,
    );
    const figures = servingFigures(await measureRounds(peers, chosen.request), floor);
    console.log(`\n${figureTable(figures)}`);
    return figures;
  } finally {
    await Promise.allSettled(peers.map((peer) => peer.stop()));
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isMainModule(import.meta.url)) await run();
