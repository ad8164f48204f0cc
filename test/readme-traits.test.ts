/**
 * The README's table of traits is where a scenario author looks up what a trait gives a patient: it must name
 * every trait the population knows, each in one row of one unbroken table.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TRAITS } from "../simulators/population/types.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

function traitsTable(): string[][] {
  const lines = readme.split("\n");
  const header = lines.findIndex((line) => /^\|\s*trait\s*\|\s*what the patient gets\s*\|$/.test(line));
  expect(header, "the README has a table headed 'trait | what the patient gets'").toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe("the README's table of traits", () => {
  it("has one two-cell row for every trait, and no row for a trait that does not exist", () => {
    const rows = traitsTable();
    for (const row of rows) expect(row, `row ${row.join(" | ")}`).toHaveLength(2);
    const named = rows.map(([trait]) => trait?.replace(/^`|`$/g, ""));
    expect([...named].sort()).toEqual([...TRAITS].sort());
    for (const [, gets] of rows) expect(gets).not.toBe("");
  });
});
