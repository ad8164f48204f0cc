/**
 * Closed-model load from autocannon, run as its own process (its CLI, `--json`) so the load generator never
 * shares an event loop with the server it measures.
 */
import { spawn } from "node:child_process";
import { REPO_ROOT } from "./fresh-process.js";

const AUTOCANNON = "node_modules/autocannon/autocannon.js";

export interface LoadSettings {
  readonly connections: number;
  readonly pipelining: number;
  readonly durationSeconds: number;
}

export interface LoadRequest {
  readonly url: string;
  readonly method: "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LoadResult {
  /** Mean of the per-second request counts. */
  readonly requestsPerSecond: number;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly responses2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly bytesPerSecond: number;
  readonly durationSeconds: number;
}

interface AutocannonJson {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly "2xx": number;
  readonly latency: { mean: number; p50: number; p99: number; max: number };
  readonly requests: { average: number };
  readonly throughput: { average: number };
}

export function runLoad(request: LoadRequest, settings: LoadSettings): Promise<LoadResult> {
  const args = [
    AUTOCANNON,
    "--json",
    "--no-progress",
    "--connections",
    String(settings.connections),
    "--pipelining",
    String(settings.pipelining),
    "--duration",
    String(settings.durationSeconds),
    "--method",
    request.method,
    "--body",
    request.body,
    ...Object.entries(request.headers).flatMap(([name, value]) => ["--headers", `${name}:${value}`]),
    request.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`autocannon exited ${code}: ${stderr.trim()}`));
        return;
      }
      const json = JSON.parse(stdout) as AutocannonJson;
      resolve({
        requestsPerSecond: json.requests.average,
        latencyMs: {
          mean: json.latency.mean,
          p50: json.latency.p50,
          p99: json.latency.p99,
          max: json.latency.max,
        },
        responses2xx: json["2xx"],
        non2xx: json.non2xx,
        errors: json.errors,
        timeouts: json.timeouts,
        bytesPerSecond: json.throughput.average,
        durationSeconds: json.duration,
      });
    });
  });
}
