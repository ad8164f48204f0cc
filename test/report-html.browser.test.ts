/**
 * report.html opened from disk in a real browser (Debian's Chromium, driven by playwright-core): the run of
 * the whole catalogue against the reference gateway, plus a failing scenario full of hostile markup with a
 * very large record. The verdict, the matrix and the hazard log are there, a folded exchange opens to its
 * content, the filter works, and the page makes no network request and logs no error. A long run with large
 * records is measured too. Screenshots, reports and figures are left in $TMPDIR/gp-harness-report-html/.
 *
 * Where no Chromium is installed these are skipped, and the run says so (DEVELOPERS.md says how to install it).
 */
import { existsSync } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKS, type RunResult } from "../harness/run-result.js";
import { writeReports } from "../reports/write-reports.js";
import {
  bigRun,
  HOSTILE,
  hostileScenario,
  largeBundle,
  realRun,
  runResultOf,
} from "./support/report-fixtures.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where the screenshots, reports and figures are left for a look after the run (outside the repository). */
const OUTPUT = join(tmpdir(), "gp-harness-report-html");
const RECORD_BYTES = 3_000_000;
const present = existsSync(CHROMIUM);
if (!present) {
  console.warn(`report-html.browser: skipped: no Chromium at ${CHROMIUM} (see DEVELOPERS.md to install it)`);
}

/** What a page did that a report must never do: log an error, raise one, open a dialog, or load from afar. */
interface Watched {
  readonly errors: string[];
  readonly requests: string[];
}

function watch(page: Page): Watched {
  const watched: Watched = { errors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") watched.errors.push(message.text());
  });
  page.on("pageerror", (error) => watched.errors.push(error.message));
  page.on("dialog", (dialog) => {
    watched.errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("request", (request) => {
    if (!/^(file|data):/.test(request.url())) watched.requests.push(request.url());
  });
  return watched;
}

describe("report.html in a browser", () => {
  let browser: Browser;
  let real: RunResult;

  beforeAll(async () => {
    if (!present) return;
    await rm(OUTPUT, { recursive: true, force: true });
    await mkdir(OUTPUT, { recursive: true });
    real = await realRun();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!present)(
    "opens from disk with the verdict, the matrix, the hazard log and the evidence, loading nothing",
    async () => {
      const dir = join(OUTPUT, "run");
      const hostile = hostileScenario("SECURITY-99", RECORD_BYTES);
      await writeReports(dir, runResultOf(real, [hostile, ...real.scenarios]));
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const watched = watch(page);
      await page.goto(pathToFileURL(join(dir, "report.html")).href, { waitUntil: "load" });

      await expect.poll(() => page.locator("#verdict .verdict-word").textContent()).toBe("FAIL");
      expect(await page.locator("#verdict .verdict-reason").textContent()).toBe(
        "1 MUST scenario did not pass: SECURITY-99 (fail)",
      );
      const packs = await page.locator("#matrix tbody th").allTextContents();
      expect(packs.map((p) => p.replace(/\d+ not run/, ""))).toEqual([...PACKS]);
      expect(await page.locator("#matrix tbody td.c-fail a.r-fail").allTextContents()).toEqual([
        "SECURITY-99",
      ]);
      const hazard = page.locator("#hazards tr", { hasText: hostile.hazard });
      expect(await hazard.textContent()).toContain("the answer leaks no stack trace: found | a pipe");
      await page.screenshot({ path: join(OUTPUT, "report.png") });

      const section = page.locator("#SECURITY-99");
      const exchange = section.locator("details.exchange.north").first();
      expect(await exchange.locator("table.headers").first().isVisible()).toBe(false);
      await exchange.locator("summary").first().click();
      await expect.poll(() => exchange.locator("table.headers").first().isVisible()).toBe(true);
      expect(await exchange.locator("table.headers").nth(1).textContent()).toContain(
        '</script><script>alert(1)</script><img src="http://198.51.100.7/pixel.png"',
      );
      const body = exchange.locator("details.fold").last();
      expect(await body.locator("summary").textContent()).toMatch(
        /Response body \(JSON Bundle, shown compact, 3\.0 MB\)/,
      );
      await body.locator("summary").click();
      const whole = JSON.stringify({ ...largeBundle(RECORD_BYTES), note: HOSTILE });
      expect(await body.locator("pre").textContent()).toBe(whole);
      await exchange.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(OUTPUT, "exchange.png") });

      expect(await page.locator("script").count()).toBe(1);
      expect(await page.locator("img, iframe, link, object, embed").count()).toBe(0);
      // The only drawings are the latency charts of the loads the run measured, none of the gateway's making.
      expect(await page.locator("svg").count()).toBe(await page.locator("#latency svg").count());
      expect(await page.locator("#latency svg").count()).toBeGreaterThan(0);
      expect(watched.errors).toEqual([]);
      expect(watched.requests).toEqual([]);
      await page.close();
    },
  );

  it.skipIf(!present)("filters the scenarios by result", async () => {
    const dir = join(OUTPUT, "filter");
    await writeReports(dir, runResultOf(real, [hostileScenario("SECURITY-99", 1000), ...real.scenarios]));
    const page = await browser.newPage();
    const watched = watch(page);
    await page.goto(pathToFileURL(join(dir, "report.html")).href);
    const shown = () => page.locator("section.scenario:visible").count();
    expect(await shown()).toBe(real.scenarios.length + 1);
    await page.locator('button[data-filter="fail"]').click();
    await expect.poll(shown).toBe(1);
    expect(await page.locator("section.scenario:visible h3").textContent()).toContain("SECURITY-99");
    await page.locator('button[data-filter="all"]').click();
    await expect.poll(shown).toBe(real.scenarios.length + 1);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it.skipIf(!present)(
    "stays quick to open for a long run with large records",
    async () => {
      const dir = join(OUTPUT, "long-run");
      const result = bigRun(real, 45, 500_000);
      await writeReports(dir, result);
      const file = join(dir, "report.html");
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const watched = watch(page);
      const started = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      const loadMs = Math.round(performance.now() - started);
      const elements = await page.locator("*").count();
      const bytes = (await stat(file)).size;
      const reportJsonBytes = (await stat(join(dir, "report.json"))).size;
      const figures = `${result.scenarios.length} scenarios; report.json ${(reportJsonBytes / 1e6).toFixed(1)} MB; report.html ${(bytes / 1e6).toFixed(1)} MB; ${elements} elements; loaded in ${loadMs} ms (Chromium, headless)\n`;
      await writeFile(join(OUTPUT, "long-run-figures.txt"), figures);
      expect(await page.locator("#verdict .verdict-word").textContent()).toBe("FAIL");
      expect(bytes).toBeLessThan(reportJsonBytes * 1.3);
      expect(elements).toBeLessThan(40_000);
      expect(loadMs).toBeLessThan(15_000);
      expect(watched.errors).toEqual([]);
      expect(watched.requests).toEqual([]);
      await page.close();
    },
    60_000,
  );
});

describe.skipIf(present)("report.html in a browser, without Chromium", () => {
  it.skip(`skipped: no Chromium at ${CHROMIUM}, so the report is not opened in a browser (see DEVELOPERS.md)`, () => {});
});
