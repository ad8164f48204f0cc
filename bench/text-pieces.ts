/**
 * What making JSON text costs in JavaScript, by the piece: one full record's own JSON text is cut into pieces
 * of a fixed length, and the pieces are joined again with `+=` and written as UTF-8 into a buffer, as a
 * renderer writing each resource's text from a template would join its static text and its values. Beside it,
 * in the same run, `JSON.stringify` of the same record already built. The figures bound what renderers that
 * write text directly could reach (BENCHMARKS.md, "Where the time goes").
 *
 *   node --import tsx bench/text-pieces.ts
 */

import { createPopulation } from "../simulators/index.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule } from "./fresh-process.js";
import { fullRecordBundle, fullRecordRequest } from "./full-record-request.js";
import { machineLine } from "./machine.js";

const PIECE_LENGTHS = [60, 35, 20, 10] as const;
const MEASURE_MS = 2000;
const WARM_UP_MS = 300;

/** Microseconds of CPU per call of `work`, after a warm-up. */
function cpuMicroseconds(work: () => unknown): number {
  const warmUntil = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUntil) work();
  let calls = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < MEASURE_MS) {
    work();
    calls += 1;
  }
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / calls;
}

/** The full record of median size among a practice's first patients. */
function medianRecord(): fhir.Bundle {
  const population = createPopulation({ seed: 1, practices: 2, patientsPerPractice: 40 });
  const practice = population.practices()[0];
  if (practice === undefined) throw new Error("the population has no practice");
  const request = fullRecordRequest(population.patient(practice.ods, 0).nhsNumber, population.referenceDate);
  const records: { bundle: fhir.Bundle; length: number }[] = [];
  for (let index = 0; index < 40; index++) {
    const bundle = fullRecordBundle(population, request, practice, index);
    records.push({ bundle, length: JSON.stringify(bundle).length });
  }
  records.sort((a, b) => a.length - b.length);
  const median = records[Math.floor(records.length / 2)];
  if (median === undefined) throw new Error("no record was made");
  return median.bundle;
}

export async function run(): Promise<Figure[]> {
  console.log("\n## What JSON text costs in JavaScript, by the piece");
  console.log(machineLine());
  const bundle = medianRecord();
  const text = JSON.stringify(bundle);
  const scratch = Buffer.allocUnsafe(text.length * 3);
  console.log(
    `one full record: ${formatNumber(text.length)} characters of JSON; in this process, not pinned`,
  );
  const figures: Figure[] = [
    {
      benchmark: "text pieces",
      measure: "JSON.stringify of the record, already built, written as UTF-8",
      value: cpuMicroseconds(() => scratch.write(JSON.stringify(bundle), 0, "utf8")),
      unit: "µs",
    },
  ];
  for (const length of PIECE_LENGTHS) {
    // Each piece its own string, made from its bytes (a slice would share the record's text).
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += length)
      pieces.push(Buffer.from(text.slice(at, at + length)).toString());
    const micros = cpuMicroseconds(() => {
      let joined = "";
      for (const piece of pieces) joined += piece;
      return scratch.write(joined, 0, "utf8");
    });
    console.log(
      `${formatNumber(pieces.length)} pieces of ${length} characters: ${formatNumber(micros)} µs, ` +
        `${formatNumber((micros * 1000) / pieces.length)} ns a piece`,
    );
    figures.push({
      benchmark: "text pieces",
      measure: `the record joined from ${formatNumber(pieces.length)} pieces with += and written as UTF-8`,
      value: micros,
      unit: "µs",
    });
  }
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

if (isMainModule(import.meta.url)) await run();
