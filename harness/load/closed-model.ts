/**
 * The closed model, for comparison: N workers, each sending its next request when the last one answered, timed
 * from the actual send, as most benchmarking tools do. While the gateway stalls, the workers wait with it and
 * send nothing, so the stall costs one slow request per worker instead of every request that would have
 * arrived meanwhile: the figures look better than what clinicians saw (coordinated omission).
 */
import { LatencyRecorder, type LatencySummary } from "./histogram.js";
import type { SendRequest } from "./open-model.js";

export interface ClosedModelOptions {
  readonly workers: number;
  readonly durationMs: number;
  readonly send: SendRequest;
  readonly timeoutMs?: number;
}

export interface ClosedModelResult {
  readonly latency: LatencySummary;
  readonly sent: number;
  readonly failed: number;
  readonly requestsPerSecond: number;
  readonly durationMs: number;
}

export async function runClosedModel(options: ClosedModelOptions): Promise<ClosedModelResult> {
  const latency = new LatencyRecorder();
  const started = performance.now();
  const ends = started + options.durationMs;
  let sent = 0;
  let failed = 0;
  let index = 0;
  const worker = async () => {
    while (performance.now() < ends) {
      const at = performance.now();
      sent += 1;
      const ok = await options
        .send(index++, AbortSignal.timeout(options.timeoutMs ?? 60_000))
        .then((outcome) => outcome.ok)
        .catch(() => false);
      latency.record(performance.now() - at);
      if (!ok) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  const durationMs = performance.now() - started;
  return {
    latency: latency.summary(),
    sent,
    failed,
    requestsPerSecond: (sent * 1000) / durationMs,
    durationMs,
  };
}
