/**
 * The scenarios that expect a record (`expect.record`), found in the catalogue itself: a fault that spoils
 * every record's shape fails each of them, and a scenario added that returns a record joins them unlisted.
 */
import { loadCatalogue } from "../../../scenarios/index.js";

const CATALOGUE = await loadCatalogue();

export const RECORD_SCENARIOS: readonly string[] = CATALOGUE.filter((scenario) =>
  /\bexpect\.record\(/.test(scenario.run.toString()),
).map((scenario) => scenario.id);

/** Each record scenario, failing with these words. */
export function everyRecordScenario(words: RegExp): Record<string, RegExp> {
  return Object.fromEntries(RECORD_SCENARIOS.map((id) => [id, words]));
}

/**
 * Every scenario of the catalogue but these, each with these words: for a fault whose harm to one scenario
 * depends on what the scenarios beside it did first (a breaker tripped, a queue filled), so it may fail any.
 */
export function anyScenarioBut(except: readonly string[], words: RegExp): Record<string, RegExp> {
  return Object.fromEntries(CATALOGUE.filter((s) => !except.includes(s.id)).map((s) => [s.id, words]));
}
