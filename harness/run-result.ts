/**
 * The run result: the one document every report writer reads. Versioned, because CI scripts and
 * commissioners' archives read it long after the run.
 */

export const RUN_RESULT_SCHEMA_VERSION = 2;

export type ResultCode = "pass" | "fail" | "skip" | "omit" | "error";
export type Level = "MUST" | "SHOULD" | "MAY";
/** The packs, in report order. */
export const PACKS = ["core", "consent", "clinical-safety", "resilience", "security", "performance"] as const;
export type Pack = (typeof PACKS)[number];

/** One named assertion inside a scenario, in the order it ran. */
export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** What was seen, in words a reader can act on. */
  readonly detail: string;
  /** A check the later ones depend on: when it fails, the scenario stops there. */
  readonly precondition?: boolean;
  /** The check could not be made (its detail says why): neither a pass nor a fail of the gateway. */
  readonly notRun?: boolean;
  /**
   * A threshold the user set (`--threshold`, the manifest's `thresholds`) rather than the scenario's own
   * budget: when it fails, the verdict fails, whatever the scenario's level.
   */
  readonly setBy?: "--threshold" | "the manifest";
}

/** An exchange with the gateway (north), as evidence. */
export interface NorthExchange {
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body?: unknown;
  };
  readonly response?: {
    readonly status: number;
    readonly headers: Record<string, string>;
    /** Parsed JSON when the body was JSON, otherwise the text; for a large answer its first part (see `omitted`). */
    readonly body?: unknown;
    /** A large answer is kept as its first part: its whole size, its digest, and a note of what was left out. */
    readonly omitted?: { readonly bytes: number; readonly sha256: string; readonly note: string };
  };
  /** Transport failure (connection refused, timeout...) instead of a response. */
  readonly error?: string;
  /** When the request was sent (ISO time). */
  readonly startedAt?: string;
  readonly elapsedMs: number;
}

/** A request the gateway made to a simulator (south), from the journal. */
export interface SouthExchange {
  readonly time: string;
  readonly target: string;
  readonly ods?: string;
  readonly method: string;
  readonly path: string;
  /** The request's query parameters (an SDS search's organization and identifier). */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  readonly status: number;
  readonly nhsNumber?: string;
  readonly headers: Record<string, string>;
  /** The request's body (a structured-record request's Parameters). */
  readonly body?: unknown;
  /** The claims of its bearer JWT, decoded (GP Connect tokens are unsigned). */
  readonly jwtClaims?: Record<string, unknown>;
  readonly latencyMs: number;
}

/** A clause of a specification a scenario checks: a GP Connect, PDS or SDS page and section. */
export interface SpecificationClause {
  /** In words, e.g. "GP Connect 1.6.2 Access Record Structured: error handling". */
  readonly title: string;
  readonly url: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly pack: Pack;
  readonly level: Level;
  readonly hazard: string;
  /** The specification clauses it checks, so a reviewer can go from a result to its requirement. */
  readonly specification?: readonly SpecificationClause[];
  readonly result: ResultCode;
  /** Why it did not pass (or why it was skipped / omitted). */
  readonly message?: string;
  readonly checks: readonly CheckResult[];
  /** When it began (ISO time). */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly evidence: {
    readonly world: Record<string, unknown>;
    readonly north: readonly NorthExchange[];
    readonly south: readonly SouthExchange[];
  };
  /** The load the scenario ran (performance pack): one entry per `load.run`, in order. */
  readonly latency?: readonly LoadFigures[];
}

export interface RunResult {
  readonly schemaVersion: typeof RUN_RESULT_SCHEMA_VERSION;
  readonly tool: { readonly name: "gp-harness"; readonly version: string };
  /** False when the run was interrupted: the scenarios listed are those that finished. */
  readonly complete: boolean;
  readonly verdict: "pass" | "fail";
  readonly verdictReason: string;
  /** The seed of the region the scenarios ran in. */
  readonly seed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly gateway: {
    readonly name: string;
    readonly version?: string;
    /** Credentials in it are redacted. */
    readonly url: string;
    /** How it was reached: "url", "command" or "image". */
    readonly launch: string;
    /** The consumer profile the harness spoke to it with. */
    readonly profile: string;
    /** What it declared it can do. */
    readonly capabilities: readonly string[];
    /** The manifest file that described it, when one did. */
    readonly manifest?: string;
    /** The last lines it printed, when the harness started it. */
    readonly logs?: readonly string[];
    /** What it says of itself, when it serves a CapabilityStatement at `{base}/metadata`. */
    readonly capabilityStatement?: {
      readonly softwareName?: string;
      readonly softwareVersion?: string;
      readonly fhirVersion?: string;
      readonly publisher?: string;
    };
  };
  readonly region: {
    readonly control: string;
    readonly pds: string;
    readonly sds: string;
    readonly attached: boolean;
    /** The region's own seed and reference date (an attached region's, not the run's flags). */
    readonly seed: number;
    readonly referenceDate: string;
  };
  /** The ids and packs asked for (empty: the whole catalogue), how many that selected, of how many. */
  readonly selection: {
    readonly asked: readonly string[];
    readonly selected: number;
    readonly catalogueSize: number;
  };
  /**
   * The catalogue the scenarios came from: its size, and a version that changes whenever a scenario is added,
   * removed or changed (a digest of each scenario's id, level and steps), so two runs can be compared only when
   * they ran the same checks.
   */
  readonly catalogue: { readonly version: string; readonly size: number };
  /** Where the harness ran: a latency figure means little without it. */
  readonly machine: {
    readonly platform: string;
    readonly release: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly node: string;
  };
  readonly totals: Readonly<Record<ResultCode, number>>;
  readonly scenarios: readonly ScenarioResult[];
  /** Scenarios selected but never started, because the run was interrupted (empty when complete). */
  readonly notRun: readonly ScenarioSummary[];
}

/** A scenario as the catalogue describes it, without a result. */
export type ScenarioSummary = Pick<ScenarioResult, "id" | "title" | "pack" | "level" | "hazard">;

/**
 * The verdict passes only when every MUST scenario passed (omitted ones — capability not declared — aside) and
 * every threshold the user set held.
 */
export function verdictOf(
  scenarios: readonly ScenarioResult[],
  complete: boolean,
): { verdict: "pass" | "fail"; reason: string } {
  const blocking = scenarios.filter((s) => s.level === "MUST" && s.result !== "pass" && s.result !== "omit");
  if (!complete) return { verdict: "fail", reason: "the run was interrupted before every scenario finished" };
  const broken = scenarios.flatMap((s) =>
    s.checks.filter((c) => c.setBy !== undefined && !c.passed).map((c) => `${s.id} ${c.name}`),
  );
  if (blocking.length === 0 && broken.length === 0) {
    const musts = scenarios.filter((s) => s.level === "MUST" && s.result === "pass").length;
    return { verdict: "pass", reason: `all ${musts} MUST scenarios passed` };
  }
  const reasons = [
    ...(blocking.length === 0
      ? []
      : [
          `${blocking.length} MUST scenario${blocking.length === 1 ? "" : "s"} did not pass: ${blocking
            .map((s) => `${s.id} (${s.result})`)
            .join(", ")}`,
        ]),
    ...(broken.length === 0
      ? []
      : [
          `${broken.length} threshold${broken.length === 1 ? "" : "s"} set for this run did not hold: ${broken.join(", ")}`,
        ]),
  ];
  return { verdict: "fail", reason: reasons.join("; ") };
}

export function totalsOf(scenarios: readonly ScenarioResult[]): Record<ResultCode, number> {
  const totals: Record<ResultCode, number> = { pass: 0, fail: 0, skip: 0, omit: 0, error: 0 };
  for (const s of scenarios) totals[s.result] += 1;
  return totals;
}

/** Percentiles of a latency distribution, in milliseconds (from an HDR histogram). */
export interface LatencyPercentiles {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One stage of a ramping load (k6's ramping-arrival-rate stages), its requests by intended send time. */
export interface LoadStageFigures {
  /** "2/s → 10/s over 1 s", "10/s for 3 s". */
  readonly label: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly latency: LatencyPercentiles;
  readonly endToEnd: LatencyPercentiles;
  readonly overhead: LatencyPercentiles;
}

/** One second of a load run, by intended send time: a point of the "over time" chart. */
export interface LoadSecondFigures {
  readonly second: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** A call the gateway made south for one request, in milliseconds from the request's send. */
export interface HopFigure {
  readonly target: "pds" | "sds" | "practice";
  readonly ods?: string;
  readonly startMs: number;
  readonly ms: number;
  readonly status: number;
}

/** One of the slowest requests, with where its time went (the overhead waterfall). */
export interface WaterfallFigure {
  readonly nhsNumber: string;
  /** From the intended send time to the answer. */
  readonly latencyMs: number;
  /** From the actual send to the answer. */
  readonly endToEndMs: number;
  /** The gateway's own time: end-to-end less its waits on PDS, SDS and the practice. */
  readonly overheadMs: number;
  readonly status?: number;
  readonly hops: readonly HopFigure[];
}

/** What happened to a load's arrivals. */
export interface LoadCounts {
  /** Arrivals the schedule asked for. */
  readonly scheduled: number;
  readonly sent: number;
  /** Answered as the caller counts success. */
  readonly succeeded: number;
  /** Answered otherwise, timed out, or the connection failed. */
  readonly failed: number;
  /** Not sent: the pool of requests in flight was full at the due time. */
  readonly dropped: number;
  /** Sent, but later than `lateMs` after the due time. */
  readonly late: number;
}

/** What one load run measured: open model, latency from each request's intended send time. */
export interface LoadFigures {
  /** What the load was, in words (e.g. "steady load across the region"). */
  readonly label: string;
  /** The k6 executor and its settings, as the scenario asked. */
  readonly profile: {
    readonly executor: "constant-arrival-rate" | "ramping-arrival-rate";
    /** The rate, or a ramping load's highest. */
    readonly ratePerSecond: number;
    readonly durationMs: number;
    readonly pool: number;
  };
  /** The patients' practices and the consent answers given, by count of requests. */
  readonly mix: {
    readonly emis: number;
    readonly tpp: number;
    readonly granted: number;
    readonly refused: number;
    readonly emergency: number;
    /** Whether practices answered with their supplier's answer-time distribution. */
    readonly realisticLatency: boolean;
  };
  readonly counts: LoadCounts;
  /** failed / sent. */
  readonly errorRate: number;
  /** Intended send to answer. */
  readonly latency: LatencyPercentiles;
  /** Send to answer. */
  readonly endToEnd: LatencyPercentiles;
  /** The gateway's own time per request. */
  readonly overhead: LatencyPercentiles;
  /** Each kind of south call's time. */
  readonly hops: {
    readonly pds: LatencyPercentiles;
    readonly sds: LatencyPercentiles;
    readonly practice: LatencyPercentiles;
  };
  /** The load engine's own lag (due time to send): a busy machine shows here, not in the latencies. */
  readonly schedulingLag: LatencyPercentiles;
  readonly seconds: readonly LoadSecondFigures[];
  /** A ramping load's figures stage by stage; absent for a constant rate (one stage: the whole load). */
  readonly stages?: readonly LoadStageFigures[];
  readonly slowest: readonly WaterfallFigure[];
}
