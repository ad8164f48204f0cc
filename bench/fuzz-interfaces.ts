/**
 * Generated malformed requests (fast-check, as test/fuzz.test.ts sends 2,000 of) at every interface: PDS, SDS,
 * a practice, the control API and the reference gateway, 100,000 each by default. Prints per interface the
 * requests sent, the answers by status, the rate, and the resident memory before and after the storm; fails at
 * the first 500.
 *
 *   node --import tsx bench/fuzz-interfaces.ts [--runs N]
 */
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { startRegion } from "../simulators/index.js";
import { fuzzInterface, interfaceTemplates } from "../test/support/fuzz-requests.js";
import { type Figure, figureTable, formatNumber } from "./figures.js";
import { isMainModule } from "./fresh-process.js";
import { machineLine } from "./machine.js";

const DEFAULT_RUNS = 100_000;

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export async function run(runs = DEFAULT_RUNS): Promise<Figure[]> {
  console.log(`\n## ${formatNumber(runs)} generated malformed requests at each interface`);
  console.log(machineLine());
  const region = await startRegion({ seed: 21, port: 0, practices: 2, patientsPerPractice: 50 });
  const info = region.info();
  const gateway = await startGateway(
    readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
  );
  const figures: Figure[] = [];
  try {
    for (const [name, template] of Object.entries(interfaceTemplates(info, gateway.url))) {
      // A first storm warms the service and the runtime, so the figures below are of the storm, not of start-up.
      await fuzzInterface(name, template, Math.min(runs, 2_000), 5_000, 1);
      global.gc?.();
      const before = process.memoryUsage();
      const stats = await fuzzInterface(name, template, runs, 5_000);
      global.gc?.();
      const after = process.memoryUsage();
      const statuses = [...stats.statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" ");
      const rate = (stats.requests / stats.elapsedMs) * 1000;
      console.log(
        `${name}: ${formatNumber(stats.requests)} requests, no 500, in ${formatNumber(stats.elapsedMs / 1000)} s (${formatNumber(rate)}/s); ` +
          `resident ${mib(before.rss)} → ${mib(after.rss)} MiB, heap in use ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB; ` +
          `afterwards a valid request got ${stats.healthStatus}; ${statuses}`,
      );
      figures.push(
        {
          benchmark: "fuzz",
          measure: `${name}: requests without a 500`,
          value: stats.requests,
          unit: "requests",
        },
        {
          benchmark: "fuzz",
          measure: `${name}: heap growth over the storm`,
          value: mib(after.heapUsed - before.heapUsed),
          unit: "MiB",
        },
      );
    }
  } finally {
    await gateway.close();
    await region.close();
  }
  console.log(figureTable(figures));
  return figures;
}

if (isMainModule(import.meta.url)) {
  const at = process.argv.indexOf("--runs");
  await run(at > 0 ? Number(process.argv[at + 1]) : DEFAULT_RUNS);
}
