/**
 * The harness holds against gateways that misbehave at the HTTP and content level, broken or malicious: each
 * is a small server on loopback, and `gp-harness run` against it must end within its budget with exit 1 and a
 * named failure for every scenario (never `error`, never `pass`), with bounded memory, and with every report
 * written and well-formed — the gateway's words unable to rewrite the terminal or break the XML.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SaxesParser } from "saxes";
import { afterAll, describe, expect, it } from "vitest";
import {
  HOSTILE_GATEWAYS,
  HOSTILE_RUN_BUDGET_MS,
  type HostileRun,
  HostileServers,
  runAgainst,
} from "./support/hostile-gateways.js";

/** The harness's resident memory may not approach what a hostile answer would cost if kept. */
const PEAK_MEMORY_MIB = 700;

const servers = new HostileServers();
afterAll(() => servers.closeAll());

/** What every hostile gateway must come to: exit 1, each scenario a named failure, reports whole. */
function expectHeld(run: HostileRun, failure: RegExp): void {
  const context = `${run.stdout}\n${run.stderr}`;
  expect(run.code, context).toBe(1);
  expect(run.elapsedMs).toBeLessThan(HOSTILE_RUN_BUDGET_MS);
  expect(run.peakMiB, "peak resident memory (MiB)").toBeLessThan(PEAK_MEMORY_MIB);
  const report = JSON.parse(readFileSync(join(run.out, "report.json"), "utf8"));
  expect(report.complete).toBe(true);
  expect(report.scenarios.map((s: { id: string; result: string }) => `${s.id} ${s.result}`)).toEqual([
    "CORE-01 fail",
    "CONSENT-01 fail",
  ]);
  for (const s of report.scenarios) expect(s.message, s.id).toMatch(failure);
  // Every report well-formed: the XML by a strict parser, the page and the summary present.
  expect(() =>
    new SaxesParser().write(readFileSync(join(run.out, "junit.xml"), "utf8")).close(),
  ).not.toThrow();
  expect(readFileSync(join(run.out, "report.html"), "utf8")).toContain("</html>");
  expect(readFileSync(join(run.out, "summary.md"), "utf8")).toMatch(/FAIL/);
  // Nothing the gateway said reaches the terminal as control characters.
  expect(run.stdout).not.toContain("\u001b");
  console.log(
    `${Math.round(run.elapsedMs)} ms, peak ${run.peakMiB.toFixed(0)} MiB: ${report.scenarios[1].message.slice(0, 140)}`,
  );
}

/** What a few gateways must also come to, beyond what every one must. */
const ALSO: Readonly<Record<string, (run: HostileRun) => void>> = {
  "writing terminal escapes and fake PASS lines in its error": (run) => {
    expect(run.stdout.split("\n").filter((line) => /^\s+PASS /.test(line))).toEqual([]);
  },
  "serving a correct-looking record as text/plain": (run) => {
    const report = JSON.parse(readFileSync(join(run.out, "report.json"), "utf8"));
    const record = report.scenarios.find((s: { id: string }) => s.id === "CONSENT-01");
    expect(
      record.checks.filter((c: { name: string; passed: boolean }) => c.name === "a FHIR JSON content type"),
    ).toEqual([expect.objectContaining({ passed: false, detail: expect.stringMatching(/text\/plain/) })]);
  },
};

describe("a hostile gateway", { timeout: HOSTILE_RUN_BUDGET_MS * 2 }, () => {
  it.each(HOSTILE_GATEWAYS.map((gateway) => [gateway.does, gateway] as const))(
    "%s: exit 1 in time, every scenario failed with the failure named, memory bounded, reports whole",
    async (_does, gateway) => {
      const run = await runAgainst(await gateway.start(servers), gateway.flags);
      expectHeld(run, gateway.failure);
      ALSO[gateway.does]?.(run);
    },
  );

  it("names every extra check after a gateway that exists", () => {
    const known = new Set(HOSTILE_GATEWAYS.map((gateway) => gateway.does));
    for (const does of Object.keys(ALSO)) expect(known.has(does), does).toBe(true);
  });
});
