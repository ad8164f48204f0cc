/**
 * The changes a world makes to the region (faults, switched-off areas, missing agreements), kept so that the
 * report can say what the world was and tear-down can undo it. The world's own practices take their settings
 * with them when removed; PDS and SDS are the region's, so their faults are put back as they were found.
 */
import type { ControlClient, Fault } from "../../simulators/index.js";
import type { ClinicalAreaParameter, WorldFaultTarget, WorldPractice } from "./types.js";

/** One change, for the report: what was changed, how, and whether at build time or while the scenario ran. */
export type WorldChange = { readonly when: "build" | "run"; readonly target: string } & (
  | { readonly fault: Fault }
  | { readonly faultCleared: true }
  | { readonly disabledAreas: readonly ClinicalAreaParameter[] }
  | { readonly withoutAgreement: readonly string[] }
);

type Spine = "pds" | "sds";

export class WorldChanges {
  readonly log: WorldChange[] = [];
  /** What PDS and SDS had before the world first faulted them (null: no fault). */
  private readonly spineBefore = new Map<Spine, Fault | null>();
  /** Control calls under way: tear-down waits for them, so none lands after it. */
  private readonly pending = new Set<Promise<unknown>>();
  when: "build" | "run" = "build";

  constructor(
    private readonly control: ControlClient,
    private readonly exclusive: boolean,
    private readonly owns: (ods: string) => boolean,
  ) {}

  setFault(target: WorldFaultTarget, fault: Fault): Promise<void> {
    return this.guarded(async () => {
      const key = this.targetKey(target);
      if (key === "pds" || key === "sds") await this.rememberSpine(key);
      await this.control.setFault(key, fault);
      this.log.push({ when: this.when, target: key, fault });
    });
  }

  clearFault(target: WorldFaultTarget): Promise<void> {
    return this.guarded(async () => {
      const key = this.targetKey(target);
      if (key === "pds" || key === "sds") {
        await this.rememberSpine(key);
        await this.control.setFault(key, this.spineBefore.get(key) ?? null);
      } else {
        await this.control.setFault(key, null);
      }
      this.log.push({ when: this.when, target: key, faultCleared: true });
    });
  }

  disableAreas(practice: WorldPractice, areas: readonly ClinicalAreaParameter[]): Promise<void> {
    return this.guarded(async () => {
      const ods = this.practiceKey(practice);
      const now = await this.control.setDisabledAreas(ods, areas);
      this.log.push({ when: this.when, target: ods, disabledAreas: now });
    });
  }

  withoutAgreement(
    practice: WorldPractice,
    consumers: readonly string[] | "every-consumer" = "every-consumer",
  ): Promise<void> {
    return this.guarded(async () => {
      const ods = this.practiceKey(practice);
      const codes =
        consumers === "every-consumer"
          ? (await this.control.region()).consumers.map((consumer) => consumer.ods)
          : consumers;
      const now = await this.control.setOrganisationsWithoutAgreement(ods, codes);
      this.log.push({ when: this.when, target: ods, withoutAgreement: now });
    });
  }

  /** The faults in force now, by target, as the world set them. */
  faults(): Record<string, Fault> {
    const now: Record<string, Fault> = {};
    for (const change of this.log) {
      if ("fault" in change) now[change.target] = change.fault;
      if ("faultCleared" in change) delete now[change.target];
    }
    return now;
  }

  /** Waits for calls under way, then puts PDS and SDS back as they were found. */
  async undoSpine(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    const undone = await Promise.allSettled(
      [...this.spineBefore].map(([target, before]) => this.control.setFault(target, before)),
    );
    const failed = undone.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  private async rememberSpine(target: Spine): Promise<void> {
    if (this.spineBefore.has(target)) return;
    this.spineBefore.set(target, (await this.control.faults())[target] ?? null);
  }

  private targetKey(target: WorldFaultTarget): string {
    if (target === "pds" || target === "sds") {
      if (!this.exclusive) {
        throw new Error(
          `a fault on ${target.toUpperCase()} reaches every scenario running beside this one: mark the scenario exclusive: true`,
        );
      }
      return target;
    }
    return this.practiceKey(target);
  }

  private practiceKey(practice: WorldPractice): string {
    if (!this.owns(practice.ods)) {
      throw new Error(
        `practice ${practice.ods} is not one of the scenario's own; a world changes only the practices it made`,
      );
    }
    return practice.ods;
  }

  private guarded(change: () => Promise<void>): Promise<void> {
    const call = change();
    this.pending.add(call);
    return call.finally(() => this.pending.delete(call));
  }
}
