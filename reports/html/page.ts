/**
 * `report.html`: the report a commissioner reads and files. One self-contained file — inline style and a few
 * lines of inline script, nothing loaded from anywhere (its Content-Security-Policy forbids every load, so even
 * a gateway's answer that slipped past escaping could not fetch anything) — that opens from disk.
 */
import { createHash } from "node:crypto";
import { PACKS, type ResultCode, type RunResult, type ScenarioResult } from "../../harness/run-result.js";
import { latencySection } from "./latency.js";
import { Html, html, join } from "./markup.js";
import {
  hazardSection,
  matrixSection,
  notRunSection,
  resultCounts,
  testedSection,
  verdictSection,
  verdictWord,
} from "./overview.js";
import { RESULT_ORDER, RESULT_WORDS, scenarioSection } from "./scenario.js";
import { STYLE } from "./style.js";

/** The filter by result: the buttons set `data-show` on the body, and the style hides the rest. */
const SCRIPT = `document.querySelectorAll("button[data-filter]").forEach(function (button) {
  button.addEventListener("click", function () {
    document.body.setAttribute("data-show", button.getAttribute("data-filter"));
    document.querySelectorAll("button[data-filter]").forEach(function (other) {
      other.setAttribute("aria-pressed", String(other === button));
    });
  });
});`;

/** The policy, written into the page as it is (it holds no `"`, and its quotes must stay quotes). */
function contentSecurityPolicy(): string {
  const scriptHash = createHash("sha256").update(SCRIPT, "utf8").digest("base64");
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${scriptHash}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** Scenarios in report order: what needs attention first, then by pack and id. */
export function reportOrder(scenarios: readonly ScenarioResult[]): ScenarioResult[] {
  const packIndex = (s: ScenarioResult) => PACKS.indexOf(s.pack);
  return [...scenarios].sort(
    (a, b) =>
      RESULT_ORDER.indexOf(a.result) - RESULT_ORDER.indexOf(b.result) ||
      packIndex(a) - packIndex(b) ||
      a.id.localeCompare(b.id),
  );
}

function filterBar(scenarios: readonly ScenarioResult[]): Html {
  const buttons = resultCounts(scenarios)
    .filter(([, n]) => n > 0)
    .map(
      ([r, n]: [ResultCode, number]) =>
        html`<button type="button" data-filter="${r}" aria-pressed="false" class="r-${r}">${RESULT_WORDS[r]} (${n})</button>`,
    );
  return html`<p class="filter">Show: <button type="button" data-filter="all" aria-pressed="true">all (${scenarios.length})</button> ${join(buttons, " ")}</p>`;
}

function scenariosSection(result: RunResult): Html {
  const ordered = reportOrder(result.scenarios);
  return html`<section id="scenarios"><h2>Scenarios: ${ordered.length} run</h2>
<p class="muted">Those that did not pass come first. Each exchange and each long body is folded: open it to read it.</p>
${filterBar(ordered)}
${ordered.map(scenarioSection)}
</section>`;
}

export function htmlReport(result: RunResult): string {
  const word = verdictWord(result);
  const title = `gp-harness report: ${word} — ${result.gateway.name} — ${result.startedAt}`;
  const page = html`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${new Html(contentSecurityPolicy())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body data-show="all">
<header id="top">
<h1>GP record-sharing gateway conformance report</h1>
<p class="subtitle">${result.gateway.name}${result.gateway.version === undefined ? "" : ` ${result.gateway.version}`} · run ${result.startedAt} · ${result.tool.name} ${result.tool.version}</p>
<nav><a href="#verdict">Verdict</a> · <a href="#tested">What was tested</a> · <a href="#matrix">Packs and levels</a> · <a href="#hazards">Hazard log</a>${result.scenarios.some((s) => (s.latency ?? []).length > 0) ? html` · <a href="#latency">Latency</a>` : ""} · <a href="#scenarios">Scenarios</a>${result.notRun.length === 0 ? "" : html` · <a href="#not-run">Not run</a>`}</nav>
</header>
<main>
${verdictSection(result)}
${testedSection(result)}
${matrixSection(result)}
${hazardSection(result)}
${latencySection(result)}
${notRunSection(result.notRun)}
${scenariosSection(result)}
</main>
<footer><p class="muted">Written by ${result.tool.name} ${result.tool.version} from the run result (schema version ${result.schemaVersion}); report.json beside this file holds the same run for machines.</p></footer>
<script>${new Html(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
