/**
 * `summary.md`: a short Markdown account of the run for a CI job summary or a pull-request comment — the
 * verdict, the counts, and each scenario that did not pass with its hazard and one line of evidence. Every
 * piece of text that came from the gateway is escaped, so it reads as text and cannot break the table,
 * start code, inject HTML or mention anyone.
 */

import { PACKS, type ResultCode, type RunResult, type ScenarioResult } from "../harness/run-result.js";
import { errorRateText, percentilesText } from "./latency-text.js";

/** Longest evidence line; the rest is in report.html, and the line says how much was left out. */
export const EVIDENCE_LENGTH = 240;
/** Most rows in the table of scenarios that did not pass; the rest are counted. */
export const MAX_ROWS = 50;

/**
 * Text made inert for a Markdown table cell: one line, HTML as entities, Markdown's punctuation
 * backslash-escaped (so a `|` cannot end the cell nor a backtick start code), and a zero-width space after
 * each `@` so that no one is mentioned.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b")
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`);
}

function shortened(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= EVIDENCE_LENGTH) return escapeMarkdown(line);
  const left = line.length - EVIDENCE_LENGTH;
  return `${escapeMarkdown(line.slice(0, EVIDENCE_LENGTH))} … (${left} more characters in report.html)`;
}

function evidence(s: ScenarioResult): string {
  const failed = s.checks.find((c) => !c.passed && c.notRun !== true);
  if (failed !== undefined) return shortened(`${failed.name}: ${failed.detail}`);
  return shortened(s.message ?? "no check failed");
}

const ORDER: readonly ResultCode[] = ["fail", "error", "skip", "omit"];

function verdictLine(result: RunResult): string {
  const word = !result.complete ? "INCOMPLETE" : result.verdict === "pass" ? "PASS" : "FAIL";
  const mark = !result.complete ? "⚠️" : result.verdict === "pass" ? "✅" : "❌";
  return `## ${mark} gp-harness: ${word} — ${escapeMarkdown(result.verdictReason)}`;
}

export function summaryMarkdown(result: RunResult): string {
  const g = result.gateway;
  const t = result.totals;
  const gateway = `${g.name}${g.version === undefined ? "" : ` ${g.version}`}`;
  const lines = [
    verdictLine(result),
    "",
    `Gateway **${escapeMarkdown(gateway)}** (${escapeMarkdown(g.profile)}), ${result.tool.name} ${escapeMarkdown(result.tool.version)}, catalogue ${escapeMarkdown(result.catalogue.version)} (${result.selection.selected} of ${result.catalogue.size} scenarios), region seed ${result.region.seed}, reference date ${escapeMarkdown(result.region.referenceDate)}, ${(result.durationMs / 1000).toFixed(1)} s.`,
    "",
    "| passed | failed | errors | skipped | omitted | not run |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${t.pass} | ${t.fail} | ${t.error} | ${t.skip} | ${t.omit} | ${result.notRun.length} |`,
  ];
  const packIndex = (s: ScenarioResult) => PACKS.indexOf(s.pack);
  const notPassed = result.scenarios
    .filter((s) => s.result !== "pass")
    .sort((a, b) => ORDER.indexOf(a.result) - ORDER.indexOf(b.result) || packIndex(a) - packIndex(b));
  if (notPassed.length > 0) {
    lines.push("", "| Scenario | Level | Result | Hazard | Evidence |", "|---|---|---|---|---|");
    for (const s of notPassed.slice(0, MAX_ROWS)) {
      lines.push(
        `| ${escapeMarkdown(s.id)} ${escapeMarkdown(s.title)} | ${s.level} | ${s.result} | ${escapeMarkdown(s.hazard)} | ${evidence(s)} |`,
      );
    }
    if (notPassed.length > MAX_ROWS)
      lines.push("", `…and ${notPassed.length - MAX_ROWS} more that did not pass: see report.html.`);
  }
  lines.push(...latencyTable(result));
  if (result.notRun.length > 0)
    lines.push("", `Not run (interrupted): ${result.notRun.map((s) => escapeMarkdown(s.id)).join(", ")}.`);
  lines.push("", "The whole evidence is in report.html; report.json holds the run for machines.");
  return `${lines.join("\n")}\n`;
}

/** Each load a scenario measured, and each stage of a ramping one: requests, errors, latency, overhead. */
function latencyTable(result: RunResult): string[] {
  const rows = result.scenarios.flatMap((s) =>
    (s.latency ?? []).flatMap((f) => [
      `| ${escapeMarkdown(s.id)} | ${escapeMarkdown(f.label)} | ${f.counts.sent} | ${errorRateText(f.counts.failed, f.counts.sent)} | ${percentilesText(f.latency, ["p50", "p95", "p99"])} | ${percentilesText(f.overhead, ["p50", "p95"])} |`,
      ...(f.stages ?? []).map(
        (stage) =>
          `| | ↳ ${escapeMarkdown(stage.label)} | ${stage.sent} | ${errorRateText(stage.failed, stage.sent)} | ${percentilesText(stage.latency, ["p50", "p95", "p99"])} | ${percentilesText(stage.overhead, ["p50", "p95"])} |`,
      ),
    ]),
  );
  if (rows.length === 0) return [];
  return [
    "",
    "Latency under load (from each request's intended send time; the gateway's own overhead is its time less its waits on PDS, SDS and the practice):",
    "",
    "| Scenario | Load | Sent | Errors | Latency | Gateway overhead |",
    "|---|---|---:|---:|---|---|",
    ...rows,
  ];
}
