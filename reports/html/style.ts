/** The report's style: plain, printable, with colours that say the result even without its words. */
import type { ResultCode } from "../../harness/run-result.js";

const RESULTS: readonly ResultCode[] = ["pass", "fail", "error", "skip", "omit"];

/** The filter: with `data-show="fail"` on the body, only failed scenarios stay shown (and so on). */
const FILTER = RESULTS.map(
  (r) => `body[data-show="${r}"] section.scenario:not([data-result="${r}"]) { display: none; }`,
).join("\n");

export const STYLE = `
:root { --pass: #1d6b2f; --pass-bg: #e3f4e6; --fail: #a4161a; --fail-bg: #fde5e5; --error: #6a1b9a;
  --error-bg: #f3e5f5; --skip: #7a5c00; --skip-bg: #fff4cf; --omit: #555; --omit-bg: #eee; --line: #ccc; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b;
  margin: 0 auto; max-width: 78rem; padding: 0 1rem 3rem; }
header { border-bottom: 2px solid #005eb8; margin-bottom: 1rem; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 1rem 0 0.4rem; }
h5 { font-size: 0.9rem; margin: 0.8rem 0 0.3rem; }
.subtitle, .muted { color: #555; }
nav a { white-space: nowrap; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 0.5rem; overflow: auto; max-height: 40rem;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.2rem 0; }
table { border-collapse: collapse; margin: 0.4rem 0; width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
thead th { background: #f0f4f5; }
.verdict { border: 3px solid; padding: 0.2rem 1rem 0.8rem; margin-top: 1rem; }
.v-pass { border-color: var(--pass); background: var(--pass-bg); }
.v-fail { border-color: var(--fail); background: var(--fail-bg); }
.v-incomplete { border-color: var(--skip); border-style: dashed;
  background: repeating-linear-gradient(45deg, var(--skip-bg), var(--skip-bg) 12px, #fff 12px, #fff 24px); }
.verdict h2 { border: 0; font-size: 1.6rem; }
.v-pass .verdict-word { color: var(--pass); }
.v-fail .verdict-word { color: var(--fail); }
.v-incomplete .verdict-word { color: var(--skip); }
.verdict-reason { font-size: 1.1rem; font-weight: 600; }
.warning { border-left: 4px solid var(--skip); background: var(--skip-bg); padding: 0.4rem 0.6rem; }
.totals { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.totals li { border: 1px solid var(--line); background: #fff; padding: 0.2rem 0.6rem; }
.totals .t-fail:not(.zero), .totals .t-error:not(.zero) { border-color: var(--fail); color: var(--fail); }
.totals .t-notrun:not(.zero) { border-color: var(--skip); color: var(--skip); }
.facts-table th { width: 14rem; background: #f7f7f7; }
.badge { display: inline-block; padding: 0 0.4rem; border-radius: 3px; font-size: 0.8rem; font-weight: 700;
  border: 1px solid; white-space: nowrap; }
.r-pass { color: var(--pass); } .badge.r-pass, .count.r-pass { background: var(--pass-bg); }
.r-fail { color: var(--fail); } .badge.r-fail, .count.r-fail { background: var(--fail-bg); }
.r-error { color: var(--error); } .badge.r-error, .count.r-error { background: var(--error-bg); }
.r-skip, .r-notrun { color: var(--skip); } .badge.r-skip, .badge.r-notrun, .count.r-skip { background: var(--skip-bg); }
.r-omit { color: var(--omit); } .badge.r-omit, .count.r-omit { background: var(--omit-bg); }
.matrix td.cell { width: 28%; }
.matrix td.cell.c-pass { background: var(--pass-bg); }
.matrix td.cell.c-fail { background: var(--fail-bg); }
.matrix td.cell.c-error { background: var(--error-bg); }
.matrix td.cell.c-skip { background: var(--skip-bg); }
.matrix td.cell.c-omit { background: var(--omit-bg); }
.matrix td.empty { color: #999; text-align: center; }
.count { padding: 0 0.3rem; border-radius: 3px; font-weight: 600; }
.ids a { font-size: 0.85rem; margin-right: 0.3rem; }
.hazards td.hazard { width: 30%; font-weight: 600; }
.hazards .res { width: 6rem; white-space: nowrap; }
.filter button { font: inherit; padding: 0.1rem 0.6rem; border: 1px solid var(--line); background: #fff;
  cursor: pointer; }
.filter button[aria-pressed="true"] { border-color: #005eb8; outline: 2px solid #005eb8; }
${FILTER}
section.scenario { border: 1px solid var(--line); border-left: 6px solid var(--pass); padding: 0.6rem 0.8rem;
  margin: 0.8rem 0; content-visibility: auto; contain-intrinsic-size: auto 30rem; }
section.scenario.s-fail { border-left-color: var(--fail); }
section.scenario.s-error { border-left-color: var(--error); }
section.scenario.s-skip { border-left-color: var(--skip); }
section.scenario.s-omit { border-left-color: var(--omit); }
.sid { font-family: ui-monospace, Menlo, Consolas, monospace; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.4rem 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.clauses { margin: 0; padding-left: 1.1rem; }
tr.check.failed td { background: var(--fail-bg); }
tr.check.notrun td { background: var(--skip-bg); }
details { margin: 0.3rem 0; }
details > summary { cursor: pointer; overflow-wrap: anywhere; }
details.exchange { border: 1px solid var(--line); padding: 0.2rem 0.5rem; }
details.exchange[open] { background: #fcfcfc; }
.exchange-body { padding: 0.2rem 0 0.4rem 1rem; }
.doc-label { font-weight: 600; }
code.preview { color: #444; }
.headers th { width: 16rem; font-weight: 500; font-family: ui-monospace, Menlo, Consolas, monospace;
  font-size: 0.85rem; }
.headers td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
.error-text { color: var(--fail); font-weight: 600; }
.top { text-align: right; font-size: 0.85rem; margin: 0.4rem 0 0; }
@media print { .filter, nav, .top { display: none; } section.scenario { break-inside: avoid-page; } }
`;
