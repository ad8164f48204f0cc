/** `gp-harness scenarios`: the catalogue, as a table, JSON or the README's Markdown. */
import type { Command } from "commander";
import { catalogue, catalogueTable } from "./catalogue.js";

export function registerScenariosCommand(cli: Command): void {
  cli
    .command("scenarios")
    .description("list the scenario catalogue")
    .option("--json", "print JSON instead of a table")
    .option("--markdown", "print the Markdown table the README shows")
    .action(async (options: { json?: boolean; markdown?: boolean }) => {
      const scenarios = await catalogue();
      if (options.json) {
        const rows = scenarios.map(({ id, title, pack, level, hazard, requires }) => ({
          id,
          title,
          pack,
          level,
          hazard,
          requires: requires ?? [],
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (options.markdown) {
        process.stdout.write(`${catalogueTable(scenarios)}\n`);
      } else {
        for (const s of scenarios) {
          process.stdout.write(`${s.id.padEnd(15)} ${s.level.padEnd(6)} ${s.pack.padEnd(16)} ${s.title}\n`);
        }
      }
    });
}
