/**
 * The catalogue against the reference gateway, as a user runs it (`gp-harness run --gateway reference`, the
 * built CLI in a fresh process: region start-up, gateway launch through its manifest, every scenario,
 * reports). Two selections, three runs each: the MUST packs (core, consent, clinical-safety, resilience,
 * security; held to the target of 15 s) and the whole catalogue with the performance pack's loads. Prints
 * each run's wall time, each pack's own wall time inside the run (first scenario's start to the last one's
 * end, from report.json), and the process's peak resident memory.
 *
 *   npm run build && node --import tsx bench/catalogue-run.ts
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { samplePeakMemory } from "../test/support/peak-memory.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule } from "./fresh-process.js";
import { machineLine } from "./machine.js";

const RUNS = 3;
const TARGET_S = 15;
const MUST_PACKS = "core,consent,clinical-safety,resilience,security";
const CLI = fileURLToPath(new URL("../dist/harness/cli.js", import.meta.url));

interface ScenarioTiming {
  readonly pack: string;
  readonly startedAt: string;
  readonly durationMs: number;
}

interface OneRun {
  readonly wallS: number;
  readonly insideS: number;
  readonly scenarios: number;
  readonly peakMiB: number;
  readonly packs: ReadonlyMap<string, number>;
}

/** Each pack's wall time inside the run: its first scenario's start to its last scenario's end. */
function packWalls(scenarios: readonly ScenarioTiming[]): Map<string, number> {
  const spans = new Map<string, { from: number; to: number }>();
  for (const s of scenarios) {
    const from = Date.parse(s.startedAt);
    const to = from + s.durationMs;
    const span = spans.get(s.pack);
    if (span === undefined) spans.set(s.pack, { from, to });
    else spans.set(s.pack, { from: Math.min(span.from, from), to: Math.max(span.to, to) });
  }
  return new Map([...spans].map(([pack, { from, to }]) => [pack, (to - from) / 1000]));
}

async function runOnce(selection: readonly string[]): Promise<OneRun> {
  const out = mkdtempSync(join(tmpdir(), "gp-harness-bench-run-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, "run", "--gateway", "reference", "--quiet", "--out", out, ...selection],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const peakMemory = samplePeakMemory(child.pid);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const peakMiB = peakMemory.stop();
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`gp-harness run ${selection.join(" ")} exited ${code}: ${stderr}`);
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as {
    durationMs: number;
    scenarios: ScenarioTiming[];
  };
  return {
    wallS,
    insideS: report.durationMs / 1000,
    scenarios: report.scenarios.length,
    peakMiB,
    packs: packWalls(report.scenarios),
  };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function selectionFigures(
  name: string,
  selection: readonly string[],
  target?: number,
): Promise<Figure[]> {
  console.log(`\n### ${name}: gp-harness run --gateway reference ${selection.join(" ")}`.trimEnd());
  const runs: OneRun[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const one = await runOnce(selection);
    runs.push(one);
    const packs = [...one.packs].map(([pack, s]) => `${pack} ${formatNumber(s)} s`).join(", ");
    console.log(
      `run ${i}: ${formatNumber(one.wallS)} s wall, ${one.scenarios} scenarios, ${formatNumber(one.insideS)} s inside ` +
        `the run, peak resident ${formatNumber(one.peakMiB)} MiB; by pack: ${packs}`,
    );
  }
  const scenarios = runs[0]?.scenarios ?? 0;
  const figures: Figure[] = [
    {
      benchmark: "catalogue run",
      measure: `${name}, ${scenarios} scenarios: wall (median of ${RUNS})`,
      value: median(runs.map((r) => r.wallS)),
      unit: "s",
      ...(target === undefined ? {} : { target: { comparison: "<" as const, value: target } }),
    },
    {
      benchmark: "catalogue run",
      measure: `${name}: peak resident memory (max of ${RUNS})`,
      value: Math.max(...runs.map((r) => r.peakMiB)),
      unit: "MiB",
    },
  ];
  for (const pack of runs[0]?.packs.keys() ?? []) {
    figures.push({
      benchmark: "catalogue run",
      measure: `${name}: the ${pack} pack's wall inside the run (median)`,
      value: median(runs.map((r) => r.packs.get(pack) ?? 0)),
      unit: "s",
    });
  }
  return figures;
}

export async function run(): Promise<Figure[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  console.log("\n## The catalogue against the reference gateway (gp-harness run --gateway reference)");
  console.log(machineLine());
  const figures = [
    ...(await selectionFigures("the MUST packs", ["--scenario", MUST_PACKS], TARGET_S)),
    ...(await selectionFigures("the whole catalogue", [])),
  ];
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

if (isMainModule(import.meta.url)) await run();
