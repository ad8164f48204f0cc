/**
 * Runs one measurement in a fresh Node process, so start-up time and resident memory are not flattered (or
 * spoiled) by whatever the parent process loaded before, and answers the JSON result the child reports.
 */
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

const RESULT_PREFIX = "BENCH_RESULT ";

export interface FreshProcessOptions {
  readonly args?: readonly string[];
  /** Lets the child call `globalThis.gc()` before reading memory. */
  readonly exposeGc?: boolean;
  /** Confines the child (and its GC threads) to one CPU with `taskset`, when the machine has it. */
  readonly pinToOneCore?: boolean;
  /** Extra node flags, e.g. the CPU profiler's. */
  readonly nodeFlags?: readonly string[];
}

/** With `--cpu-prof` on the command line: the node flags that make a child write a CPU profile here. */
export function profilingFlags(): string[] {
  if (!process.argv.includes("--cpu-prof")) return [];
  return ["--cpu-prof", "--cpu-prof-dir", path.join(os.tmpdir(), "gp-harness-bench-profiles")];
}

export function canPinToOneCore(): boolean {
  const probe = spawnSync("taskset", ["-c", "0", "true"]);
  return probe.error === undefined && probe.status === 0;
}

/** Starts `node --import tsx <script> ...args` from the repository root and resolves with what it reported. */
export function runInFreshProcess<T>(script: string, options: FreshProcessOptions = {}): Promise<T> {
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    ...(options.exposeGc === true ? ["--expose-gc"] : []),
    "--import",
    "tsx",
    fileURLToPath(new URL(script, import.meta.url)),
    ...(options.args ?? []),
  ];
  const pinned = options.pinToOneCore === true && canPinToOneCore();
  const [command, args] = pinned
    ? ["taskset", ["-c", "0", process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.split("\n").find((text) => text.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${script} ${options.args?.join(" ") ?? ""} exited ${code} without a result`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

export interface ServerProcess<T> {
  /** What the server reported once listening (its port, ...). */
  readonly ready: T;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a long-lived server child (`node --import tsx <script> ...args`) and resolves once it has reported
 * that it listens; `stop` ends it with SIGTERM.
 */
export function startServerProcess<T>(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess<T>> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, "--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = "";
    const onData = (chunk: string) => {
      stdout += chunk;
      const line = stdout.split("\n").find((text) => text.startsWith(RESULT_PREFIX));
      if (line === undefined || child.pid === undefined) return;
      child.stdout.off("data", onData);
      resolve({
        ready: JSON.parse(line.slice(RESULT_PREFIX.length)) as T,
        pid: child.pid,
        stop: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("error", reject);
    child.once("close", (code) => reject(new Error(`${script} exited ${code} before it was ready`)));
  });
}

/** The child's side: hands the result to the parent (one line on stdout). */
export function reportToParent(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** True when this module was started as the script (`node --import tsx bench/x.ts`), not imported. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && fileURLToPath(moduleUrl) === script;
}
