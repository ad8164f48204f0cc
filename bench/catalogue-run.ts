/**
 * The whole catalogue against the reference gateway, as a user runs it (`gp-harness run --gateway reference`,
 * the built CLI in a fresh process: region start-up, gateway launch through its manifest, every scenario,
 * reports). Prints the wall time of each run and the median, held to the target of 15 s.
 *
 *   npm run build && node --import tsx bench/catalogue-run.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule } from "./fresh-process.js";
import { machineLine } from "./machine.js";

const RUNS = 5;
const TARGET_S = 15;
const CLI = fileURLToPath(new URL("../dist/harness/cli.js", import.meta.url));

export async function run(): Promise<Figure[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  console.log("\n## The catalogue against the reference gateway (gp-harness run --gateway reference)");
  console.log(machineLine());
  const walls: number[] = [];
  let scenarios = 0;
  for (let i = 1; i <= RUNS; i++) {
    const out = mkdtempSync(join(tmpdir(), "gp-harness-bench-run-"));
    const started = performance.now();
    const child = spawnSync(process.execPath, [CLI, "run", "--gateway", "reference", "--out", out], {
      encoding: "utf8",
    });
    const wall = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`run ${i} exited ${child.status}: ${child.stderr}`);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    scenarios = report.scenarios.length;
    walls.push(wall);
    console.log(
      `run ${i}: ${formatNumber(wall)} s wall (${scenarios} scenarios, ${formatNumber(report.durationMs / 1000)} s inside the harness)`,
    );
  }
  const median = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)] ?? 0;
  const figures: Figure[] = [
    {
      benchmark: "catalogue run",
      measure: `${scenarios} scenarios, reference gateway, wall (median of ${RUNS})`,
      value: median,
      unit: "s",
      target: { comparison: "<", value: TARGET_S },
    },
  ];
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

if (isMainModule(import.meta.url)) await run();
