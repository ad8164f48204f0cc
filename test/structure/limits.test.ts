/**
 * Files and functions a reader can hold in one look: no source file over 600 lines, no function over 80.
 * Measured with the TypeScript parser over every .ts file in git, tests and benchmarks included; in tests, the callback of a `describe` is a grouping, not a function, and is not measured (the
 * `it` and `test` callbacks inside it are).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, offences } from "./source-limits.js";

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
  const all = files.flatMap((file) => offences(file, readFileSync(`${root}/${file}`, "utf8")));

  it("finds the project's sources", () => {
    expect(files).toContain("simulators/index.ts");
    expect(files.length).toBeGreaterThan(100);
  });

  it(`no file over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES}`, () => {
    expect(
      all.map((o) => `${o.where} ${o.key.includes("#") ? o.key.split("#")[1] : ""}: ${o.lines} lines`),
    ).toEqual([]);
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
