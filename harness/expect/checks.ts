/**
 * The ground every expectation stands on: a scenario's checks, recorded with what was seen; preconditions that
 * stop the scenario; the wait before a negative south check; and the simulators' journal since the scenario
 * began. The expectations themselves are in the files beside this one, each a layer of `Expect`.
 */
import type { ControlClient, JournalEntry, JournalTargetKind } from "../../simulators/index.js";
import type { ThresholdMetricName, ThresholdOverride } from "../load/threshold-set.js";
import type { PatientDetails } from "../oracle/leaks.js";
import { STRUCTURED_RECORD_OPERATION_PATH } from "../oracle/structured-request.js";
import type { CheckResult } from "../run-result.js";

/** Thrown by a failed precondition: the scenario stops and fails with this message. */
export class ExpectationFailure extends Error {}

/** Thrown when a scenario cannot be checked (the result is `skip`, not `fail`). */
export class ScenarioSkipped extends Error {}

/** How many failed checks a scenario's message names before "and N more". */
const FAILURES_NAMED = 3;

export interface ExpectOptions {
  readonly control: ControlClient;
  /**
   * How long to wait before concluding that something did NOT happen on the south side: a gateway that
   * answers first and fetches afterwards must still be caught.
   */
  readonly settleMs: number;
  /**
   * Resolves when the world is settled: every request the scenario sent answered and the south journal quiet
   * about the world (harness/world/settle.ts). Without it, a fixed wait of `settleMs`.
   */
  readonly settled?: () => Promise<void>;
  /** When the scenario began (ISO): south requests before it belong to other scenarios. */
  readonly since: string;
  /** Base URLs of the services behind the gateway (PDS, SDS, practices): an error answer must not name them. */
  readonly internalUrls?: readonly string[];
  /** The scenario's patient, whose details an error answer must not carry. */
  readonly patient?: PatientDetails;
  /**
   * The parameters the gateway's profile accepts (default "all"): an area it cannot be asked for is never
   * asked, so its List is not expected.
   */
  readonly acceptedParameters?: "all" | readonly string[];
  /** The user's thresholds (from `--threshold` or the manifest) replacing the scenario's budget for a metric. */
  readonly thresholdOverride?: (metric: ThresholdMetricName) => ThresholdOverride | undefined;
  /** The FHIR STU3 JSON Schema file (default: GP_HARNESS_FHIR_SCHEMA, then ../shared/reference/). */
  readonly fhirSchema?: string;
}

export class Checks {
  readonly checks: CheckResult[] = [];

  constructor(protected readonly options: ExpectOptions) {}

  /** Waits until nothing more can arrive south for the scenario (see ExpectOptions.settled). */
  protected settled(): Promise<void> {
    return this.options.settled?.() ?? delay(this.options.settleMs);
  }
  /** The requests a simulator received since the scenario began (a practice's: the scenario's own). */
  protected journal(target: JournalTargetKind, ods?: string): Promise<JournalEntry[]> {
    return this.options.control.journal({ target, since: this.options.since, ...(ods ? { ods } : {}) });
  }

  /** Structured-record requests (POST .../Patient/$gpc.getstructuredrecord) the practice received. */
  protected async recordRequestsAt(practice: { readonly ods: string }): Promise<JournalEntry[]> {
    return (await this.journal("practice", practice.ods)).filter(
      (e) => e.method === "POST" && STRUCTURED_RECORD_OPERATION_PATH.test(e.path),
    );
  }

  /** The failed checks in words, the first few then "and N more"; undefined when none failed. */
  failures(): string | undefined {
    const failed = this.checks.filter((c) => !c.passed);
    if (failed.length === 0) return undefined;
    const named = failed.slice(0, FAILURES_NAMED).map((c) => `${c.name}: ${c.detail}`);
    const more = failed.length - named.length;
    return `${named.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
  }

  /**
   * Records a check; a failed one is reported and the scenario carries on. `setBy` names the user's threshold
   * it judged, whose failure fails the verdict (run-result.ts, verdictOf).
   */
  protected check(
    name: string,
    passed: boolean,
    detail: string,
    notRun = false,
    setBy?: CheckResult["setBy"],
  ): boolean {
    this.checks.push({
      name,
      passed,
      detail,
      precondition: false,
      ...(notRun ? { notRun } : {}),
      ...(setBy === undefined ? {} : { setBy }),
    });
    return passed;
  }

  /** Records a check the rest depends on: a failed one stops the scenario. */
  protected precondition(name: string, passed: boolean, detail: string): void {
    this.checks.push({ name, passed, detail, precondition: true });
    if (!passed) throw new ExpectationFailure(this.failures());
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
