/**
 * Region start-up: a Nottinghamshire-sized region (146 practices, the largest list each that the 999 range
 * of synthetic NHS numbers allows) started in a fresh process. Prints time to ready (every listener bound)
 * and resident memory once ready, after a full GC; and the same for `createPopulation` alone.
 *
 *   node --import tsx bench/region-startup.ts
 */
import { syntheticNhsNumberCount } from "../simulators/index.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule, profilingFlags, reportToParent, runInFreshProcess } from "./fresh-process.js";
import { machineLine } from "./machine.js";

const PRACTICES = 146;
/** Numbers left free for patients that scenarios add at run time (they take serials from the top). */
const RESERVED_FOR_ADDED_PATIENTS = 10_000;
const RUNS = 5;
const SEED = 1;
const MB = 1024 * 1024;

const TARGET_READY_MS = 1000;
const TARGET_RSS_MB = 200;

/** The largest list every practice can have while leaving room for added patients. */
export function largestListSize(practices: number): number {
  return Math.floor((syntheticNhsNumberCount() - RESERVED_FOR_ADDED_PATIENTS) / practices);
}

interface RegionRun {
  readonly moduleLoadMs: number;
  readonly readyMs: number;
  /** CPU time the process spent starting the region (less than readyMs when the machine is busy elsewhere). */
  readonly readyCpuMs: number;
  readonly listeners: number;
  readonly rssBeforeMb: number;
  readonly rssReadyMb: number;
  readonly heapUsedMb: number;
  readonly practicesAnswering: number;
}

interface PopulationRun {
  readonly createMs: number;
  readonly firstPatientMs: number;
  readonly lookupByNhsNumberMs: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
}

const rssMb = () => process.memoryUsage().rss / MB;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("start the child with --expose-gc");
  gc();
  gc();
}

async function measureRegion(listSize: number): Promise<RegionRun> {
  const loadStart = performance.now();
  const { startRegion } = await import("../simulators/index.js");
  const moduleLoadMs = performance.now() - loadStart;
  collectGarbage();
  const rssBeforeMb = rssMb();

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const region = await startRegion({ seed: SEED, practices: PRACTICES, patientsPerPractice: listSize });
  const readyMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);

  collectGarbage();
  const rssReadyMb = rssMb();
  const heapUsedMb = process.memoryUsage().heapUsed / MB;
  const info = region.info();
  // Ready means answering: ask every practice for its CapabilityStatement (after the memory reading).
  let practicesAnswering = 0;
  for (const practice of info.practices) {
    const response = await fetch(`${practice.endpoint}/metadata`);
    await response.arrayBuffer();
    if (response.status === 200) practicesAnswering++;
  }
  await region.close();
  return {
    moduleLoadMs,
    readyMs,
    readyCpuMs: (cpu.user + cpu.system) / 1000,
    listeners: info.practices.length + 3,
    rssBeforeMb,
    rssReadyMb,
    heapUsedMb,
    practicesAnswering,
  };
}

async function measurePopulation(listSize: number): Promise<PopulationRun> {
  const { createPopulation } = await import("../simulators/index.js");
  collectGarbage();
  const rssBeforeMb = rssMb();
  let start = performance.now();
  const population = createPopulation({ seed: SEED, practices: PRACTICES, patientsPerPractice: listSize });
  const createMs = performance.now() - start;

  const last = population.practices().at(-1);
  if (last === undefined) throw new Error("the population has no practices");
  start = performance.now();
  const patient = population.patient(last.ods, last.listSize - 1);
  const firstPatientMs = performance.now() - start;
  start = performance.now();
  const found = population.findByNhsNumber(patient.nhsNumber);
  const lookupByNhsNumberMs = performance.now() - start;
  if (found?.nhsNumber !== patient.nhsNumber) throw new Error("findByNhsNumber lost the patient");

  collectGarbage();
  return { createMs, firstPatientMs, lookupByNhsNumberMs, rssBeforeMb, rssAfterMb: rssMb() };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${formatNumber(value)} ms`;
const mb = (value: number) => `${formatNumber(value)} MB`;

export async function run(): Promise<Figure[]> {
  const listSize = largestListSize(PRACTICES);
  console.log(`\n## Region start-up — ${PRACTICES} practices × ${formatNumber(listSize)} patients`);
  console.log(machineLine());
  console.log(
    `${formatNumber(PRACTICES * listSize)} patients; each run in a fresh process (node --expose-gc --import tsx)`,
  );

  const population: PopulationRun[] = [];
  const regions: RegionRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    population.push(
      await runInFreshProcess<PopulationRun>("./region-startup.ts", {
        args: ["--child", "population", String(listSize)],
        exposeGc: true,
      }),
    );
    regions.push(
      await runInFreshProcess<RegionRun>("./region-startup.ts", {
        args: ["--child", "region", String(listSize)],
        exposeGc: true,
        nodeFlags: profilingFlags(),
      }),
    );
  }

  for (const [i, p] of population.entries()) {
    console.log(
      `createPopulation run ${i + 1}: ${ms(p.createMs)}; first patient generated in ${ms(p.firstPatientMs)}; lookup by NHS number ${ms(p.lookupByNhsNumberMs)}; ` +
        `RSS ${mb(p.rssBeforeMb)} → ${mb(p.rssAfterMb)}`,
    );
  }
  for (const [i, r] of regions.entries()) {
    console.log(
      `startRegion run ${i + 1}: ready in ${ms(r.readyMs)} (${ms(r.readyCpuMs)} of CPU; ${r.listeners} listeners, ` +
        `${r.practicesAnswering}/${PRACTICES} practices answering /metadata); ` +
        `RSS ${mb(r.rssBeforeMb)} after imports → ${mb(r.rssReadyMb)} ready (heap ${mb(r.heapUsedMb)}); ` +
        `module load via tsx ${ms(r.moduleLoadMs)}`,
    );
  }
  const unanswered = regions.find((r) => r.practicesAnswering !== PRACTICES);
  if (unanswered !== undefined) throw new Error("a started region had practices that did not answer");

  const figures: Figure[] = [
    {
      benchmark: "region start-up",
      measure: "createPopulation alone (median)",
      value: median(population.map((p) => p.createMs)),
      unit: "ms",
    },
    {
      benchmark: "region start-up",
      measure: `startRegion ${PRACTICES}×${listSize}: time to ready (median)`,
      value: median(regions.map((r) => r.readyMs)),
      unit: "ms",
      target: { comparison: "<", value: TARGET_READY_MS },
    },
    {
      benchmark: "region start-up",
      measure: "resident memory when ready (max, after GC)",
      value: Math.max(...regions.map((r) => r.rssReadyMb)),
      unit: "MB",
      target: { comparison: "<", value: TARGET_RSS_MB },
    },
  ];
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

async function child(kind: string, listSize: number): Promise<void> {
  if (kind === "region") reportToParent(await measureRegion(listSize));
  else if (kind === "population") reportToParent(await measurePopulation(listSize));
  else throw new Error(`unknown child kind ${kind}`);
}

if (isMainModule(import.meta.url)) {
  const [flag, kind, listSize] = process.argv.slice(2);
  if (flag === "--child" && kind !== undefined) await child(kind, Number(listSize));
  else await run();
}
