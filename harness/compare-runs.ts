/**
 * Two runs of the same catalogue, compared scenario by scenario, so CI can gate on "no worse than the last
 * release": what newly fails, what was run before and is missing now, and what got better.
 */
import type { ResultCode, RunResult, ScenarioResult } from "./run-result.js";

/** How good a result is for the gateway: a move to a higher rank is a regression. */
const RANK: Readonly<Record<ResultCode, number>> = { pass: 0, omit: 1, skip: 1, fail: 2, error: 2 };

export interface ScenarioChange {
  readonly id: string;
  readonly title: string;
  readonly level: ScenarioResult["level"];
  /** undefined: not in that run. */
  readonly before?: ResultCode;
  readonly after?: ResultCode;
  /** Why it is worse now (the new run's message), or why it is missing. */
  readonly evidence?: string;
}

export interface RunComparison {
  /** Worse than before: newly failing or in error, no longer checked, or not run at all. */
  readonly regressions: readonly ScenarioChange[];
  /** Better than before. */
  readonly improvements: readonly ScenarioChange[];
  readonly unchanged: number;
  /** Why the new run as a whole cannot stand in for the old one (it was interrupted), if so. */
  readonly incomplete?: string;
}

export function compareRuns(base: RunResult, next: RunResult): RunComparison {
  const after = new Map(next.scenarios.map((s) => [s.id, s]));
  const regressions: ScenarioChange[] = [];
  const improvements: ScenarioChange[] = [];
  let unchanged = 0;
  for (const old of base.scenarios) {
    const now = after.get(old.id);
    const change = { id: old.id, title: old.title, level: old.level, before: old.result };
    if (now === undefined) {
      regressions.push({ ...change, evidence: "run before, not run now" });
    } else if (RANK[now.result] > RANK[old.result]) {
      regressions.push({ ...change, after: now.result, ...evidenceOf(now) });
    } else if (RANK[now.result] < RANK[old.result]) {
      improvements.push({ ...change, after: now.result });
    } else {
      unchanged++;
    }
  }
  const known = new Set(base.scenarios.map((s) => s.id));
  for (const now of next.scenarios) {
    if (known.has(now.id)) continue;
    const change = { id: now.id, title: now.title, level: now.level, after: now.result };
    if (RANK[now.result] === 2) regressions.push({ ...change, ...evidenceOf(now) });
    else improvements.push(change);
  }
  return {
    regressions,
    improvements,
    unchanged,
    ...(next.complete ? {} : { incomplete: "the new run was interrupted before every scenario finished" }),
  };
}

function evidenceOf(scenario: ScenarioResult): { evidence?: string } {
  return scenario.message === undefined ? {} : { evidence: scenario.message };
}
