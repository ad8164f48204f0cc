/**
 * A gateway launched as a command (launch.kind "command"), played by test/gateways/fixture-gateway.mjs: ready by
 * a log line or an HTTP probe, what it printed kept, stopped with everything it started; and each way a start
 * can fail, told in one line naming the cause, with nothing left running.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  freeLoopbackPort,
  type LaunchContext,
  type LaunchedGateway,
  launchCommand,
  STOP_GRACE_MS,
} from "../harness/launch/index.js";
import { LogRing } from "../harness/launch/log-ring.js";
import type { CommandLaunch, ReadinessSpec } from "../harness/manifest/types.js";
import {
  expectNothingRunning,
  FIXTURE,
  GATEWAYS_DIR,
  type HelloServer,
  helloServer,
  isRunning,
  launchError,
} from "./support/launch.js";
import { occupy } from "./support/ports.js";

const LISTENING = { log: "listening on (http://\\S+)" };
const SHORT = 1_500;

let hellos: HelloServer;
const launched: LaunchedGateway[] = [];

beforeAll(async () => {
  hellos = await helloServer();
});

afterEach(async () => {
  await Promise.all(launched.splice(0).map((gateway) => gateway.stop()));
  hellos.clear();
});

afterAll(async () => {
  await hellos?.close();
});

function fixture(mode: string, ready: ReadinessSpec, extra: Partial<CommandLaunch> = {}): CommandLaunch {
  return { kind: "command", argv: ["node", FIXTURE, mode], ready, ...extra };
}

function context(extra: Partial<LaunchContext> & { env?: Record<string, string> } = {}): LaunchContext {
  const { env, ...rest } = extra;
  return {
    manifestDir: GATEWAYS_DIR,
    environment: { FIXTURE_HELLO_URL: hellos.url, ...env },
    url: undefined,
    port: 0,
    ...rest,
  };
}

async function launch(spec: CommandLaunch, launchContext: LaunchContext): Promise<LaunchedGateway> {
  const gateway = await launchCommand(spec, launchContext);
  launched.push(gateway);
  return gateway;
}

describe("a gateway that starts", () => {
  it("is ready when it prints the log line, at the URL the line captured, in cwd, with its environment", async () => {
    const gateway = await launch(
      fixture("log", LISTENING, { cwd: "gateways" }),
      context({ manifestDir: fileURLToPath(new URL(".", import.meta.url)), env: { FIXTURE_GREETING: "hi" } }),
    );
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await request(`${gateway.url}/metadata`)).statusCode).toBe(200);
    expect(gateway.logs().filter((line) => line.startsWith("[stdout]"))).toEqual([
      `[stdout] fixture gateway log starting in ${join(GATEWAYS_DIR)}`.replace(/\/$/, ""),
      `[stdout] fixture gateway listening on ${gateway.url}`,
    ]);
    // stderr comes through its own pipe, named as such.
    await vi.waitFor(() => expect(gateway.logs()).toContain("[stderr] greeting: hi"));
  });

  it("is ready when GET url+path answers 200, polled through its warm-up; the manifest's url is handed back", async () => {
    const port = await freeLoopbackPort();
    const url = `http://127.0.0.1:${port}`;
    const gateway = await launch(
      fixture("http", { http: { path: "/metadata" } }),
      context({ url, port, env: { FIXTURE_PORT: String(port), FIXTURE_WARM_UP: "2" } }),
    );
    expect(gateway.url).toBe(url);
    expect((await request(`${url}/metadata`)).statusCode).toBe(200);
  });

  it("is ready when the probe answers the status the manifest names", async () => {
    const port = await freeLoopbackPort();
    const gateway = await launch(
      fixture("http", { http: { path: "/warming", status: 503 } }),
      context({ port, env: { FIXTURE_PORT: String(port) } }),
    );
    expect(gateway.url).toBe(`http://127.0.0.1:${port}`);
  });

  it("stops with the child it started, and stopping again is harmless", async () => {
    const gateway = await launch(fixture("log", LISTENING), context());
    const pids = await hellos.next();
    expect([isRunning(pids.pid), isRunning(pids.child)]).toEqual([true, true]);
    await gateway.stop();
    expectNothingRunning(pids);
    await gateway.stop();
  });

  it("is killed, child and all, when it ignores SIGTERM past the grace period", async () => {
    const gateway = await launch(fixture("log", LISTENING), context({ env: { FIXTURE_IGNORE_TERM: "1" } }));
    const pids = await hellos.next();
    const stopping = Date.now();
    await gateway.stop();
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(STOP_GRACE_MS - 50);
    expectNothingRunning(pids);
    await vi.waitFor(() => expect(gateway.logs()).toContain("[stderr] SIGTERM ignored"));
  });

  it("keeps only the last lines of a gateway that prints a lot", () => {
    const ring = new LogRing(3);
    for (const n of [1, 2, 3, 4, 5]) ring.add(n % 2 === 0 ? "stderr" : "stdout", `line ${n}`);
    expect(ring.lines()).toEqual(["[stdout] line 3", "[stderr] line 4", "[stdout] line 5"]);
  });

  it("quotes its last lines in an error as plain text, colours and tabs aside", () => {
    const ring = new LogRing();
    ring.add("stderr", "\u001b[31mERROR\u001b[39m\tcannot bind");
    expect(ring.quoteLast()).toBe("its last lines: [stderr] ERROR cannot bind");
  });
});

describe("a gateway that does not start", () => {
  it("exits at once: its status and last lines (five at most) are quoted, and its child is stopped", async () => {
    const failing = launchError(
      launchCommand(fixture("exit", LISTENING), context({ env: { FIXTURE_EXIT_STATUS: "3" } })),
      "GATEWAY_EXITED_BEFORE_READY",
    );
    const pids = await hellos.next();
    const error = await failing;
    expect(error.message).toMatch(/^the gateway exited before it was ready \(status 3\); its last lines: /);
    expect(error.message).toContain("[stderr] fixture failure line 8");
    expect(error.message).not.toContain("fixture failure line 1");
    expect(error.message.split(" | ").length).toBeLessThanOrEqual(5);
    expectNothingRunning(pids);
  });

  it("never prints its log line: the probe and the budget are named, and it is stopped", async () => {
    const failing = launchError(
      launchCommand(fixture("never", { ...LISTENING, timeoutMs: SHORT }), context()),
      "GATEWAY_NOT_READY",
    );
    const pids = await hellos.next();
    const error = await failing;
    expect(error.message).toBe(
      `the gateway was not ready within ${SHORT} ms: no log line /${LISTENING.log}/; its last lines: ` +
        `[stdout] fixture gateway never starting in ${GATEWAYS_DIR.replace(/\/$/, "")}`,
    );
    expectNothingRunning(pids);
  });

  it("never answers its HTTP probe: the GET, the status, the budget and the last attempt are named", async () => {
    const port = await freeLoopbackPort();
    const failing = launchError(
      launchCommand(
        fixture("never", { http: { path: "/metadata" }, timeoutMs: SHORT }),
        context({ url: `http://127.0.0.1:${port}/`, port }),
      ),
      "GATEWAY_NOT_READY",
    );
    const pids = await hellos.next();
    const error = await failing;
    expect(error.message).toContain(`within ${SHORT} ms: no GET http://127.0.0.1:${port}/metadata → 200;`);
    expect(error.message).toContain("last attempt: connection refused");
    expectNothingRunning(pids);
  });

  it("is not started on a fixed port that something else listens on, and the port is named", async () => {
    const port = await freeLoopbackPort();
    const held = await occupy(port);
    try {
      const error = await launchError(
        launchCommand(
          fixture("log", LISTENING, { port }),
          context({ port, env: { FIXTURE_PORT: String(port) } }),
        ),
        "GATEWAY_PORT_TAKEN",
      );
      expect(error.message).toMatch(new RegExp(`^port ${port} \\(launch.port\\) is already in use`));
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it("has a cwd that does not exist: the folder is named", async () => {
    const error = await launchError(
      launchCommand(fixture("log", LISTENING, { cwd: "no-such-folder" }), context()),
      "GATEWAY_CWD_MISSING",
    );
    expect(error.message).toBe(
      `the gateway's working directory (launch.cwd) does not exist: ${join(GATEWAYS_DIR, "no-such-folder")}`,
    );
  });

  it("is a program that does not exist: it is named", async () => {
    const error = await launchError(
      launchCommand(
        { kind: "command", argv: ["gp-harness-no-such-gateway", "--port", "1"], ready: LISTENING },
        context(),
      ),
      "GATEWAY_COMMAND_NOT_FOUND",
    );
    expect(error.message).toBe(
      "the gateway's command cannot be started: gp-harness-no-such-gateway: no such program on the PATH",
    );
  });

  it("has a ready.log that is no regular expression: it is named, and nothing is started", async () => {
    const error = await launchError(
      launchCommand(fixture("log", { log: "listening on (http" }), context()),
      "GATEWAY_READY_PATTERN_INVALID",
    );
    expect(error.message).toMatch(
      /^launch\.ready\.log is not a valid regular expression: \/listening on \(http\/: /,
    );
  });
});

describe("an interrupted run", () => {
  it("stops a gateway still starting and rejects with the signal's reason", async () => {
    const interrupt = new AbortController();
    const launching = launchCommand(fixture("never", LISTENING), context({ signal: interrupt.signal }));
    const interrupted = expect(launching).rejects.toThrow("interrupted by the user");
    const pids = await hellos.next();
    interrupt.abort(new Error("interrupted by the user"));
    await interrupted;
    expectNothingRunning(pids);
  });

  it("starts nothing once interrupted", async () => {
    const interrupt = new AbortController();
    interrupt.abort(new Error("interrupted before the start"));
    await expect(
      launchCommand(fixture("log", LISTENING), context({ signal: interrupt.signal })),
    ).rejects.toThrow("interrupted before the start");
  });

  it("takes the gateway down with the harness when the harness exits without stopping it", async () => {
    const harness = spawn(
      process.execPath,
      ["--import", "tsx", join(GATEWAYS_DIR, "harness-that-exits.ts"), "command"],
      {
        env: { ...process.env, FIXTURE_HELLO_URL: hellos.url },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = once(harness, "exit");
    const pids = await hellos.next();
    const [status] = await exited;
    expect(status).toBe(1);
    await vi.waitFor(() => expectNothingRunning(pids), { timeout: 5_000 });
  });
});
