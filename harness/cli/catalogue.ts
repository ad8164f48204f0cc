/** The scenario catalogue as the command line uses it: loaded once, a broken file reported as a usage error. */
import { CatalogueError, loadCatalogue } from "../../scenarios/index.js";
import type { Scenario } from "../scenario.js";
import { cliError } from "./errors.js";

let loaded: Promise<Scenario[]> | undefined;

export function catalogue(): Promise<Scenario[]> {
  loaded ??= loadCatalogue().catch((error: unknown) => {
    throw error instanceof CatalogueError ? cliError("CATALOGUE_INVALID", error.message) : error;
  });
  return loaded;
}

/** The catalogue as a Markdown table, as the README shows it. */
export function catalogueTable(scenarios: readonly Scenario[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const rows = scenarios.map(
    (s) => `| ${s.id} | ${s.level} | ${s.pack} | ${cell(s.title)} | ${cell(s.hazard)} |`,
  );
  return ["| id | level | pack | checks | guards against |", "| --- | --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}
