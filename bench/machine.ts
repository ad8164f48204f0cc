/** The machine a benchmark ran on, printed with every figure: figures mean nothing without it. */
import { spawnSync } from "node:child_process";
import os from "node:os";

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  /** `java -version`'s first line, or "not found". */
  readonly java: string;
  /** 1-minute load average when described: other work on the machine skews every figure. */
  readonly loadAverage: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: javaVersion(),
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

function javaVersion(): string {
  // `java -version` writes to stderr.
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error !== undefined || result.status !== 0) return "java not found";
  return firstLine(result.stderr);
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? "";
}

export function machineLine(machine: Machine = describeMachine()): string {
  return `${machine.date} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB · ${machine.os} · node ${machine.node} · ${machine.java} · load average ${machine.loadAverage.toFixed(2)}`;
}
