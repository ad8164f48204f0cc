/** `report.json`: the run result itself, as written for machines (CI scripts, baselines, archives). */
import type { RunResult } from "../harness/run-result.js";

export function reportJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
