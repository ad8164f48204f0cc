/**
 * The run result has a versioned JSON Schema in the repo, derived from its types, and a real run's
 * report.json validates against it.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { defaultManifest } from "../harness/manifest/load.js";
import { RUN_RESULT_SCHEMA_VERSION } from "../harness/run-result.js";
import { runConformance } from "../harness/runner.js";
import { writeReports } from "../reports/write-reports.js";
import { loadCatalogue } from "../scenarios/index.js";
import { type Region, startRegion } from "../simulators/index.js";
import { RUN_RESULT_SCHEMA_FILE, runResultSchemaText } from "./support/run-result-schema.js";

const committed = readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8");
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(committed));

let region: Region;
let gateway: { url: string; close(): Promise<void> };

beforeAll(async () => {
  region = await startRegion({ seed: 5, port: 0 });
  const info = region.info();
  gateway = await startGateway(
    readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
  );
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

describe("the run result's schema", () => {
  it("is what the run result's types say (npm run schema rewrites it)", () => {
    expect(committed).toBe(runResultSchemaText());
    expect(JSON.parse(committed).title).toContain(`version ${RUN_RESULT_SCHEMA_VERSION}`);
  });

  it("accepts the report.json of a real run, and says what ran and where", async () => {
    const catalogue = await loadCatalogue();
    const result = await runConformance({
      gateway: defaultManifest(gateway.url),
      region: region.info().control,
      port: 0,
      seed: 5,
      scenarios: catalogue.filter((s) => ["CORE-01", "CONSENT-02", "RESILIENCE-01"].includes(s.id)),
      catalogue,
      concurrency: 3,
      requestTimeoutMs: 10_000,
      scenarioTimeoutMs: 30_000,
      settleMs: 100,
    });
    const out = await mkdtemp(join(tmpdir(), "gp-harness-schema-"));
    await writeReports(out, result);
    const report = JSON.parse(await readFile(join(out, "report.json"), "utf8"));
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(report.catalogue).toEqual({
      version: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      size: catalogue.length,
    });
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.notRun).toEqual([]);
    // Figures for people: whole or tenth milliseconds, never 265.86756000000014.
    const times = JSON.stringify(report).match(/"(?:durationMs|elapsedMs|latencyMs)":\s*[\d.]+/g) ?? [];
    expect(times.length).toBeGreaterThan(3);
    for (const time of times) expect(time).toMatch(/:\s*\d+(\.\d)?$/);
  });

  it("rejects a document that is not a run result", () => {
    expect(validate({ schemaVersion: RUN_RESULT_SCHEMA_VERSION, verdict: "pass" })).toBe(false);
    expect(validate({ scenarios: "none" })).toBe(false);
  });
});
