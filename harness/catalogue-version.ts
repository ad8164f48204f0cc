/**
 * The version of a scenario catalogue: a digest of each scenario's id, level, world and steps, in id order. It
 * changes whenever a scenario is added, removed or its checks change, so `compare` can refuse two runs of
 * different catalogues, and a filed report says exactly which checks it ran.
 */
import { createHash } from "node:crypto";
import type { Scenario } from "./scenario.js";

export function catalogueVersion(scenarios: readonly Scenario[]): string {
  const hash = createHash("sha256");
  for (const scenario of [...scenarios].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(
      JSON.stringify([
        scenario.id,
        scenario.level,
        scenario.requires ?? [],
        scenario.world,
        // The steps and expectations, as written: whitespace aside, any change to them is a new catalogue.
        scenario.run.toString().replace(/\s+/g, " "),
      ]),
    );
    hash.update("\n");
  }
  return `sha256:${hash.digest("hex").slice(0, 16)}`;
}
