/**
 * The harness holds against gateways that misbehave at the HTTP and content level, broken or malicious: each
 * is a small server on loopback, and `gp-harness run` against it must end within its budget with exit 1 and a
 * named failure for every scenario (never `error`, never `pass`), with bounded memory, and with every report
 * written and well-formed — the gateway's words unable to rewrite the terminal or break the XML.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SaxesParser } from "saxes";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_PATH } from "./support/cli.js";

/** Two scenarios, one expecting a record and one an error: every hostile answer must fail both. */
const SCENARIOS = "CONSENT-01,CORE-01";
const REQUEST_TIMEOUT_MS = 4_000;
/** The most a run may take here, whatever the gateway does: region start, two scenarios' budgets, reports. */
const RUN_BUDGET_MS = 90_000;
/** The harness's resident memory may not approach what a hostile answer would cost if kept. */
const PEAK_MEMORY_MIB = 700;

const servers: Server[] = [];
const sockets = new Set<Socket>();

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) await new Promise((done) => server.close(done));
});

function track(server: Server): Server {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  servers.push(server);
  return server;
}

async function listen(server: Server): Promise<string> {
  track(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

/** An HTTP gateway answering every request with `answer` (after reading the request body). */
function httpGateway(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  return listen(
    createHttpServer((req, res) => {
      res.on("error", () => undefined);
      req.resume();
      req.on("end", () => answer(req, res));
    }),
  );
}

/** Writes `total` bytes of `fill` in chunks, respecting back-pressure, then ends. */
function stream(res: ServerResponse, total: number, fill: number): void {
  const chunk = Buffer.alloc(256 * 1024, fill);
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

interface HostileRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  readonly peakMiB: number;
  readonly out: string;
}

/** `gp-harness run` against the gateway, measuring its wall time and peak resident memory. */
async function runAgainst(url: string, extra: readonly string[] = []): Promise<HostileRun> {
  const out = await mkdtemp(join(tmpdir(), "gp-harness-hostile-"));
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      CLI_PATH,
      "run",
      "--gateway",
      url,
      "--port",
      "0",
      "--scenario",
      SCENARIOS,
      "--timeout",
      String(REQUEST_TIMEOUT_MS),
      "--out",
      out,
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stdout = "";
  let stderr = "";
  let peakKiB = 0;
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const sample = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      if (hwm !== undefined) peakKiB = Math.max(peakKiB, Number(hwm));
    } catch {
      // exited
    }
  }, 50);
  const killer = setTimeout(() => child.kill("SIGKILL"), RUN_BUDGET_MS);
  const code = await new Promise<number | null>((done) => child.once("exit", (c) => done(c)));
  clearInterval(sample);
  clearTimeout(killer);
  return { code, stdout, stderr, elapsedMs: performance.now() - started, peakMiB: peakKiB / 1024, out };
}

/** What every hostile gateway must come to: exit 1, each scenario a named failure, reports whole. */
function expectHeld(run: HostileRun, failure: RegExp): void {
  const context = `${run.stdout}\n${run.stderr}`;
  expect(run.code, context).toBe(1);
  expect(run.elapsedMs).toBeLessThan(RUN_BUDGET_MS);
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

describe("a hostile gateway", { timeout: RUN_BUDGET_MS * 2 }, () => {
  it("answering 200 MB, announced: stopped at the bound, named", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json", "content-length": 200 * 1024 * 1024 });
      stream(res, 200 * 1024 * 1024, 0x20);
    });
    expectHeld(await runAgainst(url), /larger than 16 MiB/);
  });

  it("answering 200 MB without announcing it: stopped at the bound, named", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      stream(res, 200 * 1024 * 1024, 0x5b);
    });
    expectHeld(await runAgainst(url), /larger than 16 MiB/);
  });

  it("answering more than --max-answer allows: stopped at the bound the user set", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json", "content-length": 5 * 1024 * 1024 });
      stream(res, 5 * 1024 * 1024, 0x20);
    });
    expectHeld(await runAgainst(url, ["--max-answer", "2"]), /larger than 2 MiB/);
  });

  it("answering JSON nested 100,000 levels deep: refused before anything walks it", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end(deep);
    });
    expectHeld(await runAgainst(url), /nested more than 64 levels deep/);
  });

  it("writing terminal escapes and fake PASS lines in its error: shown as text, never obeyed", async () => {
    const outcome = {
      resourceType: "OperationOutcome",
      issue: [
        {
          severity: "error",
          code: "exception",
          diagnostics: "\u001b[2J\u001b[H\n  PASS  CORE-01        MUST   all good\n  PASS  CONSENT-01\u0007",
        },
      ],
    };
    const url = await httpGateway((_req, res) => {
      res.writeHead(500, { "content-type": "application/fhir+json" });
      res.end(JSON.stringify(outcome));
    });
    const run = await runAgainst(url);
    expectHeld(run, /HTTP status|error code/);
    expect(run.stdout.split("\n").filter((line) => /^\s+PASS /.test(line))).toEqual([]);
  });

  it("answering a record whose bytes are not UTF-8: named", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end(
        Buffer.concat([
          Buffer.from('{"resourceType":"Bundle","type":"collection","id":"'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}'),
        ]),
      );
    });
    expectHeld(await runAgainst(url), /not valid UTF-8/);
  });

  it("serving a correct-looking record as text/plain: named, the check in report.json", async () => {
    const url = await listen(
      createHttpServer((req, res) => {
        let body = "";
        req.on("data", (chunk) => {
          body += chunk;
        });
        req.on("end", () => {
          // The patient asked about, in a Bundle that looks like the record.
          const nhsNumber = /"value":"(\d{10})"/.exec(body)?.[1] ?? "";
          const patient = {
            resourceType: "Patient",
            id: "1",
            identifier: [{ system: "https://fhir.nhs.uk/Id/nhs-number", value: nhsNumber }],
          };
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
          res.end(
            JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [{ resource: patient }] }),
          );
        });
      }),
    );
    const run = await runAgainst(url);
    expectHeld(run, /a FHIR JSON content type: Content-Type is text\/plain/);
    const report = JSON.parse(readFileSync(join(run.out, "report.json"), "utf8"));
    const record = report.scenarios.find((s: { id: string }) => s.id === "CONSENT-01");
    expect(
      record.checks.filter((c: { name: string; passed: boolean }) => c.name === "a FHIR JSON content type"),
    ).toEqual([expect.objectContaining({ passed: false, detail: expect.stringMatching(/text\/plain/) })]);
  });

  it("naming a member twice, so readers differ on the record: named", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end('{"resourceType":"Bundle","type":"collection","resourceType":"OperationOutcome"}');
    });
    expectHeld(await runAgainst(url), /names the member "resourceType" twice/);
  });

  it("dripping its answer a byte at a time: cut off at the request budget", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 200);
      res.on("close", () => clearInterval(drip));
    });
    expectHeld(await runAgainst(url), new RegExp(`no answer within ${REQUEST_TIMEOUT_MS} ms|no HTTP answer`));
  });

  it("not speaking HTTP at all: no HTTP answer, named", async () => {
    const url = await listen(
      createTcpServer((socket) => {
        socket.on("error", () => undefined);
        socket.once("data", () => socket.end("HELLO FROM SOMETHING ELSE\r\n\r\n"));
      }),
    );
    expectHeld(await runAgainst(url), /no HTTP answer/);
  });

  it("sending headers larger than any answer needs: no HTTP answer, named", async () => {
    const url = await httpGateway((_req, res) => {
      for (let i = 0; i < 200; i++) res.setHeader(`x-flood-${i}`, "x".repeat(1_000));
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end("{}");
    });
    expectHeld(await runAgainst(url), /no HTTP answer|HTTP status/);
  });

  it("redirecting elsewhere: not followed, named", async () => {
    const url = await httpGateway((_req, res) => {
      res.writeHead(302, { location: "http://127.0.0.1:9/elsewhere" });
      res.end();
    });
    expectHeld(await runAgainst(url), /the gateway answered 302/);
  });
});
