/** `gp-harness scenarios`: the catalogue, as a table, JSON or the README's Markdown. */
import { type Command, InvalidArgumentError, Option } from "commander";
import { nearestName } from "../manifest/suggest.js";
import { PACKS, type Pack } from "../scenario.js";
import { catalogue, catalogueTable } from "./catalogue.js";

function packArg(value: string): Pack {
  if ((PACKS as readonly string[]).includes(value)) return value as Pack;
  const near = nearestName(value, PACKS);
  throw new InvalidArgumentError(
    `no pack is called "${value}"${near === undefined ? "" : ` (did you mean ${near}?)`}; the packs: ${PACKS.join(", ")}`,
  );
}

export function registerScenariosCommand(cli: Command): void {
  cli
    .command("scenarios")
    .description("list the scenario catalogue")
    .option("--json", "print JSON instead of a table")
    .option("--markdown", "print the Markdown table the README shows")
    .addOption(
      new Option("--pack <pack>", `only one pack's scenarios (${PACKS.join(", ")})`).argParser(packArg),
    )
    .action(async (options: { json?: boolean; markdown?: boolean; pack?: Pack }) => {
      const all = await catalogue();
      const scenarios = options.pack === undefined ? all : all.filter((s) => s.pack === options.pack);
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
