/**
 * The harness against hostile gateways: `gp-harness run` (the built CLI, two scenarios) against each gateway of
 * `test/support/hostile-gateways.ts`, one after another, printing the wall time, the harness's peak resident
 * memory (VmHWM from /proc, sampled every 50 ms) and the failure it named. The largest answers are 200 MB; the
 * peak is held to 700 MiB, as the test holds it.
 *
 *   npm run build && node --import tsx bench/hostile-gateways.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_PATH } from "../test/support/cli.js";
import { HOSTILE_GATEWAYS, HostileServers, runAgainst } from "../test/support/hostile-gateways.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule } from "./fresh-process.js";
import { machineLine } from "./machine.js";

const PEAK_TARGET_MIB = 700;

export async function run(): Promise<Figure[]> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first`);
  console.log("\n## The harness against hostile gateways (gp-harness run, two scenarios each)");
  console.log(machineLine());
  const servers = new HostileServers();
  const rows: string[][] = [];
  let highest = 0;
  let slowest = 0;
  try {
    for (const gateway of HOSTILE_GATEWAYS) {
      const outcome = await runAgainst(await gateway.start(servers), gateway.flags);
      const report = JSON.parse(readFileSync(join(outcome.out, "report.json"), "utf8")) as {
        scenarios: { id: string; result: string; message?: string }[];
      };
      const named = report.scenarios.every(
        (s) => s.result === "fail" && gateway.failure.test(s.message ?? ""),
      );
      const said = gateway.failure.exec(report.scenarios[0]?.message ?? "")?.[0] ?? "(not named)";
      rows.push([
        gateway.does,
        `exit ${outcome.code}`,
        `${formatNumber(outcome.elapsedMs / 1000)} s`,
        `${formatNumber(outcome.peakMiB)} MiB`,
        named ? said : `NOT NAMED: ${report.scenarios.map((s) => s.result).join(", ")}`,
      ]);
      console.log(rows.at(-1)?.join(" · "));
      highest = Math.max(highest, outcome.peakMiB);
      slowest = Math.max(slowest, outcome.elapsedMs / 1000);
    }
  } finally {
    await servers.closeAll();
  }
  const header = ["the gateway", "exit", "wall", "peak resident", "the failure named"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`\n${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n${rows.map(line).join("\n")}`);
  const figures: Figure[] = [
    {
      benchmark: "hostile gateways",
      measure: `highest peak resident memory of the harness, ${HOSTILE_GATEWAYS.length} gateways`,
      value: highest,
      unit: "MiB",
      target: { comparison: "<", value: PEAK_TARGET_MIB },
    },
    { benchmark: "hostile gateways", measure: "slowest run's wall", value: slowest, unit: "s" },
  ];
  console.log(`\n${figureTable(figures)}`);
  return figures;
}

if (isMainModule(import.meta.url)) await run();
