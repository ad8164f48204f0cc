/**
 * Launches a gateway that is a program (`launch.kind: "command"`): started in its own process group with the
 * caller's environment plus the manifest's, watched until ready, and stopped with everything it started.
 * Every failure is a CliError naming the cause, and leaves nothing running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { cliError } from "../cli/errors.js";
import type { CommandLaunch } from "../manifest/types.js";
import { collectLines, LogRing } from "./log-ring.js";
import { ensurePortFree } from "./ports.js";
import { ProcessGroup } from "./process-group.js";
import { readinessProbe, waitUntilReady } from "./readiness.js";
import type { LaunchContext, LaunchedGateway } from "./types.js";

/** After the program exits, how long its output has to drain (a child it left may hold the pipes open). */
const DRAIN_MS = 1_000;

export async function launchCommand(spec: CommandLaunch, context: LaunchContext): Promise<LaunchedGateway> {
  context.signal?.throwIfAborted();
  const probe = readinessProbe(spec.ready, context.url, context.port);
  const cwd = workingDirectory(spec, context.manifestDir);
  if (spec.port !== undefined && spec.port !== 0) await ensurePortFree(context.port);
  context.signal?.throwIfAborted();

  const [command, ...args] = spec.argv;
  const child = spawn(command === "node" ? process.execPath : command, args, {
    cwd,
    env: { ...process.env, ...context.environment },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw await spawnFailure(child, command);
  const group = new ProcessGroup(child as ChildProcess & { pid: number });
  const logs = new LogRing();
  const drained = Promise.all([
    collectLines(child.stdout!, "stdout", logs),
    collectLines(child.stderr!, "stderr", logs),
  ]);
  try {
    const url = await waitUntilReady(probe, {
      logs,
      exited: howItExited(child, drained),
      signal: context.signal,
    });
    return { url, logs: () => logs.lines(), stop: () => group.stop() };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** `launch.cwd` resolved against the manifest's folder, which must be a folder that exists. */
function workingDirectory(spec: CommandLaunch, manifestDir: string): string {
  const cwd = resolve(manifestDir, spec.cwd ?? ".");
  let isFolder = false;
  try {
    isFolder = statSync(cwd).isDirectory();
  } catch {
    // Missing: said below.
  }
  if (!isFolder) throw cliError("GATEWAY_CWD_MISSING", cwd);
  return cwd;
}

/** Why the program could not be started at all (its 'error' event, which follows the failed spawn). */
async function spawnFailure(child: ChildProcess, command: string): Promise<Error> {
  const [error] = (await once(child, "error")) as [NodeJS.ErrnoException];
  switch (error.code) {
    case "ENOENT":
      return cliError(
        "GATEWAY_COMMAND_NOT_FOUND",
        command,
        command.includes("/") ? "no such file" : "no such program on the PATH",
      );
    case "EACCES":
      return cliError("GATEWAY_COMMAND_NOT_FOUND", command, "not executable (permission denied)");
    default:
      return cliError("GATEWAY_COMMAND_NOT_FOUND", command, error.message);
  }
}

/** Settles once the program has exited and its output is in (or has had its time to drain). */
async function howItExited(child: ChildProcess, drained: Promise<unknown>): Promise<string> {
  if (child.exitCode === null && child.signalCode === null) await once(child, "exit").catch(() => undefined);
  const drainTimer = new AbortController();
  await Promise.race([drained, delay(DRAIN_MS, undefined, { signal: drainTimer.signal }).catch(() => {})]);
  drainTimer.abort();
  return child.signalCode !== null ? `signal ${child.signalCode}` : `status ${child.exitCode}`;
}
