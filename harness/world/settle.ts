/**
 * When a negative south check may conclude. "Nothing reached the practice" is only true once the gateway can
 * no longer be fetching for the scenario, so the world is **settled** when:
 *
 * 1. every record request the scenario sent the gateway has been answered (or failed), and then
 * 2. the south journal has been quiet about the world — no request to its practices, none to PDS or a
 *    practice naming its NHS numbers, none to SDS naming its practices — for the quiet time: the settle time,
 *    or the slowest answer the gateway gave in this scenario when that is longer (a gateway that took 2 s to
 *    answer may take as long to fetch late);
 *
 * bounded by a maximum wait, after which the check concludes on what the journal holds.
 */
import type { ControlClient, JournalEntry } from "../../simulators/index.js";
import type { GatewayConsumer } from "../north/consumer.js";
import type { WorldRequest } from "./types.js";

export type WatchedGateway = Pick<GatewayConsumer, "getRecord" | "send" | "auditTrail">;

/** What is the world's on the south side, read when settling (an unknown number asked for later counts). */
export interface SettleScope {
  readonly control: ControlClient;
  /** When the scenario began (ISO). */
  readonly since: string;
  readonly settleMs: number;
  readonly maxSettleMs: number;
  practices(): readonly string[];
  nhsNumbers(): readonly string[];
}

/** How often the journal is read while waiting for it to be quiet. */
const POLL_MS = 20;

/** Watches the scenario's requests to the gateway: which are still out, when the last was answered, the slowest. */
export class GatewayWatch {
  private readonly inFlight = new Set<Promise<unknown>>();
  private lastAnswerAt = 0;
  private slowestMs = 0;

  /** The gateway as the scenario sees it: its requests watched, the world's request parameters by default. */
  watch(gateway: WatchedGateway, defaults: WorldRequest): WatchedGateway {
    return {
      getRecord: (patient, options) => {
        const areas = options.areas ?? defaults.areas;
        return this.track(
          gateway.getRecord(patient, { ...options, ...(areas === undefined ? {} : { areas }) }),
        );
      },
      send: (request) => this.track(gateway.send(request)),
      auditTrail: (patient, options) => gateway.auditTrail(patient, options),
    };
  }

  /** When the gateway last answered (epoch ms; 0 before any request) and the slowest answer's time. */
  answers(): { readonly lastAt: number; readonly slowestMs: number } {
    return { lastAt: this.lastAnswerAt, slowestMs: this.slowestMs };
  }

  /** Resolves when no request is out, or at the deadline (epoch ms). */
  async answered(deadline: number): Promise<void> {
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline - Date.now());
      });
      await Promise.race([Promise.allSettled([...this.inFlight]), timeUp]);
      clearTimeout(timer);
    }
  }

  private track<T>(request: Promise<T>): Promise<T> {
    const started = Date.now();
    const done = request.finally(() => {
      this.inFlight.delete(done);
      this.lastAnswerAt = Math.max(this.lastAnswerAt, Date.now());
      this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
    });
    this.inFlight.add(done);
    return done;
  }
}

/** Waits until the world is settled (the rule above); never longer than `maxSettleMs`. */
export async function settle(scope: SettleScope, watch: GatewayWatch): Promise<void> {
  const deadline = Date.now() + scope.maxSettleMs;
  await watch.answered(deadline);
  const quietMs = Math.min(scope.maxSettleMs, Math.max(scope.settleMs, watch.answers().slowestMs));
  let after = 0;
  let lastActivity = Math.max(watch.answers().lastAt, 0);
  if (lastActivity === 0) lastActivity = Date.now();
  for (;;) {
    const entries = await southEntries(scope, after);
    for (const entry of entries) {
      after = Math.max(after, entry.seq);
      lastActivity = Math.max(lastActivity, Date.parse(entry.time) + entry.latencyMs);
    }
    const quietFor = Date.now() - lastActivity;
    if (quietFor >= quietMs || Date.now() >= deadline) return;
    await pause(Math.min(quietMs - quietFor, POLL_MS, deadline - Date.now()));
  }
}

/** The journal's entries about the world after sequence number `after`. */
async function southEntries(scope: SettleScope, after: number): Promise<JournalEntry[]> {
  const since = scope.since;
  const practices = scope.practices();
  const pages = await Promise.all([
    ...practices.map((ods) => scope.control.journal({ target: "practice", ods, since, after })),
    ...scope.nhsNumbers().map((nhsNumber) => scope.control.journal({ nhsNumber, since, after })),
    scope.control.journal({ target: "sds", since, after }).then((sds) => sds.filter(naming(practices))),
  ]);
  return pages.flat();
}

/** An SDS search naming one of the practices (its ODS code in the path or the query). */
function naming(practices: readonly string[]): (entry: JournalEntry) => boolean {
  return (entry) => {
    const text = `${entry.path} ${JSON.stringify(entry.query)}`;
    return practices.some((ods) => text.includes(ods));
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
