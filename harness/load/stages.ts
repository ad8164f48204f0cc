/**
 * A ramping load's figures stage by stage: its requests grouped by intended send time into the profile's stages,
 * so a report shows how latency and the gateway's own overhead moved as the rate rose.
 */
import type { LoadStageFigures } from "../run-result.js";
import { summarise } from "./histogram.js";
import type { AttributedRequest } from "./overhead.js";
import { type ArrivalProfile, arrivalOffsets, profileStages } from "./profile.js";

/** Undefined for a constant rate, whose one stage is the whole load. */
export function stageFigures(
  profile: ArrivalProfile,
  requests: readonly AttributedRequest[],
): LoadStageFigures[] | undefined {
  if (profile.executor !== "ramping-arrival-rate") return undefined;
  const offsets = arrivalOffsets(profile);
  const sent = new Map(requests.map((r) => [r.index, r]));
  return profileStages(profile).map((stage, i, all) => {
    const last = i === all.length - 1;
    const inStage = offsets
      .map((offset, index) => ({ offset, index }))
      .filter(
        ({ offset }) => offset >= stage.fromMs && (offset < stage.toMs || (last && offset <= stage.toMs)),
      );
    const answered = inStage.flatMap(({ index }) => sent.get(index) ?? []);
    return {
      label: stageLabel(stage.fromRate, stage.toRate, stage.toMs - stage.fromMs),
      fromMs: stage.fromMs,
      toMs: stage.toMs,
      sent: answered.length,
      failed: answered.filter((r) => !r.ok).length,
      dropped: inStage.length - answered.length,
      latency: summarise(answered.map((r) => r.latencyMs)),
      endToEnd: summarise(answered.map((r) => r.endToEndMs)),
      overhead: summarise(answered.map((r) => r.overheadMs)),
    };
  });
}

function stageLabel(fromRate: number, toRate: number, ms: number): string {
  const rate = (n: number) => `${Math.round(n * 100) / 100}/s`;
  const over = ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
  return fromRate === toRate
    ? `${rate(toRate)} for ${over}`
    : `${rate(fromRate)} → ${rate(toRate)} over ${over}`;
}
