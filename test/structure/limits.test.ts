/**
 * Files and functions a reader can hold in one look: no source file over 600 lines, no function over 80
 * (data tables aside). Measured with the TypeScript parser over every .ts file in git, tests and benchmarks
 * included; in tests, the callback of a `describe` is a grouping, not a function, and is not measured (the
 * `it` and `test` callbacks inside it are).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, offences } from "./source-limits.js";

/** Files that are data tables (rows of codes and terms), exempt from the file limit, each with its reason. */
const DATA_TABLES: Readonly<Record<string, string>> = {};

/** Offenders left from before the limits, each to be split; an entry that no longer offends must go. */
const NOT_YET_SPLIT: readonly string[] = [
  "bench/serving.ts#run",
  "gateway/app.ts#buildGatewayApp",
  "harness/cli.ts#program",
  "harness/runner.ts#runScenario",
  "simulators/control/openapi.ts",
  "simulators/control/server.ts#buildControlApp",
  "simulators/control/server.ts#app.register callback",
  "simulators/population/patients.ts",
  "simulators/population/patients.ts#chronicCare",
  "simulators/population/patients.ts#diary",
  "simulators/population/patients.ts#generatePatient",
  "simulators/population/patients.ts#recordHeldByPreviousPractice",
  "simulators/population/population.ts#createPopulation",
  "simulators/practices/clinical-areas.ts",
  "simulators/practices/clinical-areas.ts#consultationsArea",
  "simulators/practices/practice-app.ts#registerPractice",
  "simulators/practices/structured-bundle.ts",
  "simulators/practices/structured-bundle.ts#structuredRecordBundle",
  "simulators/practices/structured-parameters.ts#checkStructuredRecordParameters",
  "simulators/region/region.ts#startRegion",
  "simulators/spine/sds.ts#buildSdsApp",
];

const root = fileURLToPath(new URL("../..", import.meta.url));

function trackedSources(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((file) => file !== "" && !file.startsWith("node_modules/"));
}

describe("files and functions a reader can hold", () => {
  const files = trackedSources();
  const all = files.flatMap((file) => offences(file, readFileSync(`${root}/${file}`, "utf8"), DATA_TABLES));

  it("finds the project's sources", () => {
    expect(files).toContain("simulators/index.ts");
    expect(files.length).toBeGreaterThan(100);
  });

  it(`no file over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES}`, () => {
    const news = all.filter((offence) => !NOT_YET_SPLIT.includes(offence.key));
    expect(
      news.map((o) => `${o.where} ${o.key.includes("#") ? o.key.split("#")[1] : ""}: ${o.lines} lines`),
    ).toEqual([]);
  });

  it("lists no offender that has been split already", () => {
    const stale = NOT_YET_SPLIT.filter((key) => !all.some((offence) => offence.key === key));
    expect(stale).toEqual([]);
  });

  it("measures what it says: a long function and a long file are caught, a describe grouping is not", () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const longFunction = `export function tooLong() {\n${body}\n}\n`;
    expect(offences("x.ts", longFunction).map((o) => o.key)).toEqual(["x.ts#tooLong"]);
    const grouped = `describe("group", () => {\n${body}\n});\n`;
    expect(offences("x.test.ts", grouped)).toEqual([]);
    const longTest = `it("case", () => {\n${body}\n});\n`;
    expect(offences("x.test.ts", longTest).map((o) => o.key)).toEqual(['x.test.ts#it "case" callback']);
    const longFile = "export const a = 1;\n".repeat(MAX_FILE_LINES + 1);
    expect(offences("y.ts", longFile).map((o) => o.key)).toEqual(["y.ts"]);
    expect(offences("y.ts", "export const a = 1;\n".repeat(MAX_FILE_LINES))).toEqual([]);
  });
});
