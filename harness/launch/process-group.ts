/**
 * A launched command's whole process group: the command and everything it started (a wrapper script's server,
 * a watcher's workers). Stopped together — SIGTERM, then SIGKILL after a grace period — and killed outright if
 * the harness exits without stopping it.
 */
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";

/** How long the group has to exit after SIGTERM before it is sent SIGKILL. */
export const STOP_GRACE_MS = 3_000;
/** How long a SIGKILLed group has to disappear. */
const KILL_WAIT_MS = 2_000;
/** Between looks at whether the group's members are gone (no event says so for processes not our children). */
const LOOK_INTERVAL_MS = 25;

/** Groups still running, killed by the exit hook if the harness exits without stopping them. */
const running = new Set<number>();
let exitHookInstalled = false;

function killRunningGroups(): void {
  for (const group of running) signalGroup(group, "SIGKILL");
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: no process left in the group.
  }
}

/**
 * Whether any process of the group is alive. On Linux, from /proc, where a zombie (dead, waiting to be reaped
 * by a parent that may never do it) does not count; elsewhere, whether the group can be signalled.
 */
export function groupIsAlive(group: number): boolean {
  if (process.platform !== "linux") {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (command) state ppid pgrp …": the command may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === group && fields[0] !== "Z" && fields[0] !== "X") return true;
  }
  return false;
}

async function groupGoneWithin(group: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupIsAlive(group)) {
    if (Date.now() >= deadline) return false;
    await delay(LOOK_INTERVAL_MS);
  }
  return true;
}

export class ProcessGroup {
  readonly #child: ChildProcess;
  readonly #group: number;
  readonly #exited: Promise<unknown>;
  #stopping: Promise<void> | undefined;

  /** `child` was spawned `detached`, so it leads a group of its own (its pid is the group's id). */
  constructor(child: ChildProcess & { pid: number }) {
    this.#child = child;
    this.#group = child.pid;
    this.#exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : once(child, "exit").catch(() => undefined);
    running.add(this.#group);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", killRunningGroups);
    }
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves when none of it runs. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const leaderExited = this.#child.exitCode !== null || this.#child.signalCode !== null;
    if (leaderExited && !groupIsAlive(this.#group)) {
      running.delete(this.#group);
      return;
    }
    signalGroup(this.#group, "SIGTERM");
    if (!(await groupGoneWithin(this.#group, STOP_GRACE_MS))) {
      signalGroup(this.#group, "SIGKILL");
      await groupGoneWithin(this.#group, KILL_WAIT_MS);
    }
    // A process stuck in the kernel ignores even SIGKILL for a while: do not wait on it for ever.
    const exitTimer = new AbortController();
    await Promise.race([
      this.#exited,
      delay(KILL_WAIT_MS, undefined, { signal: exitTimer.signal }).catch(() => {}),
    ]);
    exitTimer.abort();
    running.delete(this.#group);
  }
}
