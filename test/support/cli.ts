/** Runs the built CLI as a user would, in a child process, and collects what it printed. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CLI_PATH = fileURLToPath(new URL("../../dist/harness/cli.js", import.meta.url));

export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {},
): Promise<CliOutcome> {
  if (!existsSync(CLI_PATH))
    throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `gp-harness ${args.join(" ")} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running CLI command and resolves once its first stdout line arrives. */
export function startCli(
  args: readonly string[],
): Promise<{ firstLine: string; stop: () => Promise<void>; output: () => string }> {
  if (!existsSync(CLI_PATH))
    throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let all = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gp-harness ${args.join(" ")} printed nothing within 15 s: ${all}`));
    }, 15_000);
    let buffered = "";
    let resolved = false;
    child.stderr.on("data", (d) => {
      all += d;
    });
    child.stdout.on("data", (d) => {
      all += d;
      buffered += d;
      const newline = buffered.indexOf("\n");
      if (!resolved && newline >= 0) {
        resolved = true;
        clearTimeout(timer);
        resolve({
          firstLine: buffered.slice(0, newline),
          output: () => all,
          stop: () =>
            new Promise<void>((done) => {
              // Exited already, with a code or (when the signal came before its handler) by the signal.
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => {
      if (!resolved) {
        clearTimeout(timer);
        reject(new Error(`gp-harness ${args.join(" ")} exited ${code}: ${all}`));
      }
    });
  });
}

/** True when the text has no stack-trace lines (what a user must never see for a usage error). */
export function hasNoStackTrace(text: string): boolean {
  return !/^\s+at /m.test(text);
}
