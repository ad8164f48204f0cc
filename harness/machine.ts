/** The machine a run measured on, as the run result records it. */
import { arch, cpus, platform, release, totalmem } from "node:os";
import type { RunResult } from "./run-result.js";

export function machineOfRun(): RunResult["machine"] {
  const processors = cpus();
  return {
    platform: platform(),
    release: release(),
    arch: arch(),
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}
