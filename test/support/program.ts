/** Starts a program as a child process and waits for the line that says where it listens. */
import { type ChildProcess, spawn } from "node:child_process";

export interface RunningProgram {
  /** The first capture group of the ready line: the program's URL. */
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export function startProgram(
  argv: readonly [string, ...string[]],
  options: { env: NodeJS.ProcessEnv; cwd?: string; ready: RegExp; timeoutMs?: number },
): Promise<RunningProgram> {
  const [command, ...args] = argv;
  const child = spawn(command === "node" ? process.execPath : command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${argv.join(" ")} printed no ready line within ${options.timeoutMs ?? 15_000} ms: ${printed}`,
        ),
      );
    }, options.timeoutMs ?? 15_000);
    const onOutput = (chunk: Buffer) => {
      printed += chunk.toString("utf8");
      const url = options.ready.exec(printed)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ url, output: () => printed, stop: () => stop(child) });
      }
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(" ")} exited (${signal ?? `status ${code}`}): ${printed}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
