/**
 * A run stopped by a signal, or whose output goes to a reader that leaves, still ends well: every report is
 * written (marked incomplete when scenarios were cut short), the exit status says what happened, and nothing
 * it started is left running.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_PATH } from "./support/cli.js";

const sockets: Socket[] = [];
let hanging: Server | undefined;

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((done) => hanging?.close(done) ?? done(undefined));
});

/** A gateway that accepts requests and never answers; resolves its URL, and a promise of the first request. */
async function hangingGateway(): Promise<{ url: string; requested: Promise<void> }> {
  let requested!: () => void;
  const firstRequest = new Promise<void>((done) => {
    requested = done;
  });
  hanging = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", (data) => {
      if (data.toString("latin1").startsWith("POST ")) requested();
    });
  });
  await new Promise<void>((done) => hanging!.listen(0, "127.0.0.1", done));
  const address = hanging.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, requested: firstRequest };
}

/** Processes whose environment holds the marker: what a run started and left behind. */
function processesMarked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

describe("a run stopped by SIGTERM", () => {
  it("aborts the request in flight at once, writes every report marked incomplete, and exits 143", async () => {
    const gateway = await hangingGateway();
    const out = await mkdtemp(join(tmpdir(), "gp-harness-sigterm-"));
    const child = spawn(
      process.execPath,
      [
        CLI_PATH,
        "run",
        "--gateway",
        gateway.url,
        "--port",
        "0",
        "--timeout",
        "60000",
        "--scenario",
        "CONSENT-01,CORE-03",
        "--concurrency",
        "1",
        "--out",
        out,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = exitOf(child);
    await gateway.requested;
    const signalled = performance.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(143);
    const stoppedInMs = performance.now() - signalled;
    // Two seconds is the promise; the margin is for a busy machine.
    expect(stoppedInMs).toBeLessThan(8_000);
    expect(stderr).toMatch(/interrupted/);
    expect(stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.complete).toBe(false);
    expect(report.verdict).toBe("fail");
    expect(report.scenarios).toEqual([]);
    expect(report.notRun.map((s: { id: string }) => s.id)).toEqual(["CORE-03", "CONSENT-01"]);
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain('<skipped message="not run: interrupted"/>');
    expect(junit).toMatch(/<testsuites [^>]*errors="1"/);
  }, 60_000);

  it("a second signal quits at once and leaves none of the processes it started running", async () => {
    const marker = `gp-harness-signal-test-${process.pid}-${Date.now()}`;
    const out = await mkdtemp(join(tmpdir(), "gp-harness-sigterm-twice-"));
    const child = spawn(process.execPath, [CLI_PATH, "run", "--out", out], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GP_HARNESS_TEST_MARKER: marker },
    });
    const exited = exitOf(child);
    // The header is printed once the reference gateway is up.
    await new Promise<void>((done) => {
      child.stdout.on("data", (d) => {
        if (String(d).includes("scenarios against")) done();
      });
    });
    expect(processesMarked(marker).length).toBeGreaterThan(0);
    child.kill("SIGTERM");
    child.kill("SIGTERM");
    expect([143, 130]).toContain(await exited);
    await expect.poll(() => processesMarked(marker), { timeout: 10_000 }).toEqual([]);
  }, 60_000);
});

describe("a run whose output goes to a reader that leaves", () => {
  it("ends quietly, writes its reports and exits with the run's own status", async () => {
    const out = await mkdtemp(join(tmpdir(), "gp-harness-epipe-"));
    const child = spawn(
      "bash",
      [
        "-c",
        `set -o pipefail; "${process.execPath}" "${CLI_PATH}" run --scenario CORE-01,CONSENT-01,CONSENT-02 --out "${out}" | head -1`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    expect(await exitOf(child)).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stderr).toBe("");
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.complete).toBe(true);
    expect(report.scenarios).toHaveLength(3);
  }, 60_000);
});
