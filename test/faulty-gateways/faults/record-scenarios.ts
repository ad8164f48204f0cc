/**
 * The scenarios that expect a record (`expect.record`), found in the catalogue itself: a fault that spoils
 * every record's shape fails each of them, and a scenario added that returns a record joins them unlisted.
 */
import { loadCatalogue } from "../../../scenarios/index.js";

export const RECORD_SCENARIOS: readonly string[] = (await loadCatalogue())
  .filter((scenario) => /\bexpect\.record\(/.test(scenario.run.toString()))
  .map((scenario) => scenario.id);

/** Each record scenario, failing with these words. */
export function everyRecordScenario(words: RegExp): Record<string, RegExp> {
  return Object.fromEntries(RECORD_SCENARIOS.map((id) => [id, words]));
}
