/**
 * The peak resident memory of a running process (its high-water mark, VmHWM in /proc/<pid>/status), sampled
 * while it runs. Shared by the benchmarks and tests that report how much memory a `gp-harness run` took.
 */
import { readFileSync } from "node:fs";

/** Peak resident memory of a process still running, in MiB; 0 where /proc is absent or the process is gone. */
function peakResidentMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kib === undefined ? 0 : Number(kib) / 1024;
  } catch {
    return 0;
  }
}

export interface PeakMemorySampler {
  /** Stops sampling; the highest peak seen, in MiB (0 if none was read). */
  stop(): number;
}

/**
 * Reads the peak resident memory of process `pid` every `everyMs` until stopped (stop it once the process has
 * exited). VmHWM only rises while the process lives, so the highest reading is its peak, to within `everyMs`.
 */
export function samplePeakMemory(pid: number | undefined, everyMs = 50): PeakMemorySampler {
  let peakMiB = 0;
  const timer = setInterval(() => {
    if (pid !== undefined) peakMiB = Math.max(peakMiB, peakResidentMiB(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peakMiB;
    },
  };
}
