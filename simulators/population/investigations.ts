/**
 * Investigations: a laboratory report of a test's results, each value drawn about the analyte's mean (or the
 * mean a condition shifts it to) and flagged when outside the reference range.
 */
import { fromDayNumber, toDayNumber } from "./calendar.js";
import { gaussian } from "./distributions.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import type { AnalyteTerm, TestTerm } from "./record-terms.js";
import type { Investigation, TestResult } from "./types.js";

export function addInvestigation(
  b: RecordBuilder,
  test: TestTerm,
  collected: string,
  shift: Partial<Record<string, { mean: number; sd: number }>>,
  links: { problem?: string; requestedBy?: string; awaitingFiling?: boolean } = {},
): Investigation {
  const id = entryId("T", b.investigations.length + 1);
  const results: TestResult[] = [];
  for (let i = 0; i < test.analytes.length; i++) {
    const analyte = test.analytes[i] as AnalyteTerm;
    const { mean, sd } = shift[analyte.code.code] ?? analyte;
    const scale = 10 ** analyte.decimals;
    const value = Math.max(0, Math.round(gaussian(b.random, mean, sd) * scale) / scale);
    const result = { id: `${id}.${i + 1}`, code: analyte.code } as Mutable<TestResult>;
    const legacyCode = legacyCodeOf(analyte, b.practice);
    if (legacyCode !== undefined) result.legacyCode = legacyCode;
    result.value = { value, unit: analyte.unit, ucum: analyte.ucum };
    result.low = analyte.low;
    result.high = analyte.high;
    if (value > analyte.high) result.flag = "H";
    else if (value < analyte.low) result.flag = "L";
    results.push(result);
  }
  const reportedDay = toDayNumber(collected) + b.random.int(1, 3);
  const reported = fromDayNumber(Math.min(reportedDay, b.endDay));
  const investigation = {
    id,
    test: test.code,
    specimen: { system: "http://snomed.info/sct", code: "122555007", display: "Venous blood specimen" },
    collected,
    reported,
    laboratory: `${b.town} General Hospital Pathology`,
    results,
    requestedBy: links.requestedBy ?? b.clinician(),
  } as Mutable<Investigation>;
  if (links.problem !== undefined) investigation.problem = links.problem;
  if (links.awaitingFiling === true) investigation.awaitingFiling = true;
  b.investigations.push(investigation);
  return investigation;
}
