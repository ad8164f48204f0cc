/**
 * `gp-harness k6`: the harness's load as a TypeScript k6 script, checked by tsc with @types/k6 exactly as CI
 * checks a user's (test/k6/tsconfig.json, types ["k6"]); no k6 binary is needed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { main } from "../harness/cli.js";
import { type Region, startRegion } from "../simulators/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
let region: Region;
const dir = mkdtempSync(join(tmpdir(), "gp-harness-k6-"));

beforeAll(async () => {
  region = await startRegion({ seed: 5, port: 0, practices: 4, patientsPerPractice: 5 });
});
afterAll(async () => {
  await region.close();
});

async function k6(...args: string[]): Promise<{ code: number; stderr: string }> {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    return { code: await main(["k6", ...args]), stderr: written.join("") };
  } finally {
    process.stderr.write = write;
  }
}

it("writes a k6 script with the profile, thresholds and patient mix, and it type-checks with @types/k6", async () => {
  const out = join(dir, "load.ts");
  const { code } = await k6(
    "--out",
    out,
    "--region",
    region.info().control,
    "--gateway",
    "http://127.0.0.1:9999",
    "--rate",
    "25",
    "--duration",
    "1m",
    "--threshold",
    "p(95)<800",
    "--threshold",
    "p(99)<=1500",
    "--threshold",
    "rate<0.01",
    "--consent",
    "granted=3,refused=1",
  );
  expect(code).toBe(0);
  const script = readFileSync(out, "utf8");
  expect(script).toContain('"executor": "constant-arrival-rate"');
  expect(script).toContain('"rate": 25');
  expect(script).toContain('"duration": "1m"');
  expect(script).toContain('"http_req_duration": [\n      "p(95)<800",\n      "p(99)<=1500"\n    ]');
  expect(script).toContain('"http_req_failed": [\n      "rate<0.01"\n    ]');
  const numbers = region
    .info()
    .patients.filter((p) => p.traits.length === 0)
    .map((p) => p.nhsNumber);
  for (const nhsNumber of numbers.slice(0, 3)) expect(script).toContain(nhsNumber);
  expect(script).toMatch(/"system": "emis"/);
  expect(script).toMatch(/"system": "tpp"/);
  expect(script).toContain('const CONSENT: readonly Consent[] = ["granted","granted","refused","granted"');
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: join(root, "test/k6/tsconfig.json"), files: ["load.ts"] }),
  );
  // tsc exits non-zero, with the errors on stdout, when the script does not type-check.
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], {
    encoding: "utf8",
  });
}, 60_000);

it("a ramp exports as ramping-arrival-rate stages", async () => {
  const out = join(dir, "ramp.ts");
  const { code } = await k6(
    "--out",
    out,
    "--region",
    region.info().control,
    "--rate",
    "5",
    "--stage",
    "30s:50",
    "--stage",
    "2m:50",
  );
  expect(code).toBe(0);
  const script = readFileSync(out, "utf8");
  expect(script).toContain('"executor": "ramping-arrival-rate"');
  expect(script).toContain('"startRate": 5');
  expect(script).toMatch(/"target": 50,\s*"duration": "30s"|"duration": "30s",\s*"target": 50/);
});

it("a threshold that does not parse is one line naming it, exit 2, and nothing is written", async () => {
  const out = join(dir, "never.ts");
  const { code, stderr } = await k6(
    "--out",
    out,
    "--region",
    region.info().control,
    "--threshold",
    "p95<800",
  );
  expect(code).toBe(2);
  expect(stderr).toContain('threshold "p95<800" does not parse');
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(() => readFileSync(out)).toThrow();
});

it("a region that does not answer is one line and exit 2", async () => {
  const { code, stderr } = await k6("--out", join(dir, "x.ts"), "--region", "http://127.0.0.1:9/_control");
  expect(code).toBe(2);
  expect(stderr).toMatch(/cannot reach the simulated region at http:\/\/127\.0\.0\.1:9/);
});
