/**
 * The scenario's load step (`load.run({ rate, duration, mix })`): a load of the scenario's own across the
 * region — practices of both flavours made for it, a distinct patient for every request, each practice
 * answering with its supplier's answer-time distribution, consent answers in the stated mix — run by the
 * open-model engine, then each request's south calls read from the journal to split its time into the
 * gateway's own and the NHS side's. The practices it made are removed afterwards, whatever happened.
 */
import { type ControlClient, flavourOf, type PracticeInfo } from "../../simulators/index.js";
import type { RecordRequestOptions, RecordSubject } from "../north/consumer.js";
import type { GatewayAnswer } from "../north/north-http.js";
import type { LoadFigures } from "../run-result.js";
import type { WorldPatient } from "../world.js";
import { LoadProfileError } from "./errors.js";
import { runOpenModel } from "./open-model.js";
import { attributeRequests, type LoadRequestSent, overheadFigures } from "./overhead.js";
import {
  type ArrivalProfile,
  arrivalOffsets,
  peakRatePerSecond,
  profileDurationMs,
  type RampingStage,
} from "./profile.js";
import { stageFigures } from "./stages.js";

export type ConsentShare = "granted" | "refused" | "emergency";

export interface LoadMix {
  /** EMIS Web practices made for the load (default 2). */
  readonly emis?: number;
  /** TPP SystmOne practices made for the load (default 2). */
  readonly tpp?: number;
  /** Shares of the consent answers (default all granted), e.g. { granted: 8, refused: 1, emergency: 1 }. */
  readonly consent?: Partial<Readonly<Record<ConsentShare, number>>>;
  /** Send to these patients in turn instead of making practices and patients (e.g. one at a failing practice). */
  readonly patients?: readonly WorldPatient[];
}

export interface LoadSpec {
  /** What the load is, in words, for the report. */
  readonly label?: string;
  /** Arrivals per second (constant-arrival-rate). */
  readonly rate: number;
  /** k6 duration of a constant rate: "3s", "1m" (a ramping load's is its stages'). */
  readonly duration?: string;
  /** Instead of a constant rate: ramping-arrival-rate stages, starting from `rate`. */
  readonly stages?: readonly RampingStage[];
  /** Most requests in flight at once (k6 maxVUs); arrivals finding it full are dropped. */
  readonly maxVUs?: number;
  readonly mix?: LoadMix;
  /**
   * How the load's practices answer: as their supplier's servers do (default: each flavour's log-normal
   * answer-time distribution), at once ("none"), or after a fixed number of milliseconds.
   */
  readonly practiceLatency?: "realistic" | "none" | number;
}

/** What a scenario sees: `load.run(...)` resolves with the figures, also kept for the scenario's result. */
export interface ScenarioLoad {
  run(spec: LoadSpec): Promise<LoadFigures>;
}

type GetRecord = (patient: RecordSubject, options: RecordRequestOptions) => Promise<GatewayAnswer>;

/** A consumer of the gateway for the load, made when the first load runs. */
export interface LoadConsumer {
  readonly getRecord: GetRecord;
  close(): Promise<void>;
}

/** Why a consent answer is given in an emergency (the consent model requires one). */
const EMERGENCY_REASON = "Patient unconscious on arrival; record needed for immediate care";

/**
 * The k6 profile of a load step. The pool of requests in flight defaults to ten seconds of arrivals at the
 * peak rate: only a gateway stuck for longer than that makes the load drop requests.
 */
export function profileOf(spec: LoadSpec): ArrivalProfile {
  const peak = Math.max(spec.rate, ...(spec.stages ?? []).map((stage) => stage.target));
  const pool = { maxVUs: spec.maxVUs ?? Math.max(10, Math.ceil(peak * 10)) };
  return spec.stages === undefined
    ? { executor: "constant-arrival-rate", rate: spec.rate, duration: durationOf(spec), ...pool }
    : { executor: "ramping-arrival-rate", startRate: spec.rate, stages: spec.stages, ...pool };
}

function durationOf(spec: LoadSpec): string {
  if (spec.duration === undefined)
    throw new LoadProfileError("duration is missing: a constant rate needs one");
  return spec.duration;
}

function labelOf(spec: LoadSpec): string {
  return spec.stages === undefined
    ? `${spec.rate}/s for ${spec.duration}`
    : `from ${spec.rate}/s through ${spec.stages.map((s) => `${s.target}/s over ${s.duration}`).join(", ")}`;
}

/** The consent answer of each request in turn, keeping every answer's count closest to its share. */
export function consentSequence(count: number, shares: LoadMix["consent"] = {}): ConsentShare[] {
  const weights = (["granted", "refused", "emergency"] as const)
    .map((answer) => [answer, shares[answer] ?? 0] as const)
    .filter(([, weight]) => weight > 0);
  if (weights.some(([, weight]) => !Number.isFinite(weight)))
    throw new LoadProfileError("mix.consent shares must be numbers");
  if (weights.length === 0) return Array.from({ length: count }, () => "granted");
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const given = new Map<ConsentShare, number>();
  return Array.from({ length: count }, (_, i) => {
    let best = weights[0]![0];
    let bestDeficit = Number.NEGATIVE_INFINITY;
    for (const [answer, weight] of weights) {
      const deficit = ((i + 1) * weight) / total - (given.get(answer) ?? 0);
      if (deficit > bestDeficit) [best, bestDeficit] = [answer, deficit];
    }
    given.set(best, (given.get(best) ?? 0) + 1);
    return best;
  });
}

interface LoadPatient {
  readonly nhsNumber: string;
  readonly ods: string;
  readonly system: "emis" | "tpp";
}

export class LoadStep implements ScenarioLoad {
  readonly figures: LoadFigures[] = [];
  private consumer: Promise<LoadConsumer> | undefined;

  constructor(
    private readonly control: ControlClient,
    private readonly open: () => Promise<LoadConsumer>,
  ) {}

  /** Closes the load's consumer, if a load ran. */
  async close(): Promise<void> {
    await (await this.consumer?.catch(() => undefined))?.close();
  }

  private getRecord(patient: RecordSubject, options: RecordRequestOptions): Promise<GatewayAnswer> {
    this.consumer ??= this.open();
    return this.consumer.then((consumer) => consumer.getRecord(patient, options));
  }

  async run(spec: LoadSpec): Promise<LoadFigures> {
    const profile = profileOf(spec);
    const count = arrivalOffsets(profile).length;
    const consent = consentSequence(count, spec.mix?.consent);
    const made: string[] = [];
    try {
      const patients = spec.mix?.patients?.length
        ? spec.mix.patients.map((p) => ({ nhsNumber: p.nhsNumber, ods: p.practice.ods, system: p.system }))
        : await this.makePatients(count, spec, made);
      const since = new Date(Date.now() - 1).toISOString();
      const sent: LoadRequestSent[] = [];
      const result = await runOpenModel({
        profile,
        keepRequests: true,
        send: async (index) => {
          const answer = consent[index]!;
          const patient = patients[index % patients.length]!;
          const reply = await this.getRecord(patient, {
            consent: answer,
            ...(answer === "emergency" ? { reason: EMERGENCY_REASON } : {}),
          });
          return {
            ok: answer === "refused" ? reply.status === 403 : reply.status === 200,
            status: reply.status,
          };
        },
      });
      const byIndex = new Map(result.requests?.map((r) => [r.index, r]));
      for (const [index, record] of byIndex) {
        const patient = patients[index % patients.length]!;
        sent.push({ record, nhsNumber: patient.nhsNumber, ods: patient.ods });
      }
      const journal = await this.control.journal({ since });
      const attributed = attributeRequests(sent, journal);
      const overhead = overheadFigures(attributed);
      const stages = stageFigures(profile, attributed);
      const figures: LoadFigures = {
        label: spec.label ?? labelOf(spec),
        profile: {
          executor: profile.executor,
          ratePerSecond: peakRatePerSecond(profile),
          durationMs: profileDurationMs(profile),
          pool: result.pool,
        },
        mix: mixOf(patients, consent, spec),
        counts: result.counts,
        errorRate: result.errorRate,
        latency: result.latency,
        ...overhead,
        schedulingLag: result.schedulingLag,
        seconds: result.seconds,
        ...(stages === undefined ? {} : { stages }),
      };
      this.figures.push(figures);
      return figures;
    } finally {
      await Promise.all(made.map((ods) => this.control.removePractice(ods).catch(() => undefined)));
    }
  }

  /** Practices of both flavours for the load, a patient for every request spread across them in turn. */
  private async makePatients(count: number, spec: LoadSpec, made: string[]): Promise<LoadPatient[]> {
    const systems = [
      ...Array.from({ length: spec.mix?.emis ?? 2 }, () => "emis" as const),
      ...Array.from({ length: spec.mix?.tpp ?? 2 }, () => "tpp" as const),
    ];
    if (systems.length === 0) throw new LoadProfileError("mix must have at least one practice");
    const practices: PracticeInfo[] = [];
    for (const [position, system] of systems.entries()) {
      const practice = await this.control.addPractice(system);
      made.push(practice.ods);
      practices.push(practice);
      const latency = spec.practiceLatency ?? "realistic";
      if (latency === "realistic") {
        const { medianMs, p95Ms } = flavourOf(system).latency;
        // Seeded: the same load draws the same answer times, run after run.
        await this.control.setFault(practice.ods, { kind: "slow", medianMs, p95Ms, seed: position + 1 });
      } else if (typeof latency === "number") {
        await this.control.setFault(practice.ods, { kind: "slow", delayMs: latency });
      }
    }
    const patients: LoadPatient[] = [];
    for (let from = 0; from < count; from += 16) {
      const batch = Array.from({ length: Math.min(16, count - from) }, (_, k) => {
        const practice = practices[(from + k) % practices.length]!;
        return this.control
          .addPatient(practice.ods, [])
          .then((p) => ({ nhsNumber: p.nhsNumber, ods: practice.ods, system: practice.system }));
      });
      patients.push(...(await Promise.all(batch)));
    }
    return patients;
  }
}

function mixOf(patients: readonly LoadPatient[], consent: readonly ConsentShare[], spec: LoadSpec) {
  const at = (i: number) => patients[i % patients.length]!;
  return {
    emis: consent.filter((_, i) => at(i).system === "emis").length,
    tpp: consent.filter((_, i) => at(i).system === "tpp").length,
    granted: consent.filter((c) => c === "granted").length,
    refused: consent.filter((c) => c === "refused").length,
    emergency: consent.filter((c) => c === "emergency").length,
    realisticLatency: !spec.mix?.patients?.length && (spec.practiceLatency ?? "realistic") === "realistic",
  };
}
