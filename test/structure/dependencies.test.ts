/**
 * The layout rules of .dependency-cruiser.cjs are live: `npm test` runs them over the project (depcruise), and
 * here each rule is seen to fire on a small project that breaks it, so a rule that matches nothing (a typo in
 * a path pattern) cannot pass unnoticed.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const config = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs")) as {
  forbidden: IForbiddenRuleType[];
};

/** A project that breaks each rule once, and keeps it once where the rule allows an import. */
const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "layout-fixture", devDependencies: { vitest: "*" } }),
  "gpconnect/identifiers.ts": "export const SYSTEM = 'x';\n",
  "gpconnect/outcomes.ts": "export const build = () => 1;\n",
  "gpconnect/leaks.ts": "import { startRegion } from '../simulators/index';\nexport const x = startRegion;\n",
  "simulators/index.ts": "export { startRegion } from './region/region';\n",
  "simulators/region/region.ts":
    "import { run } from '../../harness/runner';\nimport { SYSTEM } from '../../gpconnect/identifiers';\nexport const startRegion = () => [run, SYSTEM];\n",
  "bench/serving.ts":
    "import { startRegion } from '../simulators/region/region';\nexport const s = startRegion;\n",
  "simulators/tested.ts": "import { expect } from 'vitest';\nexport const t = expect;\n",
  "gateway/app.ts":
    "import { startRegion } from '../simulators/index';\nimport { build } from '../gpconnect/outcomes';\nexport const app = [startRegion, build];\n",
  "harness/runner.ts": [
    "import { startRegion } from '../simulators/region/region';",
    "import { build } from '../gpconnect/outcomes';",
    "import { SYSTEM } from '../gpconnect/identifiers';",
    "import { app } from '../gateway/app';",
    "import { junit } from '../reports/junit';",
    "export const run = () => [startRegion, build, SYSTEM, app, junit];",
  ].join("\n"),
  "harness/cli.ts":
    "import { junit } from '../reports/junit';\nimport { all } from '../scenarios/index';\nimport { startRegion } from '../simulators/index';\nexport const cli = [junit, all, startRegion];\n",
  "harness/scenario.ts": "export const scenario = (s: object) => s;\n",
  "harness/run-result.ts": "export type RunResult = { ok: boolean };\n",
  "harness/first.ts": "import type { B } from './second';\nexport type A = { b?: B };\n",
  "harness/second.ts": "import type { A } from './first';\nexport type B = { a?: A };\n",
  "scenarios/index.ts": "import { scenario } from '../harness/scenario';\nexport const all = [scenario];\n",
  "scenarios/core/CORE-01-x.ts":
    "import { scenario } from '../../harness/scenario';\nimport { run } from '../../harness/runner';\nexport default scenario({ run });\n",
  "harness/north/adapter.ts": "export type ConsumerAdapter = { getRecord(): Promise<unknown> };\n",
  "examples/rest/adapter.ts": [
    "import type { ConsumerAdapter } from '../../harness/north/adapter';",
    "import { app } from '../../gateway/app';",
    "import { SYSTEM } from '../../gpconnect/identifiers';",
    "import { run } from '../../harness/runner';",
    "export const adapter = [app, SYSTEM, run] as unknown as ConsumerAdapter;",
  ].join("\n"),
  "reports/junit.ts":
    "import type { RunResult } from '../harness/run-result';\nimport { scenario } from '../harness/scenario';\nexport const junit = (r: RunResult) => [r, scenario];\n",
};

let folder: string;
let result: ICruiseResult;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "gp-harness-layout-"));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  symlinkSync(join(root, "node_modules"), join(folder, "node_modules"), "dir");
  const output = await cruise(
    ["gpconnect", "simulators", "gateway", "harness", "scenarios", "reports", "bench", "examples"],
    {
      validate: true,
      ruleSet: { forbidden: config.forbidden },
      baseDir: folder,
      tsPreCompilationDeps: true,
      doNotFollow: { path: "node_modules" },
      enhancedResolveOptions: { extensions: [".ts", ".js"] },
    },
  );
  result = output.output as ICruiseResult;
});

afterAll(() => {
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** The violations of one rule, as "from → to". */
function violations(rule: string): string[] {
  return result.summary.violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} → ${v.to}`);
}

describe("the layout rules", () => {
  it("cover every rule of the configuration", () => {
    expect(config.forbidden.map((rule) => rule.name).sort()).toEqual(
      [
        "benchmarks-use-the-simulators-face",
        "examples-are-gateways-with-adapters",
        "gateway-speaks-only-gpconnect",
        "gpconnect-imports-nothing",
        "harness-never-imports-the-gateway",
        "harness-uses-the-simulators-face",
        "no-circular",
        "not-to-unresolvable",
        "only-the-cli-wires-reports-and-scenarios",
        "oracle-shares-no-decoder",
        "production-code-needs-no-dev-dependency",
        "reports-read-the-run-result",
        "scenarios-use-the-scenario-api",
        "simulators-know-no-harness",
      ].sort(),
    );
  });

  it.each([
    ["gpconnect-imports-nothing", ["gpconnect/leaks.ts → simulators/index.ts"]],
    ["simulators-know-no-harness", ["simulators/region/region.ts → harness/runner.ts"]],
    ["gateway-speaks-only-gpconnect", ["gateway/app.ts → simulators/index.ts"]],
    ["harness-uses-the-simulators-face", ["harness/runner.ts → simulators/region/region.ts"]],
    ["benchmarks-use-the-simulators-face", ["bench/serving.ts → simulators/region/region.ts"]],
    ["oracle-shares-no-decoder", ["harness/runner.ts → gpconnect/outcomes.ts"]],
    ["harness-never-imports-the-gateway", ["harness/runner.ts → gateway/app.ts"]],
    ["only-the-cli-wires-reports-and-scenarios", ["harness/runner.ts → reports/junit.ts"]],
    ["scenarios-use-the-scenario-api", ["scenarios/core/CORE-01-x.ts → harness/runner.ts"]],
    ["reports-read-the-run-result", ["reports/junit.ts → harness/scenario.ts"]],
    ["examples-are-gateways-with-adapters", ["examples/rest/adapter.ts → harness/runner.ts"]],
  ])("%s catches exactly the import that breaks it", (rule, expected) => {
    expect(violations(rule)).toEqual(expected);
  });

  it("production-code-needs-no-dev-dependency catches shipped code importing a test tool", () => {
    const found = violations("production-code-needs-no-dev-dependency");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^simulators\/tested\.ts → .*node_modules\/vitest\//);
  });

  it("no-circular catches a circle of type-only imports", () => {
    // One violation per circle, reported from the file where the circle was first met.
    expect(violations("no-circular")).toContain("harness/first.ts → harness/second.ts");
  });
});
