/**
 * The latency charts of a run that measured load, as inline SVG drawn from the run result alone (no library,
 * nothing loaded): per load, the distribution (latency from the intended send time, end to end, and the
 * gateway's own overhead), the run over time (mean and slowest answer per second, failures and dropped sends),
 * and the waterfall of the slowest requests (where each one's time went: PDS, SDS, the practice, the gateway).
 */
import type {
  LatencyPercentiles,
  LoadFigures,
  RunResult,
  WaterfallFigure,
} from "../../harness/run-result.js";
import { type Html, html, join } from "./markup.js";

const WIDTH = 640;
const HOP_COLOURS = { pds: "#1d70b8", sds: "#4c2c92", practice: "#00703c" } as const;

export function latencySection(result: RunResult): Html {
  const loads = result.scenarios.flatMap((s) => (s.latency ?? []).map((figures) => ({ id: s.id, figures })));
  if (loads.length === 0) return html``;
  return html`<section id="latency"><h2>Latency under load</h2>
<p>Open-model loads: requests sent at a stated arrival rate whatever the gateway did, each latency measured from its <em>intended</em> send time, so a gateway that stalls cannot hide. The gateway's own overhead is its time less its waits on PDS, SDS and the practice.</p>
${loads.map(({ id, figures }) => loadView(id, figures))}
</section>`;
}

function loadView(id: string, f: LoadFigures): Html {
  const c = f.counts;
  return html`<div class="load"><h3><a href="#${id}">${id}</a>: ${f.label}</h3>
<p>${f.profile.executor}, ${f.profile.executor === "ramping-arrival-rate" ? "up to " : ""}${f.profile.ratePerSecond}/s for ${seconds(f.profile.durationMs)}, at most ${f.profile.pool} in flight; ${c.sent} sent of ${c.scheduled} scheduled (${c.late} late, ${c.dropped} dropped), ${c.failed} failed (error rate ${(f.errorRate * 100).toFixed(2)}%); practices EMIS ${f.mix.emis}, TPP ${f.mix.tpp}; consent granted ${f.mix.granted}, refused ${f.mix.refused}, emergency ${f.mix.emergency}.</p>
${stagesTable(f)}
${distribution(f)}
${overTime(f)}
${waterfall(f.slowest)}
</div>`;
}

/** A ramping load's stages, one row each: how latency and overhead moved as the rate rose. */
function stagesTable(f: LoadFigures): Html {
  if (f.stages === undefined || f.stages.length === 0) return html``;
  const rows = f.stages.map(
    (s) =>
      html`<tr><td>${s.label}</td><td>${s.sent}</td><td>${s.failed}</td><td>${s.dropped}</td><td>${ms(s.latency.p50)}</td><td>${ms(s.latency.p95)}</td><td>${ms(s.latency.p99)}</td><td>${ms(s.overhead.p50)}</td><td>${ms(s.overhead.p95)}</td></tr>`,
  );
  return html`<table class="stages"><caption>By stage</caption><thead><tr><th>stage</th><th>sent</th><th>failed</th><th>dropped</th><th>latency p50</th><th>p95</th><th>p99</th><th>overhead p50</th><th>p95</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Horizontal bars of each distribution's percentiles, on one scale. */
function distribution(f: LoadFigures): Html {
  const rows: Array<[string, LatencyPercentiles]> = [
    ["latency (from intended send)", f.latency],
    ["end to end", f.endToEnd],
    ["gateway's own overhead", f.overhead],
  ];
  const marks = ["p50", "p90", "p95", "p99", "max"] as const;
  const top = Math.max(1, ...rows.map(([, p]) => p.max));
  const rowHeight = 18;
  const bars = rows.flatMap(([label, p], r) =>
    marks.map((mark, m) => {
      const y = 20 + (r * marks.length + m) * rowHeight;
      const w = Math.max(1, (p[mark] / top) * (WIDTH - 260));
      return html`<text x="0" y="${y + 12}" font-size="11">${m === 0 ? label : ""}</text><text x="170" y="${y + 12}" font-size="11">${mark}</text><rect x="200" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${r === 2 ? "#d4351c" : "#1d70b8"}"><title>${label} ${mark}: ${ms(p[mark])}</title></rect><text x="${(204 + w).toFixed(1)}" y="${y + 12}" font-size="11">${ms(p[mark])}</text>`;
    }),
  );
  const height = 30 + rows.length * marks.length * rowHeight;
  return html`<figure><figcaption>Distribution</figcaption><svg role="img" aria-label="latency distribution" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">${join(bars, "")}</svg></figure>`;
}

/** Mean and slowest answer per second as lines; failed and dropped sends as red ticks. */
function overTime(f: LoadFigures): Html {
  const points = f.seconds;
  if (points.length === 0) return html``;
  const height = 160;
  const top = Math.max(1, ...points.map((p) => p.maxMs));
  const x = (i: number) => 40 + (i / Math.max(1, points.length - 1)) * (WIDTH - 60);
  const y = (v: number) => height - 20 - (v / top) * (height - 40);
  const line = (pick: (p: (typeof points)[number]) => number) =>
    points.map((p, i) => `${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(" ");
  const troubles = points.map((p, i) =>
    p.failed + p.dropped === 0
      ? html``
      : html`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${height - 18}" y2="${height - 4}" stroke="#d4351c" stroke-width="3"><title>second ${p.second}: ${p.failed} failed, ${p.dropped} dropped</title></line>`,
  );
  return html`<figure><figcaption>Over time: mean (blue) and slowest (orange) answer per second, up to ${ms(top)}; red: failures or dropped sends</figcaption><svg role="img" aria-label="latency over time" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><line x1="40" x2="${WIDTH - 20}" y1="${height - 20}" y2="${height - 20}" stroke="#b1b4b6"/><polyline fill="none" stroke="#1d70b8" stroke-width="2" points="${line((p) => p.meanMs)}"/><polyline fill="none" stroke="#f47738" stroke-width="2" points="${line((p) => p.maxMs)}"/>${join(troubles, "")}</svg></figure>`;
}

/** Each of the slowest requests as a row: its end-to-end span, and each south call within it. */
function waterfall(slowest: readonly WaterfallFigure[]): Html {
  if (slowest.length === 0) return html``;
  const rowHeight = 22;
  const top = Math.max(1, ...slowest.map((w) => w.latencyMs));
  const scale = (v: number) => (v / top) * (WIDTH - 220);
  const rows = slowest.map((w, r) => {
    const y = 10 + r * rowHeight;
    const hops = w.hops.map(
      (h) =>
        html`<rect x="${(200 + scale(h.startMs)).toFixed(1)}" y="${y + 3}" width="${Math.max(1, scale(h.ms)).toFixed(1)}" height="${rowHeight - 10}" fill="${HOP_COLOURS[h.target]}"><title>${h.target}${h.ods === undefined ? "" : ` ${h.ods}`}: ${ms(h.ms)} from ${ms(h.startMs)}, status ${h.status}</title></rect>`,
    );
    return html`<text x="0" y="${y + 13}" font-size="11">${w.nhsNumber} (${ms(w.latencyMs)}, own ${ms(w.overheadMs)})</text><rect x="200" y="${y}" width="${Math.max(1, scale(w.endToEndMs)).toFixed(1)}" height="${rowHeight - 4}" fill="#f3f2f1" stroke="#b1b4b6"><title>end to end ${ms(w.endToEndMs)}; the gateway's own ${ms(w.overheadMs)}</title></rect>${join(hops, "")}`;
  });
  const height = 20 + slowest.length * rowHeight;
  return html`<figure><figcaption>The slowest requests: where the time went (PDS blue, SDS purple, the practice green; grey: the request end to end, the rest of it the gateway's own)</figcaption><svg role="img" aria-label="overhead waterfall" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">${join(rows, "")}</svg></figure>`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function seconds(valueMs: number): string {
  return `${Math.round(valueMs / 100) / 10} s`;
}
