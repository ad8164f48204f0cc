/**
 * Full-record generation on one core: synthetic patients generated from (seed, practice, index) across a
 * region's practices, then rendered as the structured-record Bundle a practice serves for the fullest
 * request it accepts, and serialised: as JSON.stringify's text, and as the bytes a practice answers with
 * (bundleBody, the same JSON as UTF-8). Every patient measured is generated for the first time. Runs in a
 * fresh process pinned to one CPU (taskset), so the GC's helper threads share that core too.
 *
 *   node --import tsx bench/record-generation.ts
 */

import type { Population, Practice } from "../simulators/index.js";
import { bundleBody, createPopulation } from "../simulators/index.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import {
  canPinToOneCore,
  isMainModule,
  profilingFlags,
  reportToParent,
  runInFreshProcess,
} from "./fresh-process.js";
import { fullRecordBundle, fullRecordRequest } from "./full-record-request.js";
import { machineLine } from "./machine.js";
import { largestListSize } from "./region-startup.js";
import { perCpuSecond, serialiseAlone } from "./serialiser-floor.js";

const PRACTICES = 146;
const SEED = 1;
const WARM_UP_MS = 1500;
const MEASURE_MS = 5000;
const TARGET_RECORDS_PER_SECOND = 20_000;
/** Full records, rendered as the Bundle a practice serves and serialised: the target set for them. */
const TARGET_FULL_RECORDS_PER_SECOND = 3_000;

interface Phase {
  readonly records: number;
  readonly elapsedMs: number;
  /** CPU time of the whole process (JS thread and GC threads, all on the one pinned core). */
  readonly cpuMs: number;
  readonly bytes: number;
  readonly entries: number;
}

interface GenerationRun {
  readonly pinned: boolean;
  readonly areas: readonly string[];
  readonly refused: readonly string[];
  readonly generationOnly: Phase;
  /** The Bundle built as objects, not serialised: what building costs before any JSON is made. */
  readonly bundleOnly: Phase;
  readonly withBundle: Phase;
  /** The Bundle as the bytes a practice answers with (bundleBody), rather than JSON.stringify's text. */
  readonly withBody: Phase;
  /**
   * JSON.stringify alone, of full Bundles already built: the floor under any practice that builds a record
   * as objects and hands them to V8's serialiser, whatever it does before.
   */
  readonly stringifyOnly: Phase;
}

/** Bundles built ahead for the serialiser's floor: enough distinct records that none stays in a CPU cache. */
const PREBUILT_BUNDLES = 150;

/**
 * Walks the region's lists index by index, a patient from every practice in turn, from `firstIndex` on
 * (downwards when `step` is -1), until `durationMs` has passed.
 */
function timed(
  population: Population,
  firstIndex: number,
  step: 1 | -1,
  durationMs: number,
  work: (practice: Practice, index: number) => { bytes: number; entries: number } | undefined,
): Phase & { nextIndex: number } {
  const practices = population.practices();
  let index = firstIndex;
  let records = 0;
  let bytes = 0;
  let entries = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsedMs = 0;
  while (elapsedMs < durationMs) {
    for (const practice of practices) {
      const done = work(practice, index);
      if (done !== undefined) {
        bytes += done.bytes;
        entries += done.entries;
      }
    }
    records += practices.length;
    index += step;
    elapsedMs = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { records, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000, bytes, entries, nextIndex: index };
}

function measure(pinned: boolean): GenerationRun {
  const listSize = largestListSize(PRACTICES);
  const population = createPopulation({ seed: SEED, practices: PRACTICES, patientsPerPractice: listSize });
  const request = fullRecordRequest(
    population.patient(population.practices()[0]?.ods ?? "", 0).nhsNumber,
    population.referenceDate,
  );

  const generateOnly = (practice: Practice, index: number) => {
    population.patient(practice.ods, index);
    return undefined;
  };
  const bundleOf = (practice: Practice, index: number) =>
    fullRecordBundle(population, request, practice, index);
  const generateAndServe = (practice: Practice, index: number) => {
    const bundle = bundleOf(practice, index);
    return { bytes: JSON.stringify(bundle).length, entries: bundle.entry?.length ?? 0 };
  };
  const generateAndAnswer = (practice: Practice, index: number) => {
    const bundle = bundleOf(practice, index);
    return { bytes: bundleBody(bundle).length, entries: bundle.entry?.length ?? 0 };
  };

  // Warm-up from the end of the lists, so the measured patients (from the start) are all generated afresh.
  const warmGeneration = timed(population, listSize - 1, -1, WARM_UP_MS / 2, generateOnly);
  const warmBundle = timed(population, warmGeneration.nextIndex, -1, WARM_UP_MS / 4, generateAndServe);
  timed(population, warmBundle.nextIndex, -1, WARM_UP_MS / 4, generateAndAnswer);

  const generationOnly = timed(population, 0, 1, MEASURE_MS, generateOnly);
  const buildOnly = (practice: Practice, index: number) => {
    const bundle = bundleOf(practice, index);
    return { bytes: 0, entries: bundle.entry?.length ?? 0 };
  };
  const bundleOnly = timed(population, generationOnly.nextIndex, 1, MEASURE_MS, buildOnly);
  const withBundle = timed(population, bundleOnly.nextIndex, 1, MEASURE_MS, generateAndServe);
  const withBody = timed(population, withBundle.nextIndex, 1, MEASURE_MS, generateAndAnswer);
  const prebuilt: fhir.Bundle[] = [];
  const practices = population.practices();
  for (let i = 0; prebuilt.length < PREBUILT_BUNDLES; i++) {
    const practice = practices[i % practices.length] as Practice;
    prebuilt.push(bundleOf(practice, withBody.nextIndex + Math.floor(i / practices.length)));
  }
  const alone = serialiseAlone(prebuilt, WARM_UP_MS / 4, MEASURE_MS);
  let entriesEach = 0;
  for (const bundle of prebuilt) entriesEach += bundle.entry?.length ?? 0;
  const stringifyOnly: Phase = {
    records: alone.records,
    elapsedMs: alone.elapsedMs,
    cpuMs: alone.cpuMs,
    bytes: alone.characters,
    entries: entriesEach * alone.rounds,
  };
  return {
    pinned,
    areas: request.areas,
    refused: request.refused,
    generationOnly,
    bundleOnly,
    withBundle,
    withBody,
    stringifyOnly,
  };
}

/** Records per second of wall-clock time (the CPU-second figure, from serialiser-floor.ts, is what one core does). */
const perWallSecond = (phase: Phase) => (phase.records / phase.elapsedMs) * 1000;
const microsecondsEach = (phase: Phase) => (phase.cpuMs * 1000) / phase.records;
const describe = (phase: Phase) =>
  `${formatNumber(perCpuSecond(phase))} records per CPU-second, ${formatNumber(microsecondsEach(phase))} µs each ` +
  `(${formatNumber(phase.records)} records; wall clock ${formatNumber(perWallSecond(phase))}/s, ` +
  `the core ${Math.round((phase.cpuMs / phase.elapsedMs) * 100)}% ours)`;

export async function run(): Promise<Figure[]> {
  console.log("\n## Full-record generation — one core");
  console.log(machineLine());
  const result = await runInFreshProcess<GenerationRun>("./record-generation.ts", {
    args: ["--child", String(canPinToOneCore())],
    pinToOneCore: true,
    nodeFlags: profilingFlags(),
  });
  const { generationOnly, bundleOnly, withBundle, withBody, stringifyOnly } = result;
  console.log(
    `${result.pinned ? "pinned to one CPU with taskset" : "NOT pinned (no taskset): one JS thread"}; ` +
      `${PRACTICES} practices, patients taken from every practice in turn, each generated for the first time`,
  );
  console.log(
    `bundle asks for: ${result.areas.join(", ")}` +
      (result.refused.length === 0
        ? ""
        : ` (the practices refuse, so left out: ${result.refused.join(", ")})`),
  );
  console.log(`generation only:                 ${describe(generationOnly)}`);
  console.log(`generation + Bundle (objects):   ${describe(bundleOnly)}`);
  console.log(`generation + Bundle + stringify: ${describe(withBundle)}`);
  console.log(`generation + Bundle + body:      ${describe(withBody)}`);
  console.log(`JSON.stringify alone (built):    ${describe(stringifyOnly)}`);
  console.log(
    `per full record: mean ${formatNumber(withBundle.bytes / withBundle.records)} bytes of JSON, ` +
      `${formatNumber(withBundle.entries / withBundle.records)} Bundle entries; the Bundle and its JSON take ` +
      `${formatNumber(microsecondsEach(withBundle) - microsecondsEach(generationOnly))} µs of each record; ` +
      `as the body a practice answers with (UTF-8 bytes, ${formatNumber(withBody.bytes / withBody.records)} ` +
      `bytes on average), ${formatNumber(microsecondsEach(withBody) - microsecondsEach(generationOnly))} µs`,
  );
  console.log(
    `the serialiser's floor: JSON.stringify alone of ${PREBUILT_BUNDLES} full Bundles already built ` +
      `(${formatNumber(stringifyOnly.bytes / stringifyOnly.records)} bytes each) manages ` +
      `${formatNumber(perCpuSecond(stringifyOnly))} per CPU-second; the full record served is ` +
      `${(perCpuSecond(withBody) / perCpuSecond(stringifyOnly)).toFixed(2)}× that, and the target of ` +
      `${formatNumber(TARGET_FULL_RECORDS_PER_SECOND)} is ${(TARGET_FULL_RECORDS_PER_SECOND / perCpuSecond(stringifyOnly)).toFixed(2)}× it`,
  );
  const target = { comparison: "≥", value: TARGET_RECORDS_PER_SECOND } as const;
  const fullTarget = { comparison: "≥", value: TARGET_FULL_RECORDS_PER_SECOND } as const;
  const figures: Figure[] = [
    {
      benchmark: "record generation",
      measure: "patients generated (domain model only), one core",
      value: perCpuSecond(generationOnly),
      unit: "records/CPU-s",
      target,
    },
    {
      benchmark: "record generation",
      measure: "generated + Bundle as objects, not serialised, one core",
      value: perCpuSecond(bundleOnly),
      unit: "records/CPU-s",
    },
    {
      benchmark: "record generation",
      measure: "generated + Bundle + JSON.stringify, one core",
      value: perCpuSecond(withBundle),
      unit: "records/CPU-s",
      target: fullTarget,
    },
    {
      benchmark: "record generation",
      measure: "generated + Bundle + the body a practice answers (bytes), one core",
      value: perCpuSecond(withBody),
      unit: "records/CPU-s",
      target: fullTarget,
    },
    {
      benchmark: "record generation",
      measure: "the floor: JSON.stringify alone of full Bundles already built, one core",
      value: perCpuSecond(stringifyOnly),
      unit: "records/CPU-s",
    },
  ];
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

if (isMainModule(import.meta.url)) {
  const [flag, pinned] = process.argv.slice(2);
  if (flag === "--child") reportToParent(measure(pinned === "true"));
  else await run();
}
