/**
 * The report's overview: the verdict, what was tested and how, the pack × level matrix, the hazard log, and
 * the scenarios that did not run.
 */
import {
  type Level,
  PACKS,
  type ResultCode,
  type RunResult,
  type ScenarioResult,
  type ScenarioSummary,
} from "../../harness/run-result.js";
import { documentView } from "./bodies.js";
import { anchorOf, durationText, type Html, html } from "./markup.js";
import { firstEvidence, RESULT_ORDER, RESULT_WORDS, resultBadge } from "./scenario.js";

const LEVELS: readonly Level[] = ["MUST", "SHOULD", "MAY"];

/** PASS, FAIL, or INCOMPLETE (an interrupted run, never shown as a pass whatever finished). */
export function verdictWord(result: RunResult): "PASS" | "FAIL" | "INCOMPLETE" {
  if (!result.complete) return "INCOMPLETE";
  return result.verdict === "pass" ? "PASS" : "FAIL";
}

export function verdictSection(result: RunResult): Html {
  const word = verdictWord(result);
  const t = result.totals;
  const counts: Array<[string, number, string]> = [
    ["passed", t.pass, "pass"],
    ["failed", t.fail, "fail"],
    ["errors", t.error, "error"],
    ["skipped", t.skip, "skip"],
    ["omitted", t.omit, "omit"],
    ["not run", result.notRun.length, "notrun"],
  ];
  const interrupted = result.complete
    ? ""
    : html`<p class="warning">This run was interrupted: ${result.notRun.length} of the ${result.selection.selected} selected scenarios did not run, so this report cannot be a pass.</p>`;
  return html`<section id="verdict" class="verdict v-${word.toLowerCase()}">
<h2>Verdict: <span class="verdict-word">${word}</span></h2>
<p class="verdict-reason">${result.verdictReason}</p>
${interrupted}
<p class="muted">The verdict passes only when the run finished and every MUST scenario passed (a scenario omitted because the gateway does not declare its capability aside). SHOULD and MAY results are reported, not judged.</p>
<ul class="totals">${counts.map(([label, n, code]) => html`<li class="t-${code}${n === 0 ? " zero" : ""}"><strong>${n}</strong> ${label}</li>`)}</ul>
</section>`;
}

function row(label: string, value: Html | string | number): Html {
  return html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

export function testedSection(result: RunResult): Html {
  const g = result.gateway;
  const m = result.machine;
  const asked =
    result.selection.asked.length === 0 ? "the whole catalogue" : result.selection.asked.join(", ");
  const capabilities = g.capabilities.length === 0 ? "none declared" : g.capabilities.join(", ");
  return html`<section id="tested"><h2>What was tested, and how</h2>
<table class="facts-table"><tbody>
${row("Gateway", `${g.name}${g.version === undefined ? "" : ` ${g.version}`}`)}
${row("Gateway address", html`<code>${g.url}</code>`)}
${g.capabilityStatement === undefined ? "" : row("It says of itself", selfDescription(g.capabilityStatement))}
${row("How it was reached", g.launch)}
${row("Consumer profile", g.profile)}
${row("Declared capabilities", capabilities)}
${row("Manifest", g.manifest ?? "none (the default profile for a URL)")}
${row("Harness", `${result.tool.name} ${result.tool.version} (run result schema version ${result.schemaVersion})`)}
${row("Catalogue", `version ${result.catalogue.version}, ${result.catalogue.size} scenarios`)}
${row("Selection", `${asked}: ${result.selection.selected} of ${result.selection.catalogueSize} scenarios`)}
${row("Simulated region", `seed ${result.region.seed}, reference date ${result.region.referenceDate}${result.region.attached ? ` (an attached region: ${result.region.control})` : " (started by the run)"}`)}
${row("Run", `${result.startedAt} to ${result.finishedAt} (${durationText(result.durationMs)} wall time)`)}
${row("Machine", `${m.platform} ${m.release} ${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB memory; Node.js ${m.node}`)}
</tbody></table>
${g.logs === undefined || g.logs.length === 0 ? "" : documentView(`The gateway's last ${g.logs.length} log lines`, { text: g.logs.join("\n"), kind: "text" })}
</section>`;
}

function countsCell(scenarios: readonly ScenarioResult[]): Html {
  if (scenarios.length === 0) return html`<td class="empty">—</td>`;
  const counts = RESULT_ORDER.map((r) => [r, scenarios.filter((s) => s.result === r).length] as const).filter(
    ([, n]) => n > 0,
  );
  const worst = counts[0]?.[0] ?? "pass";
  return html`<td class="cell c-${worst}"><div class="counts">${counts.map(([r, n]) => html`<span class="count r-${r}">${n} ${RESULT_WORDS[r]}</span> `)}</div><div class="ids">${scenarios.map((s) => html`<a class="r-${s.result}" href="#${anchorOf(s.id)}" title="${s.title}">${s.id}</a> `)}</div></td>`;
}

export function matrixSection(result: RunResult): Html {
  const rows = PACKS.map((pack) => {
    const inPack = result.scenarios.filter((s) => s.pack === pack);
    const waiting = result.notRun.filter((s) => s.pack === pack).length;
    const note = waiting === 0 ? "" : html`<br><span class="muted">${waiting} not run</span>`;
    return html`<tr><th scope="row">${pack}${note}</th>${LEVELS.map((level) => countsCell(inPack.filter((s) => s.level === level)))}</tr>`;
  });
  return html`<section id="matrix"><h2>Packs and levels</h2>
<p class="muted">Each cell counts the scenarios of a pack at a level by result; the ids link to their evidence.</p>
<table class="matrix"><thead><tr><th>Pack</th>${LEVELS.map((l) => html`<th>${l}</th>`)}</tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

/** Longest evidence line in the hazard log; the scenario's own section has it whole. */
export const EVIDENCE_LENGTH = 300;

function evidenceLine(s: ScenarioResult): Html {
  const line = firstEvidence(s);
  if (line.length <= EVIDENCE_LENGTH) return html`${line}`;
  const left = line.length - EVIDENCE_LENGTH;
  return html`${line.slice(0, EVIDENCE_LENGTH)} <span class="muted">… ${left.toLocaleString("en-GB")} more characters: the whole is in <a href="#${anchorOf(s.id)}">${s.id}</a></span>`;
}

type Guard = { readonly summary: ScenarioSummary; readonly result?: ScenarioResult };

export function hazardSection(result: RunResult): Html {
  const hazards = new Map<string, Guard[]>();
  const guards: Guard[] = [
    ...result.scenarios.map((s) => ({ summary: s, result: s })),
    ...result.notRun.map((s) => ({ summary: s })),
  ];
  for (const g of guards) hazards.set(g.summary.hazard, [...(hazards.get(g.summary.hazard) ?? []), g]);
  const rank = (g: Guard) => (g.result === undefined ? 1.5 : RESULT_ORDER.indexOf(g.result.result));
  const ordered = [...hazards.entries()].sort(
    ([, a], [, b]) => Math.min(...a.map(rank)) - Math.min(...b.map(rank)),
  );
  const rows = ordered.flatMap(([hazard, list]) =>
    list.map(
      (g, i) =>
        html`<tr>${i === 0 ? html`<td rowspan="${list.length}" class="hazard">${hazard}</td>` : ""}<td><a href="#${anchorOf(g.summary.id)}">${g.summary.id}</a> <span class="muted">${g.summary.level}</span><br>${g.summary.title}</td><td class="res">${g.result === undefined ? html`<span class="badge r-notrun">not run</span>` : resultBadge(g.result.result)}</td><td>${g.result === undefined ? "not run: the run was interrupted" : evidenceLine(g.result)}</td></tr>`,
    ),
  );
  return html`<section id="hazards"><h2>Hazard log</h2>
<p>Each clinical hazard the catalogue guards against, the scenarios that guard it, their result and the evidence (the first failed check). DCB0129 and DCB0160 are the NHS clinical risk management standards for health IT: DCB0129 binds the manufacturer of a system and DCB0160 the organisation that deploys and uses it, and each requires a hazard log and a clinical safety case kept by a clinical safety officer; this table is evidence for those logs.</p>
<table class="hazards"><thead><tr><th>Hazard</th><th>Guarded by</th><th class="res">Result</th><th>Evidence</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

export function notRunSection(notRun: readonly ScenarioSummary[]): Html {
  if (notRun.length === 0) return html``;
  return html`<section id="not-run"><h2>Not run: ${notRun.length}</h2>
<p class="warning">The run was interrupted before these selected scenarios started; they were neither passed nor failed.</p>
<ul>${notRun.map((s) => html`<li id="${anchorOf(s.id)}"><span class="sid">${s.id}</span> [${s.pack}, ${s.level}] ${s.title} — not run: interrupted. <span class="muted">Hazard: ${s.hazard}</span></li>`)}</ul>
</section>`;
}

/** How many scenarios have each result, for the filter's buttons. */
export function resultCounts(scenarios: readonly ScenarioResult[]): ReadonlyArray<[ResultCode, number]> {
  return RESULT_ORDER.map((r) => [r, scenarios.filter((s) => s.result === r).length] as [ResultCode, number]);
}

/** The gateway's CapabilityStatement, in words. */
function selfDescription(c: NonNullable<RunResult["gateway"]["capabilityStatement"]>): string {
  const software = [c.softwareName, c.softwareVersion].filter((part) => part !== undefined).join(" ");
  return [
    software === "" ? undefined : software,
    c.fhirVersion === undefined ? undefined : `FHIR ${c.fhirVersion}`,
    c.publisher === undefined ? undefined : `published by ${c.publisher}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
}
