import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_PATH, hasNoStackTrace, runCli, startCli } from "./support/cli.js";
import { freePortRun } from "./support/ports.js";

const stopAfter: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stopAfter) await stop();
});

function listenAnywhere(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });
}

describe("gp-harness run against the reference gateway", () => {
  it("passes every scenario, prints a line for each and a verdict, and writes both reports", async () => {
    const out = await mkdtemp(join(tmpdir(), "gp-harness-run-"));
    const { code, stdout, stderr } = await runCli([
      "run",
      "--gateway",
      "reference",
      "--out",
      out,
      "--seed",
      "7",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const scenarioLines = stdout.split("\n").filter((l) => /^\s+(PASS|FAIL|SKIP|OMIT|ERROR)\s/.test(l));
    expect(scenarioLines.length).toBeGreaterThanOrEqual(6);
    expect(scenarioLines.every((l) => l.trim().startsWith("PASS"))).toBe(true);
    expect(stdout).toMatch(/verdict: PASS/);

    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.verdict).toBe("pass");
    expect(report.seed).toBe(7);
    expect(report.complete).toBe(true);
    const ids = report.scenarios.map((s: { id: string }) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "CONSENT-01",
        "CONSENT-02",
        "SAFETY-01",
        "RESILIENCE-01",
        "CORE-01",
        "CORE-02",
      ]),
    );
    for (const s of report.scenarios) {
      expect(s).toMatchObject({ result: "pass", level: expect.stringMatching(/^(MUST|SHOULD|MAY)$/) });
      expect(typeof s.title).toBe("string");
      expect(typeof s.pack).toBe("string");
    }
    // Evidence: the refused-consent scenario shows the 403 north and nothing from the practice south.
    const refused = report.scenarios.find((s: { id: string }) => s.id === "CONSENT-02");
    expect(refused.evidence.north[0].response.status).toBe(403);
    expect(refused.evidence.south.filter((e: { target: string }) => e.target === "practice")).toEqual([]);

    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testsuites[^>]* tests="\d+"/);
    expect(junit).toContain('name="CONSENT-02 [MUST] Consent refused: nothing is retrieved"');
    expect(junit).not.toContain("<failure");
  }, 90_000);
});

describe("bad usage is one line and exit 2", () => {
  it("rejects an unknown flag", async () => {
    const { code, stderr } = await runCli(["run", "--frobnicate"]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it("rejects a bad seed naming the flag", async () => {
    const { code, stderr } = await runCli(["run", "--seed", "banana"]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/--seed/);
  });

  it("says when no gateway is listening at the URL", async () => {
    const { server, port } = await listenAnywhere();
    await new Promise<void>((done) => server.close(() => done()));
    const { code, stderr } = await runCli(["run", "--gateway", `http://127.0.0.1:${port}`, "--port", "0"]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      new RegExp(`no gateway is answering at http://127.0.0.1:${port}.*connection refused`),
    );
    expect(hasNoStackTrace(stderr)).toBe(true);
  });

  it("says when the region's port is already in use", async () => {
    const { server, port } = await listenAnywhere();
    try {
      const { code, stderr } = await runCli(["simulate", "--port", String(port)]);
      expect(code).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`${port}.*in use|in use.*${port}`));
      expect(hasNoStackTrace(stderr)).toBe(true);
    } finally {
      server.close();
    }
  });

  it("says when the region to attach to is not there", async () => {
    const { server, port } = await listenAnywhere();
    await new Promise<void>((done) => server.close(() => done()));
    const { code, stderr } = await runCli(["run", "--region", `http://127.0.0.1:${port}`]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/cannot reach the simulated region/);
  });
});

describe("gp-harness scenarios", () => {
  it("lists the catalogue as JSON with id, title, pack, level and hazard", async () => {
    const { code, stdout } = await runCli(["scenarios", "--json"]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows)
      expect(Object.keys(row)).toEqual(expect.arrayContaining(["id", "title", "pack", "level", "hazard"]));
  });

  it("lists one pack with --pack, and names the nearest pack for a typo", async () => {
    const { code, stdout } = await runCli(["scenarios", "--json", "--pack", "consent"]);
    expect(code).toBe(0);
    const packs = new Set(JSON.parse(stdout).map((row: { pack: string }) => row.pack));
    expect([...packs]).toEqual(["consent"]);
    const typo = await runCli(["scenarios", "--pack", "consnt"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no pack is called "consnt" \(did you mean consent\?\)/);
  });
});

describe("selecting scenarios to run", () => {
  it("an unknown id or pack is exit 2 naming it, never a silent PASS", async () => {
    const { code, stdout, stderr } = await runCli(["run", "--scenario", "CORE-01", "CONSENT-1"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toMatch(/no scenario or pack is called "CONSENT-1" \(did you mean CONSENT-01\?\)/);
  });

  it("the report records what was asked for, how many it selected and the catalogue's size", async () => {
    const out = await mkdtemp(join(tmpdir(), "gp-harness-selection-"));
    const { code } = await runCli(["run", "--scenario", "core", "SAFETY-01", "--out", out]);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const catalogueSize = JSON.parse((await runCli(["scenarios", "--json"])).stdout).length;
    const core = JSON.parse((await runCli(["scenarios", "--json", "--pack", "core"])).stdout).map(
      (row: { id: string }) => row.id,
    );
    expect(core.length).toBeGreaterThanOrEqual(2);
    expect(report.selection).toEqual({
      asked: ["core", "SAFETY-01"],
      selected: core.length + 1,
      catalogueSize,
    });
    expect(report.scenarios.map((s: { id: string }) => s.id).sort()).toEqual([...core, "SAFETY-01"].sort());
  });
});

describe("gp-harness simulate --json", () => {
  it("prints one JSON line saying where everything is, with sample patients of both systems and every trait", async () => {
    const sim = await startCli(["simulate", "--json", "--port", "0"]);
    stopAfter.push(sim.stop);
    const info = JSON.parse(sim.firstLine);
    for (const key of ["pds", "sds", "control", "practices", "patients"]) expect(info).toHaveProperty(key);
    expect(info.patients.length).toBeGreaterThanOrEqual(10);
    const systems = new Set(info.patients.map((p: { system: string }) => p.system));
    expect(systems).toEqual(new Set(["emis", "tpp"]));
    const traits = new Set(info.patients.flatMap((p: { traits: string[] }) => p.traits));
    expect([...traits]).toEqual(expect.arrayContaining(["outpatient-medication", "dissent"]));
    for (const p of info.practices)
      expect(Object.keys(p)).toEqual(expect.arrayContaining(["ods", "system", "asid", "endpoint"]));
    for (const p of info.patients) {
      expect(p.nhsNumber).toMatch(/^999\d{7}$/);
      expect(Object.keys(p)).toEqual(expect.arrayContaining(["nhsNumber", "ods", "system", "traits"]));
    }
    await sim.stop();
  });
});

describe("testing your own gateway (the README's flow)", () => {
  it("simulate on fixed ports, a gateway configured for them, run --gateway URL --region CONTROL", async () => {
    // Control, PDS, SDS, four practices, then one practice per scenario, with room to spare.
    const base = await freePortRun(32);
    const sim = await startCli(["simulate", "--json", "--port", String(base)]);
    stopAfter.push(sim.stop);
    const info = JSON.parse(sim.firstLine);
    expect(info.control).toBe(`http://127.0.0.1:${base}/_control`);

    const { server: gwProbe, port: gatewayPort } = await listenAnywhere();
    await new Promise<void>((done) => gwProbe.close(() => done()));
    const gateway = await startCli([
      "gateway",
      "--port",
      String(gatewayPort),
      "--pds",
      info.pds,
      "--sds",
      info.sds,
    ]);
    stopAfter.push(gateway.stop);
    expect(gateway.firstLine).toContain(`http://127.0.0.1:${gatewayPort}`);

    const out = await mkdtemp(join(tmpdir(), "gp-harness-attach-"));
    const { code, stdout } = await runCli([
      "run",
      "--gateway",
      `http://127.0.0.1:${gatewayPort}`,
      "--region",
      info.control,
      "--out",
      out,
    ]);
    expect(stdout).toMatch(/verdict: PASS/);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.region.attached).toBe(true);
    expect(report.gateway.url).toBe(`http://127.0.0.1:${gatewayPort}`);
    await gateway.stop();
    await sim.stop();
  }, 90_000);
});

describe("reports that cannot be written", () => {
  it("says so in one line before running anything, instead of hanging or losing the run", async () => {
    const { code, stdout, stderr } = await runCli(["run", "--out", "/proc/gp-harness-reports"], {
      timeoutMs: 20_000,
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe(
      "gp-harness: cannot write reports to /proc/gp-harness-reports: the folder cannot be created there",
    );
  });
});

describe("an interrupted run", () => {
  it("stops the scenario under way, writes a report marked incomplete, and exits 130", async () => {
    const out = await mkdtemp(join(tmpdir(), "gp-harness-interrupted-"));
    const child = spawn(process.execPath, [CLI_PATH, "run", "--concurrency", "1", "--out", out], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdout.on("data", (d) => {
      stdout += d;
      if (/^\s+PASS /m.test(stdout) && child.signalCode === null && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((done) => child.once("exit", (c) => done(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.complete).toBe(false);
    expect(report.verdict).toBe("fail");
    expect(report.verdictReason).toMatch(/interrupted/);
    expect(report.scenarios.length).toBeGreaterThanOrEqual(1);
    expect(report.scenarios.length).toBeLessThan(
      JSON.parse((await runCli(["scenarios", "--json"])).stdout).length,
    );
    expect(readFileSync(join(out, "junit.xml"), "utf8")).toContain("<testsuites");
  }, 60_000);
});
