/**
 * The catalogue is discovered from scenarios/, so a new scenario is one new file: every scenario file is in
 * the catalogue, a file that breaks the naming rules stops it loading with its name, and the README's table
 * is the catalogue's (as `gp-harness scenarios --markdown` prints it).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { PACKS } from "../harness/scenario.js";
import { CatalogueError, loadCatalogue } from "../scenarios/index.js";
import { runCli } from "./support/cli.js";

const scenariosFolder = fileURLToPath(new URL("../scenarios", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const catalogue = await loadCatalogue();

/** The cells of a Markdown table's body rows, trimmed (padding and alignment do not matter). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s:|-]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll("\\|", "|")),
    );
}

describe("the catalogue", () => {
  it("holds every scenario file under scenarios/, named by its id, in its pack's folder", () => {
    const files = PACKS.flatMap((pack) => {
      let names: string[] = [];
      try {
        names = readdirSync(join(scenariosFolder, pack));
      } catch {
        names = [];
      }
      return names.map((name) => `${pack}/${name}`);
    });
    expect(files.length).toBeGreaterThanOrEqual(10);
    const fromFiles = files.map((file) => /\/([A-Z][A-Z-]*-\d+)-/.exec(file)?.[1]).sort();
    expect(catalogue.map((s) => s.id).sort()).toEqual(fromFiles);
    for (const s of catalogue) {
      expect(files.some((file) => file.startsWith(`${s.pack}/${s.id}-`))).toBe(true);
    }
  });

  it("holds at least 40 scenarios, each naming the specification clauses it checks, as links", () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(40);
    const unnamed = catalogue.filter((s) => (s.specification ?? []).length === 0).map((s) => s.id);
    expect(unnamed).toEqual([]);
    for (const s of catalogue) {
      for (const clause of s.specification ?? []) {
        expect(clause.url, s.id).toMatch(/^https:\/\/\S+$/);
        expect(clause.title.trim(), s.id).not.toBe("");
      }
    }
  });

  it("is in report order: packs in order, then ids by number", () => {
    const keys = catalogue.map((s) => [PACKS.indexOf(s.pack), Number(s.id.split("-").pop())]);
    const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(keys).toEqual(sorted);
    expect(catalogue[0]?.id).toBe("CORE-01");
  });

  it("is the table in the README, row for row", () => {
    const start = readme.indexOf("<!-- scenario-table:start");
    const end = readme.indexOf("<!-- scenario-table:end -->");
    expect(start, "README.md has no <!-- scenario-table:start --> marker").toBeGreaterThan(-1);
    const rows = tableRows(readme.slice(start, end));
    expect(rows).toEqual(catalogue.map((s) => [s.id, s.level, s.pack, s.title, s.hazard]));
  });

  it("prints as the README's table with gp-harness scenarios --markdown", async () => {
    const { code, stdout } = await runCli(["scenarios", "--markdown"]);
    expect(code).toBe(0);
    expect(tableRows(stdout)).toEqual(catalogue.map((s) => [s.id, s.level, s.pack, s.title, s.hazard]));
  });
});

describe("a scenario file that breaks the rules", () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  /** A scenarios folder of files, each `path: source`. */
  function scenariosWith(files: Record<string, string>): string {
    folder = mkdtempSync(join(tmpdir(), "gp-harness-catalogue-"));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(join(folder, path, ".."), { recursive: true });
      writeFileSync(join(folder, path), source);
    }
    return folder;
  }
  const scenarioSource = (id: string, pack: string) =>
    `export default { id: "${id}", pack: "${pack}", title: "t", level: "MUST", hazard: "h", world: {}, run() {} };\n`;

  it.each([
    [
      { "core/CORE-09.js": scenarioSource("CORE-09", "core") },
      /core\/CORE-09\.js is not named as a scenario/,
    ],
    [{ "core/CORE-09-x.js": scenarioSource("CORE-08", "core") }, /CORE-09-x\.js declares id CORE-08/],
    [
      { "consent/CORE-09-x.js": scenarioSource("CORE-09", "core") },
      /declares pack core, but it is in the consent/,
    ],
    [{ "checks/CORE-09-x.js": scenarioSource("CORE-09", "core") }, /scenarios\/checks\/ is not a pack/],
    [{ "core/CORE-09-x.js": "export const notDefault = 1;\n" }, /has no scenario as its default export/],
    [
      {
        "core/CORE-09-x.js": scenarioSource("CORE-09", "core"),
        "core/CORE-09-y.js": scenarioSource("CORE-09", "core"),
      },
      /CORE-09 is declared twice/,
    ],
  ])("stops the catalogue with the file's name (%#)", async (files, message) => {
    const loading = loadCatalogue(scenariosWith(files));
    await expect(loading).rejects.toThrow(CatalogueError);
    await expect(loadCatalogue(folder)).rejects.toThrow(message);
  });

  it("is found when it follows them, whatever else the folder holds (source maps)", async () => {
    const loaded = await loadCatalogue(
      scenariosWith({
        "core/CORE-09-found.js": scenarioSource("CORE-09", "core"),
        "core/CORE-09-found.js.map": "{}",
        "consent/CONSENT-01-first.js": scenarioSource("CONSENT-01", "consent"),
      }),
    );
    expect(loaded.map((s) => s.id)).toEqual(["CORE-09", "CONSENT-01"]);
  });
});
