/**
 * Gets hold of the gateway under test: the bundled reference gateway started as a child process
 * (configured only through its environment, like any other gateway), or a URL of one already running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { cliError } from "./cli/errors.js";
import { type ConsentPlacement, DEFAULT_CONSENT_PLACEMENT } from "./consumer.js";
import type { Capability } from "./scenario.js";

export interface GatewayTarget {
  readonly name: string;
  readonly launch: "reference" | "url";
  readonly url: string;
  readonly capabilities: readonly Capability[];
  /** Where point-of-access consent goes, when the gateway declares it. */
  readonly consent: ConsentPlacement | undefined;
  /** The last lines the gateway printed, when the harness started it. */
  logs(): string[];
  stop(): Promise<void>;
}

export interface SpineAddresses {
  readonly pds: string;
  readonly sds: string;
}

const START_BUDGET_MS = 15_000;
const LISTENING_LINE = /listening on (https?:\/\/\S+)/;
const LOG_LINES_KEPT = 200;

/** Starts the bundled reference gateway on an ephemeral port, pointed at the region's PDS and SDS. */
export async function startReferenceGateway(spine: SpineAddresses): Promise<GatewayTarget> {
  const child = spawn(process.execPath, referenceGatewayArgs(), {
    env: {
      ...process.env,
      PDS_URL: spine.pds,
      SDS_URL: spine.sds,
      PORT: "0",
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const keep = (line: string) => {
    logs.push(line);
    if (logs.length > LOG_LINES_KEPT) logs.shift();
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(cliError("GATEWAY_FAILED_TO_START", `no "listening on" line within ${START_BUDGET_MS} ms`));
    }, START_BUDGET_MS);
    onLines(child.stdout, (line) => {
      keep(line);
      const match = LISTENING_LINE.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    onLines(child.stderr, keep);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(cliError("GATEWAY_FAILED_TO_START", error.message));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const last = logs.at(-1) ?? "no output";
      reject(cliError("GATEWAY_FAILED_TO_START", `it exited (${signal ?? `status ${code}`}): ${last}`));
    });
  });
  return {
    name: "gp-harness reference gateway",
    launch: "reference",
    url,
    capabilities: ["point-of-access-consent"],
    consent: DEFAULT_CONSENT_PLACEMENT,
    logs: () => [...logs],
    stop: () => stopChild(child),
  };
}

/**
 * A gateway already running at a URL. It declares the default profile: GP Connect structured north,
 * point-of-access consent in X-Consent / X-Consent-Reason.
 */
export async function attachToGateway(url: string): Promise<GatewayTarget> {
  await probe(url);
  return {
    name: url,
    launch: "url",
    url,
    capabilities: ["point-of-access-consent"],
    consent: DEFAULT_CONSENT_PLACEMENT,
    logs: () => [],
    stop: async () => {},
  };
}

/** Fails fast, with the reason, when nothing accepts connections at the URL. */
async function probe(url: string): Promise<void> {
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(3_000, () => {
      socket.destroy();
      reject(cliError("GATEWAY_UNREACHABLE", url, "no answer to a connection within 3 s"));
    });
    socket.once("connect", () => {
      socket.end();
      resolve();
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ECONNREFUSED" ? "connection refused (is it running?)" : error.message;
      reject(cliError("GATEWAY_UNREACHABLE", url, why));
    });
  });
}

/** The built entry point, or the TypeScript source through tsx when running from a checkout's sources. */
function referenceGatewayArgs(): string[] {
  const built = fileURLToPath(new URL("../gateway/main.js", import.meta.url));
  if (existsSync(built)) return [built];
  const source = fileURLToPath(new URL("../gateway/main.ts", import.meta.url));
  return ["--import", "tsx", source];
}

function onLines(stream: NodeJS.ReadableStream | null, each: (line: string) => void): void {
  if (!stream) return;
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") each(line);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
