/**
 * report.html as text (no browser): everything the gateway said is escaped, long bodies are folded whole with
 * their size and what a preview leaves out, nothing is loaded from anywhere, and an interrupted run never
 * looks like a pass. (test/report-html.browser.test.ts opens it in a real browser.)
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../harness/run-result.js";
import { bodyView, INLINE_LIMIT, PRETTY_LIMIT, PREVIEW_LENGTH } from "../reports/html/bodies.js";
import { escapeHtml, externalLink } from "../reports/html/markup.js";
import { htmlReport } from "../reports/html/page.js";
import {
  handMadeRun,
  hostileScenario,
  largeBundle,
  loadFigures,
  passingScenario,
} from "./support/report-fixtures.js";

const tags = (page: string, name: string) => page.match(new RegExp(`<${name}[\\s>]`, "gi"))?.length ?? 0;

describe("report.html escapes what the gateway said", () => {
  const page = htmlReport(handMadeRun([hostileScenario("SECURITY-99", 20_000), passingScenario("CORE-01")]));

  it("keeps the gateway's markup as text: its only script, style, and no images, frames, links or svg", () => {
    expect(tags(page, "script")).toBe(1);
    expect(tags(page, "style")).toBe(1);
    for (const name of ["img", "iframe", "link", "svg", "object", "embed"]) expect(tags(page, name)).toBe(0);
    expect(page).not.toContain("</script><script>alert(1)");
    expect(page).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    // In headers, check details, messages, the world, JWT claims, queries, logs and transport errors alike.
    expect(page.split("&lt;img src=").length - 1).toBeGreaterThanOrEqual(10);
  });

  it("links a clause only when it is a web address", () => {
    expect(page).toContain(
      '<a href="https://developer.nhs.uk/apis/gpconnect/development_fhir_error_handling_guidance.html" rel="noreferrer noopener" target="_blank">',
    );
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).toContain("not a web address (javascript:alert(4))");
    expect(externalLink('https://x.test/"onmouseover="alert(1)', "t").text).not.toMatch(/"onmouseover/);
  });

  it("forbids every load in its Content-Security-Policy, allowing only its own script by hash", () => {
    const csp = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    const script = page.match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? "";
    const hash = createHash("sha256").update(script, "utf8").digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(page.indexOf("Content-Security-Policy")).toBeLessThan(page.indexOf("<title>"));
  });

  it("escapes quotes for attributes, and only <, > and & in a body's text", () => {
    expect(escapeHtml(`"'<>&`)).toBe("&quot;&#39;&lt;&gt;&amp;");
    expect(bodyView("Body", { a: '"<b>"' }).text).toContain('"a": "\\"&lt;b&gt;\\""');
  });
});

describe("report.html folds long bodies, never cutting them", () => {
  it("shows a short body whole, without a fold", () => {
    const view = bodyView("Response body", { resourceType: "OperationOutcome" }).text;
    expect(view).not.toContain("<details");
    expect(view).toContain('"resourceType": "OperationOutcome"');
    expect(view).toContain("JSON OperationOutcome");
  });

  it("folds a long body with its size, and says how much its preview leaves out; the fold holds it whole", () => {
    const bundle = largeBundle(PRETTY_LIMIT * 3);
    const compact = JSON.stringify(bundle);
    const view = bodyView("Response body", bundle).text;
    expect(view).toMatch(/^<details class="doc fold" data-size="\d+">/);
    expect(view).toContain(`(JSON Bundle, shown compact, ${(compact.length / 1000).toFixed(1)} kB)`);
    const left = (compact.length - PREVIEW_LENGTH).toLocaleString("en-GB");
    expect(view).toContain(
      `a preview of ${PREVIEW_LENGTH} of ${compact.length.toLocaleString("en-GB")} characters (${left} left out here)`,
    );
    const whole = view.match(/<pre>([\s\S]*)<\/pre>/)?.[1] ?? "";
    expect(whole.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")).toBe(compact);
  });

  it("indents a mid-sized JSON body received as text, and folds it", () => {
    const text = JSON.stringify({ resourceType: "Bundle", entry: "x".repeat(INLINE_LIMIT) });
    const view = bodyView("Response body", text).text;
    expect(view).toContain("JSON Bundle, received as text, shown indented");
    expect(view).toContain('  "resourceType": "Bundle",');
  });

  it("says when there is no body", () => {
    expect(bodyView("Request body", undefined).text).toContain("Request body: none");
  });
});

describe("report.html's account of the run", () => {
  const failed: ScenarioResult = {
    ...passingScenario("CONSENT-02", {
      pack: "consent",
      hazard: "A patient who says no has their record read.",
    }),
    result: "fail",
    message: "1 check failed",
    checks: [
      { name: "HTTP status 403", passed: false, detail: "the gateway answered 200", precondition: true },
      { name: "no record request to the practice", passed: true, detail: "skipped", notRun: true },
    ],
  };
  const result = handMadeRun([
    passingScenario("CORE-01"),
    failed,
    passingScenario("CORE-02", { level: "SHOULD" }),
  ]);
  const page = htmlReport(result);

  it("puts the verdict first, with its reason and the totals", () => {
    expect(page.indexOf('id="verdict"')).toBeLessThan(page.indexOf('id="tested"'));
    expect(page).toMatch(/class="verdict v-fail"[\s\S]*Verdict: <span class="verdict-word">FAIL<\/span>/);
    expect(page).toContain("1 MUST scenario did not pass: CONSENT-02 (fail)");
    expect(page).toContain('<li class="t-pass"><strong>2</strong> passed</li>');
  });

  it("says what was tested and how", () => {
    for (const fact of [
      "Example Gateway 2.3.1",
      "point-of-access-consent",
      "/etc/example-gateway.json",
      "version sha256:0123456789abcdef, 14 scenarios",
      "the whole catalogue: 3 of 14 scenarios",
      "seed 3, reference date 2026-11-25",
      "(2.5 s wall time)",
      "Node.js v20.0.0",
    ])
      expect(page).toContain(fact);
  });

  it("lists failed scenarios first, and marks a precondition that stopped one", () => {
    const order = [...page.matchAll(/<section class="scenario s-\w+" id="([\w-]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["CONSENT-02", "CORE-01", "CORE-02"]);
    expect(page).toContain("A precondition: the scenario stopped here; the checks after it were not made.");
    expect(page).toContain('<span class="badge r-skip">not run</span>');
  });

  it("counts each pack at each level, linking the ids, and logs each hazard with its first failed check", () => {
    expect(page).toMatch(/<th scope="row">consent<\/th><td class="cell c-fail">.*1 FAIL.*href="#CONSENT-02"/);
    expect(page).toMatch(
      /<th scope="row">core<\/th><td class="cell c-pass">.*1 pass.*<\/td><td class="cell c-pass">/,
    );
    expect(page).toMatch(
      /A patient who says no has their record read\.[\s\S]*?HTTP status 403: the gateway answered 200/,
    );
    expect(page).toContain("DCB0129");
  });

  it("shows an interrupted run as INCOMPLETE, never as a pass, and lists what did not run", () => {
    const { id, title, pack, level, hazard } = failed;
    const page = htmlReport(handMadeRun([passingScenario("CORE-01")], [{ id, title, pack, level, hazard }]));
    expect(page).toContain('class="verdict v-incomplete"');
    expect(page).toContain("INCOMPLETE");
    expect(page).not.toContain('class="verdict v-pass"');
    expect(page).toContain("CONSENT-02</span> [consent, MUST] Title of CONSENT-02 — not run: interrupted.");
  });
});

describe("report.html and an answer the run kept only the first part of", () => {
  it("says so, with the whole answer's size and digest", () => {
    const scenario = passingScenario("CORE-01");
    const kept: ScenarioResult = {
      ...scenario,
      evidence: {
        ...scenario.evidence,
        north: [
          {
            request: {
              method: "POST",
              url: "http://127.0.0.1:1/Patient/$gpc.getstructuredrecord",
              headers: {},
            },
            response: {
              status: 200,
              headers: { "content-type": "application/fhir+json" },
              body: '{"resourceType":"Bundle","entry":[',
              omitted: {
                bytes: 3 * 1024 * 1024,
                sha256: "ab".repeat(32),
                note: "the answer is 3 MiB; the first 64 KiB are shown, the rest left out",
              },
            },
            elapsedMs: 12,
          },
        ],
      },
    };
    const page = htmlReport(handMadeRun([kept]));
    expect(page).toContain(
      "Only the first part of this answer was kept: the answer is 3 MiB; the first 64 KiB are shown, the rest left out.",
    );
    expect(page).toContain(`SHA-256 <code>${"ab".repeat(32)}</code>`);
  });
});

describe("report.html's latency charts", () => {
  it("draws, for each load a scenario measured, its distribution, the run over time and the slowest requests' waterfall", () => {
    const scenario: ScenarioResult = {
      ...passingScenario("PERFORMANCE-02"),
      latency: [loadFigures("steady load <script>", 200)],
    };
    const page = htmlReport(handMadeRun([scenario]));
    expect(page).toContain('<section id="latency"><h2>Latency under load</h2>');
    expect(page).toContain('<a href="#latency">Latency</a>');
    for (const chart of ["latency distribution", "latency over time", "overhead waterfall"]) {
      expect(page).toContain(`aria-label="${chart}"`);
    }
    expect(page).toContain("steady load &lt;script&gt;");
    expect(page).toContain("<title>practice A81001: 780 ms from 50 ms, status 200</title>");
    expect(page).toContain("<title>second 1: 1 failed, 0 dropped</title>");
    expect(page).toMatch(/gateway&#39;s own overhead<\/text><text [^>]*>p50/);
  });
});
