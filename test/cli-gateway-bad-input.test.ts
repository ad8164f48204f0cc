/**
 * A gateway that cannot be used, tried as a new user would: each ends in one line naming the cause, exit 2,
 * the previous run's reports moved aside, and nothing of what the harness started left running.
 */

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH, hasNoStackTrace, runCli } from "./support/cli.js";
import { dockerEngineReachable } from "./support/docker.js";
import { freePortRun, occupy } from "./support/ports.js";

let dir: string;
let held: Server | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gp-harness-bad-gateway-"));
});
afterAll(async () => {
  await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
});

/** Processes whose command line holds `marker` (the harness must have stopped every one). */
function processesMarked(marker: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        // The gateway's own processes, not the harness whose arguments name the manifest.
        return commandLine.includes(marker) && !commandLine.includes(CLI_PATH);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Runs the harness against a manifest, with an earlier run's report in the output folder. */
async function runWith(manifest: unknown) {
  const name = randomUUID();
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(manifest, null, 2));
  const out = join(dir, `out-${name}`);
  await mkdir(out);
  await writeFile(join(out, "report.json"), '{"verdict":"pass","earlier":true}');
  const outcome = await runCli(["run", "--gateway", path, "--out", out], { timeoutMs: 60_000 });
  return { ...outcome, out };
}

function expectRefusal(outcome: Awaited<ReturnType<typeof runWith>>, cause: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(2);
  const lines = outcome.stderr.trim().split("\n");
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(cause);
  expect(hasNoStackTrace(outcome.stderr)).toBe(true);
  expect(existsSync(join(outcome.out, "report.json")), "the earlier report was left looking current").toBe(
    false,
  );
  expect(JSON.parse(readFileSync(join(outcome.out, "previous", "report.json"), "utf8")).earlier).toBe(true);
}

const command = (argv: string[], extra: Record<string, unknown> = {}) => ({
  name: "a gateway that cannot start",
  launch: { kind: "command", argv, ready: { log: "listening on (http://\\S+)", timeoutMs: 1_500 }, ...extra },
});

describe("gp-harness run --gateway manifest.json, when the gateway cannot be used", () => {
  it("a typo'd field: the field and the nearest valid name", async () => {
    const outcome = await runWith({
      name: "x",
      launch: { kind: "command", argvv: ["node"], ready: { log: "x" } },
    });
    expectRefusal(outcome, /launch\.argvv: unknown field \(did you mean "argv"\?\)/);
  });

  it("an environment variable the manifest needs is not set: named", async () => {
    const manifest = {
      name: "x",
      launch: { kind: "url", url: "http://127.0.0.1:9" },
      north: { headers: { Authorization: "Bearer ${env:GP_HARNESS_TEST_TOKEN_NEVER_SET}" } },
    };
    expectRefusal(await runWith(manifest), /GP_HARNESS_TEST_TOKEN_NEVER_SET is not set/);
  });

  it("a command that exits at once: its status and its last lines quoted", async () => {
    const marker = `exits-at-once-${randomUUID()}`;
    const script =
      "console.log('loading configuration'); console.error('fatal: PDS_BASE_URL is missing'); process.exit(3)";
    const outcome = await runWith(command(["node", "-e", script, marker]));
    expectRefusal(outcome, /exit.*3.*fatal: PDS_BASE_URL is missing/i);
    expect(processesMarked(marker)).toEqual([]);
  });

  it("a command that does not exist: named", async () => {
    const outcome = await runWith(command(["gp-harness-no-such-gateway-binary"]));
    expectRefusal(outcome, /gp-harness-no-such-gateway-binary/);
  });

  it("a gateway that never becomes ready: the probe and the budget named, nothing left running", async () => {
    const marker = `never-ready-${randomUUID()}`;
    // It starts a child of its own too: the whole process group must go.
    const script =
      "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', process.argv[1]], { stdio: 'ignore' }); setInterval(() => {}, 1000)";
    const outcome = await runWith(command(["node", "-e", script, marker]));
    expectRefusal(outcome, /listening on.*1[,.]?500 ms|1[,.]?500 ms.*listening on/);
    expect(processesMarked(marker)).toEqual([]);
  });

  it("a fixed port already in use: said before anything starts", async () => {
    const port = await freePortRun(1);
    held = await occupy(port);
    const marker = `port-in-use-${randomUUID()}`;
    const manifest = command(["node", "-e", "setInterval(() => {}, 1000)", marker], {
      port,
      url: "http://127.0.0.1:${port}",
    });
    expectRefusal(await runWith(manifest), new RegExp(`port ${port}.*in use`));
    expect(processesMarked(marker)).toEqual([]);
  });

  it("an image that does not exist (or no Docker engine): named, quickly", async () => {
    const image = `gp-harness/no-such-image-${randomUUID().slice(0, 8)}:never`;
    const manifest = {
      name: "an image that is not there",
      launch: { kind: "image", image, ready: { log: "listening on (http://\\S+)", timeoutMs: 20_000 } },
    };
    const started = performance.now();
    const outcome = await runWith(manifest);
    const engine = await dockerEngineReachable();
    expectRefusal(outcome, engine ? new RegExp(image.replace(/[/.]/g, "\\$&")) : /no Docker engine/i);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("Ctrl-C while the gateway is starting: exit 130 at once, nothing left running", async () => {
    const marker = `interrupted-${randomUUID()}`;
    const path = join(dir, `${marker}.json`);
    const never = command(["node", "-e", "setInterval(() => {}, 1000)", marker]);
    await writeFile(
      path,
      JSON.stringify({
        ...never,
        launch: { ...never.launch, ready: { log: "(http://never)", timeoutMs: 60_000 } },
      }),
    );
    const child = spawn(
      process.execPath,
      [CLI_PATH, "run", "--gateway", path, "--out", join(dir, `out-${marker}`)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // Once the gateway's process is there, interrupt.
    await new Promise<void>((resolve) => {
      const look = setInterval(() => {
        if (processesMarked(marker).length > 0) {
          clearInterval(look);
          resolve();
        }
      }, 50);
    });
    const interrupted = performance.now();
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, stderr).toBe(130);
    expect(performance.now() - interrupted).toBeLessThan(10_000);
    expect(stderr).toMatch(/interrupted while the gateway was starting/);
    expect(processesMarked(marker)).toEqual([]);
  });
});
