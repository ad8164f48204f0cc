/**
 * Gateways that misbehave at the HTTP and content level, broken or malicious, each a small server on
 * loopback; and `gp-harness run` against one, timed, with the harness's peak resident memory. Shared by
 * `test/hostile-gateways.test.ts` (what the harness must come to) and `bench/hostile-gateways.ts` (the
 * figures).
 */
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_PATH } from "./cli.js";
import { samplePeakMemory } from "./peak-memory.js";

/** Two scenarios, one expecting a record and one an error: every hostile answer must fail both. */
export const HOSTILE_SCENARIOS = "CONSENT-01,CORE-01";
export const HOSTILE_REQUEST_TIMEOUT_MS = 4_000;
/** The most a run may take, whatever the gateway does: region start, two scenarios' budgets, reports. */
export const HOSTILE_RUN_BUDGET_MS = 90_000;

/** Hostile servers started so far, and their connections, so they can all be closed. */
export class HostileServers {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  async listen(server: Server): Promise<string> {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  /** An HTTP gateway answering every request with `answer` (after reading the request body). */
  http(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    return this.listen(
      createHttpServer((req, res) => {
        res.on("error", () => undefined);
        req.resume();
        req.on("end", () => answer(req, res));
      }),
    );
  }

  async closeAll(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const server of this.servers.splice(0)) await new Promise((done) => server.close(done));
  }
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

export interface HostileGateway {
  /** What the gateway does, as a test names it. */
  readonly does: string;
  /** What the harness must name as each scenario's failure. */
  readonly failure: RegExp;
  /** Flags for `gp-harness run` beyond the common ones. */
  readonly flags?: readonly string[];
  start(servers: HostileServers): Promise<string>;
}

const FHIR_JSON = { "content-type": "application/fhir+json" };

/** Every hostile gateway, in the order the test and the benchmark take them. */
export const HOSTILE_GATEWAYS: readonly HostileGateway[] = [
  {
    does: "answering 200 MB, announced",
    failure: /larger than 16 MiB/,
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, { ...FHIR_JSON, "content-length": 200 * 1024 * 1024 });
        stream(res, 200 * 1024 * 1024, 0x20);
      }),
  },
  {
    does: "answering 200 MB without announcing it",
    failure: /larger than 16 MiB/,
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, FHIR_JSON);
        stream(res, 200 * 1024 * 1024, 0x5b);
      }),
  },
  {
    does: "answering more than --max-answer allows",
    failure: /larger than 2 MiB/,
    flags: ["--max-answer", "2"],
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, { ...FHIR_JSON, "content-length": 5 * 1024 * 1024 });
        stream(res, 5 * 1024 * 1024, 0x20);
      }),
  },
  {
    does: "answering JSON nested 100,000 levels deep",
    failure: /nested more than 64 levels deep/,
    start: (servers) => {
      const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
      return servers.http((_req, res) => {
        res.writeHead(200, FHIR_JSON);
        res.end(deep);
      });
    },
  },
  {
    does: "writing terminal escapes and fake PASS lines in its error",
    failure: /HTTP status|error code/,
    start: (servers) => {
      const outcome = {
        resourceType: "OperationOutcome",
        issue: [
          {
            severity: "error",
            code: "exception",
            diagnostics:
              "\u001b[2J\u001b[H\n  PASS  CORE-01        MUST   all good\n  PASS  CONSENT-01\u0007",
          },
        ],
      };
      return servers.http((_req, res) => {
        res.writeHead(500, FHIR_JSON);
        res.end(JSON.stringify(outcome));
      });
    },
  },
  {
    does: "answering a record whose bytes are not UTF-8",
    failure: /not valid UTF-8/,
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, FHIR_JSON);
        res.end(
          Buffer.concat([
            Buffer.from('{"resourceType":"Bundle","type":"collection","id":"'),
            Buffer.from([0xff, 0xfe]),
            Buffer.from('"}'),
          ]),
        );
      }),
  },
  {
    does: "serving a correct-looking record as text/plain",
    failure: /a FHIR JSON content type: Content-Type is text\/plain/,
    start: (servers) =>
      servers.listen(
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
      ),
  },
  {
    does: "naming a member twice, so readers differ on the record",
    failure: /names the member "resourceType" twice/,
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, FHIR_JSON);
        res.end('{"resourceType":"Bundle","type":"collection","resourceType":"OperationOutcome"}');
      }),
  },
  {
    does: "dripping its answer a byte at a time",
    failure: new RegExp(`no answer within ${HOSTILE_REQUEST_TIMEOUT_MS} ms|no HTTP answer`),
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(200, FHIR_JSON);
        const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 200);
        res.on("close", () => clearInterval(drip));
      }),
  },
  {
    does: "not speaking HTTP at all",
    failure: /no HTTP answer/,
    start: (servers) =>
      servers.listen(
        createTcpServer((socket) => {
          socket.on("error", () => undefined);
          socket.once("data", () => socket.end("HELLO FROM SOMETHING ELSE\r\n\r\n"));
        }),
      ),
  },
  {
    does: "sending headers larger than any answer needs",
    failure: /no HTTP answer|HTTP status/,
    start: (servers) =>
      servers.http((_req, res) => {
        for (let i = 0; i < 200; i++) res.setHeader(`x-flood-${i}`, "x".repeat(1_000));
        res.writeHead(200, FHIR_JSON);
        res.end("{}");
      }),
  },
  {
    does: "redirecting elsewhere",
    failure: /the gateway answered 302/,
    start: (servers) =>
      servers.http((_req, res) => {
        res.writeHead(302, { location: "http://127.0.0.1:9/elsewhere" });
        res.end();
      }),
  },
];

export interface HostileRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  readonly peakMiB: number;
  readonly out: string;
}

/** `gp-harness run` against the gateway at `url`, measuring its wall time and peak resident memory. */
export async function runAgainst(url: string, flags: readonly string[] = []): Promise<HostileRun> {
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
      HOSTILE_SCENARIOS,
      "--timeout",
      String(HOSTILE_REQUEST_TIMEOUT_MS),
      "--out",
      out,
      ...flags,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const peakMemory = samplePeakMemory(child.pid);
  const killer = setTimeout(() => child.kill("SIGKILL"), HOSTILE_RUN_BUDGET_MS);
  const code = await new Promise<number | null>((done) => child.once("exit", (c) => done(c)));
  const peakMiB = peakMemory.stop();
  clearTimeout(killer);
  return { code, stdout, stderr, elapsedMs: performance.now() - started, peakMiB, out };
}
