/**
 * Every benchmark in order, then one summary table of the headline figures and their targets.
 *
 *   npm run bench                       (node --import tsx bench/run-all.ts)
 *   npm run bench -- --cpu-prof         also write CPU profiles of the measured processes
 */
import { run as catalogueRun } from "./catalogue-run.js";
import { type Figure, figureTable, targetMet } from "./figures.js";
import { run as hostileGateways } from "./hostile-gateways.js";
import { run as loadEngine } from "./load-engine.js";
import { machineLine } from "./machine.js";
import { run as recordGeneration } from "./record-generation.js";
import { run as regionStartup } from "./region-startup.js";
import { run as serving } from "./serving.js";
import { run as textPieces } from "./text-pieces.js";

const started = performance.now();
const figures: Figure[] = [];
const failed: string[] = [];
const benchmarks = {
  "region start-up": regionStartup,
  "record generation": recordGeneration,
  serving,
  "text pieces": textPieces,
  "catalogue run": catalogueRun,
  "load engine": loadEngine,
  "hostile gateways": hostileGateways,
};
// One benchmark failing (say, no Java for WireMock) still leaves the others' figures.
for (const [name, benchmark] of Object.entries(benchmarks)) {
  try {
    figures.push(...(await benchmark()));
  } catch (error) {
    failed.push(name);
    console.error(
      `\n${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

const missed = figures.filter((figure) => targetMet(figure) === false);
console.log("\n## Summary");
console.log(machineLine());
console.log(figureTable(figures));
console.log(
  `\n${figures.filter((figure) => figure.target !== undefined).length - missed.length} targets met, ` +
    `${missed.length} missed${failed.length === 0 ? "" : `; FAILED: ${failed.join(", ")}`}; ` +
    `${Math.round((performance.now() - started) / 1000)} s in all`,
);
if (failed.length > 0) process.exitCode = 1;
