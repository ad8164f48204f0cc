/**
 * No flakes: the reference gateway passes every MUST scenario in regions of 20 different seeds, one after
 * another (the populations, names, records and latencies all differ between seeds).
 */
import { describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { startRegion } from "../simulators/index.js";
import { defaultManifestWithAudit, REFERENCE_ALLOWED_ROLES } from "./support/audit-manifest.js";

const SEEDS = Array.from({ length: 20 }, (_, i) => 1_000 + i * 7_919);

describe("the reference gateway over 20 seeds in a row", () => {
  it("passes every MUST scenario for each seed", { timeout: 300_000 }, async () => {
    // Only MUST scenarios are judged here, so only they run (the performance pack's loads take seconds each).
    const catalogue = (await loadCatalogue()).filter((s) => s.level === "MUST");
    const failures: string[] = [];
    for (const seed of SEEDS) {
      const region = await startRegion({ seed, port: 0 });
      const info = region.info();
      const gateway = await startGateway(
        readGatewayConfig({
          PDS_URL: info.pds,
          SDS_URL: info.sds,
          PORT: "0",
          HOST: "127.0.0.1",
          ALLOWED_ROLES: REFERENCE_ALLOWED_ROLES.join(","),
        }),
      );
      try {
        const result = await runConformance({
          gateway: defaultManifestWithAudit(gateway.url),
          region: info.control,
          port: 0,
          seed,
          scenarios: catalogue,
          concurrency: 4,
          requestTimeoutMs: 10_000,
          scenarioTimeoutMs: 30_000,
          settleMs: 100,
        });
        for (const s of result.scenarios) {
          if (s.level === "MUST" && s.result !== "pass")
            failures.push(`seed ${seed}: ${s.id} ${s.result}: ${s.message}`);
        }
      } finally {
        await gateway.close();
        await region.close();
      }
    }
    expect(failures).toEqual([]);
  });
});
