/**
 * One scenario's section: what it guards against, the clauses it checks, every check with what it saw, the
 * world it ran in, and the evidence — each exchange with the gateway (north) and each request the gateway made
 * to the simulators (south), folded so that a long run stays readable.
 */
import type {
  CheckResult,
  NorthExchange,
  ResultCode,
  ScenarioResult,
  SouthExchange,
} from "../../harness/run-result.js";
import { bodyText, bodyView, documentView, headersView } from "./bodies.js";
import { anchorOf, durationText, externalLink, type Html, html, sizeText } from "./markup.js";

/** Report order: what needs attention first. */
export const RESULT_ORDER: readonly ResultCode[] = ["fail", "error", "skip", "omit", "pass"];

export const RESULT_WORDS: Readonly<Record<ResultCode, string>> = {
  pass: "pass",
  fail: "FAIL",
  error: "ERROR",
  skip: "skip",
  omit: "omitted",
};

export function resultBadge(result: ResultCode): Html {
  return html`<span class="badge r-${result}">${RESULT_WORDS[result]}</span>`;
}

/** The first failed check of a scenario, as one line: its name and what it saw. */
export function firstEvidence(s: ScenarioResult): string {
  const failed = s.checks.find((c) => !c.passed && c.notRun !== true);
  if (failed !== undefined) return `${failed.name}: ${failed.detail}`;
  if (s.message !== undefined) return s.message;
  const made = s.checks.filter((c) => c.notRun !== true).length;
  return `${made} of ${s.checks.length} checks made, all passed`;
}

/**
 * One scenario's section. Its evidence is the gateway's, and nothing it holds may stop the page being written:
 * if showing it fails, the section says so and the other scenarios are shown as ever.
 */
export function scenarioSection(s: ScenarioResult): Html {
  try {
    return fullSection(s);
  } catch (error) {
    return html`<section class="scenario s-${String(s.result)}" id="${anchorOf(String(s.id))}" data-result="${String(s.result)}">
<h3>${String(s.id)} ${String(s.title)}</h3>
<p class="error-text">This scenario's evidence could not be shown (${(error as Error)?.message ?? String(error)}); report.json holds it whole.</p>
</section>`;
  }
}

function fullSection(s: ScenarioResult): Html {
  return html`<section class="scenario s-${s.result}" id="${anchorOf(s.id)}" data-result="${s.result}">
<h3>${resultBadge(s.result)} <span class="sid">${s.id}</span> ${s.title}</h3>
<dl class="facts">
<dt>Pack</dt><dd>${s.pack}</dd><dt>Level</dt><dd>${s.level}</dd>
<dt>Result</dt><dd>${RESULT_WORDS[s.result]}${s.message === undefined ? "" : html` — ${s.message}`}</dd>
<dt>Hazard</dt><dd>${s.hazard}</dd>
<dt>Specification</dt><dd>${specificationLinks(s)}</dd>
<dt>Started</dt><dd>${s.startedAt}</dd><dt>Duration</dt><dd>${durationText(s.durationMs)}</dd>
</dl>
${checksTable(s.checks)}
${documentView("The world it ran in", { text: JSON.stringify(s.evidence.world, null, 2), kind: "JSON" })}
${northList(s.evidence.north)}
${southList(s.evidence.south)}
<p class="top"><a href="#top">back to the top</a></p>
</section>`;
}

function specificationLinks(s: ScenarioResult): Html {
  const clauses = s.specification ?? [];
  if (clauses.length === 0) return html`<span class="muted">none named</span>`;
  return html`<ul class="clauses">${clauses.map((c) => html`<li>${externalLink(c.url, c.title)}</li>`)}</ul>`;
}

function checkMark(c: CheckResult, stopped: boolean): Html {
  if (c.notRun === true) return html`<span class="badge r-skip">not run</span>`;
  if (c.passed) return html`<span class="badge r-pass">passed</span>`;
  if (stopped) return html`<span class="badge r-fail">FAILED</span> <span class="muted">precondition</span>`;
  return html`<span class="badge r-fail">FAILED</span>`;
}

function checksTable(checks: readonly CheckResult[]): Html {
  if (checks.length === 0) return html`<p class="muted">No checks were made.</p>`;
  const rows = checks.map((c) => {
    const stopped = !c.passed && c.notRun !== true && c.precondition === true;
    const note = stopped
      ? html`<br><em>A precondition: the scenario stopped here; the checks after it were not made.</em>`
      : "";
    const state = c.notRun === true ? "notrun" : c.passed ? "passed" : "failed";
    return html`<tr class="check ${state}"><td>${checkMark(c, stopped)}</td><td>${c.name}</td><td>${c.detail}${note}</td></tr>`;
  });
  return html`<table class="checks"><caption>Checks, in the order they ran</caption><thead><tr><th>Result</th><th>Check</th><th>What was seen</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function northList(north: readonly NorthExchange[]): Html {
  if (north.length === 0) return html`<p class="muted">No exchanges with the gateway.</p>`;
  return html`<h4>Exchanges with the gateway (north): ${north.length}</h4>${north.map(northExchange)}`;
}

function northExchange(x: NorthExchange, i: number): Html {
  const answer =
    x.response !== undefined
      ? `${x.response.status}`
      : x.error !== undefined
        ? "no answer"
        : "no response recorded";
  return html`<details class="exchange north"><summary>${i + 1}. ${x.request.method} ${x.request.url} → ${answer} <span class="muted">(${durationText(x.elapsedMs)})</span></summary>
<div class="exchange-body">
<p>Sent ${x.startedAt ?? "(time not recorded)"}; answered in ${durationText(x.elapsedMs)}.</p>
<h5>Request</h5>
<p><code>${x.request.method} ${x.request.url}</code></p>
${headersView("Request headers", x.request.headers)}
${bodyView("Request body", x.request.body)}
<h5>Response</h5>
${x.error === undefined ? "" : html`<p class="error-text">Transport failure: ${x.error}</p>`}
${x.response === undefined ? html`<p class="muted">No response.</p>` : response(x.response)}
</div></details>`;
}

function response(r: NonNullable<NorthExchange["response"]>): Html {
  // A large answer was kept as its first part when the run read it: say so, with what identifies the whole.
  const omitted =
    r.omitted === undefined
      ? ""
      : html`<p class="muted">Only the first part of this answer was kept: ${r.omitted.note}. The whole answer was ${sizeText(r.omitted.bytes)} with SHA-256 <code>${r.omitted.sha256}</code>.</p>`;
  return html`<p>Status <strong>${r.status}</strong></p>${headersView("Response headers", r.headers)}${omitted}${bodyView("Response body", r.body)}`;
}

function southList(south: readonly SouthExchange[]): Html {
  if (south.length === 0)
    return html`<p class="muted">The gateway made no requests to the simulators (south).</p>`;
  return html`<h4>Requests the gateway made to the simulators (south): ${south.length}</h4>${south.map(southExchange)}`;
}

function southExchange(x: SouthExchange, i: number): Html {
  const where = x.ods === undefined ? x.target : `${x.target} ${x.ods}`;
  const query = Object.entries(x.query ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(", ") : v}`);
  return html`<details class="exchange south"><summary>${i + 1}. ${where}: ${x.method} ${x.path} → ${x.status} <span class="muted">(${durationText(x.latencyMs)})</span></summary>
<div class="exchange-body">
<dl class="facts">
<dt>Time</dt><dd>${x.time}</dd><dt>Target</dt><dd>${x.target}</dd>
<dt>ODS code</dt><dd>${x.ods ?? "—"}</dd><dt>NHS number</dt><dd>${x.nhsNumber ?? "—"}</dd>
<dt>Request</dt><dd><code>${x.method} ${x.path}</code></dd>
<dt>Query</dt><dd>${query.length === 0 ? "—" : html`<code>${query.join("; ")}</code>`}</dd>
<dt>Status</dt><dd>${x.status}</dd><dt>Latency</dt><dd>${durationText(x.latencyMs)}</dd>
</dl>
${headersView("Request headers", x.headers)}
${bodyView("Request body", x.body)}
${x.jwtClaims === undefined ? html`<p class="muted">No bearer token.</p>` : documentView("JWT claims", bodyText(x.jwtClaims))}
</div></details>`;
}
