/**
 * The scenario catalogue, discovered: every file in a pack's folder here named `{ID}-{what-it-checks}` is a
 * scenario (its default export), so adding a scenario is adding one file. A file that breaks the rules — a
 * name that is not a scenario's, an id or pack that disagrees with its name or folder, an id used twice — stops
 * the catalogue loading with an error naming the file, rather than being left out unseen.
 * Report order: the packs in PACKS order, then ids in number order.
 */
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PACKS, type Pack, SCENARIO_ID, type Scenario } from "../harness/scenario.js";

/** `CONSENT-02-refused.ts` (or .js once built): the id, then words for what it checks. */
const SCENARIO_FILE = new RegExp(`^(${SCENARIO_ID.source.slice(1, -1)})-[a-z0-9][a-z0-9-]*\\.(ts|js)$`);
/** What a build leaves beside a module and is not one. */
const NOT_A_MODULE = /(\.d\.ts|\.map)$/;

export class CatalogueError extends Error {
  override readonly name = "CatalogueError";
}

const isPack = (name: string): name is Pack => (PACKS as readonly string[]).includes(name);

/** The scenario files under `directory`, by pack folder. */
function scenarioFiles(directory: string): { pack: Pack; file: string; id: string }[] {
  const found: { pack: Pack; file: string; id: string }[] = [];
  for (const folder of readdirSync(directory).sort()) {
    if (!statSync(`${directory}/${folder}`).isDirectory()) continue;
    if (!isPack(folder)) {
      throw new CatalogueError(`scenarios/${folder}/ is not a pack; the packs are: ${PACKS.join(", ")}`);
    }
    for (const name of readdirSync(`${directory}/${folder}`).sort()) {
      if (NOT_A_MODULE.test(name)) continue;
      const match = SCENARIO_FILE.exec(name);
      if (match === null) {
        throw new CatalogueError(
          `scenarios/${folder}/${name} is not named as a scenario: {ID}-{what-it-checks}.ts, e.g. CONSENT-02-refused.ts`,
        );
      }
      found.push({ pack: folder, file: `${directory}/${folder}/${name}`, id: match[1] ?? "" });
    }
  }
  return found;
}

function checked(value: unknown, where: { pack: Pack; file: string; id: string }): Scenario {
  const scenario = value as Partial<Scenario> | undefined;
  const name = where.file.slice(where.file.lastIndexOf("/scenarios/") + 1);
  if (scenario === undefined || typeof scenario.run !== "function") {
    throw new CatalogueError(
      `${name} has no scenario as its default export (export default scenario({...}))`,
    );
  }
  if (scenario.id !== where.id) {
    throw new CatalogueError(`${name} declares id ${scenario.id}, but its name says ${where.id}`);
  }
  if (scenario.pack !== where.pack) {
    throw new CatalogueError(`${name} declares pack ${scenario.pack}, but it is in the ${where.pack} folder`);
  }
  return scenario as Scenario;
}

const packOrder = (scenario: Scenario) => PACKS.indexOf(scenario.pack);
const idNumber = (scenario: Scenario) => Number(/(\d+)$/.exec(scenario.id)?.[1] ?? 0);

/** Every scenario under `directory` (default: this folder), in report order. */
export async function loadCatalogue(
  directory = fileURLToPath(new URL(".", import.meta.url)),
): Promise<Scenario[]> {
  const files = scenarioFiles(directory.replace(/\/$/, ""));
  const scenarios: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const where of files) {
    const module = (await import(where.file)) as { default?: unknown };
    const scenario = checked(module.default, where);
    const twin = seen.get(scenario.id);
    if (twin !== undefined)
      throw new CatalogueError(`${scenario.id} is declared twice: ${twin} and ${where.file}`);
    seen.set(scenario.id, where.file);
    scenarios.push(scenario);
  }
  return scenarios.sort(
    (a, b) => packOrder(a) - packOrder(b) || idNumber(a) - idNumber(b) || a.id.localeCompare(b.id),
  );
}
