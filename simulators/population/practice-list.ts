/**
 * A population's practices, in the order they were made, and where each one's generated list lies among the
 * serials. Every list has the same size, so the serials are cut into slots of that size; a practice holds
 * one slot while it exists. The practices the population was created with hold slots 0, 1, ... for good;
 * a practice added later takes the lowest slot free (one whose practice was removed) or a new one, so a
 * region that adds and removes practices for ever keeps its generated lists as compact as its busiest hour.
 *
 * Ordinals (a practice's identity: its ODS code, name, ASID and clinicians come from the seed and the
 * ordinal) are given in turn and never twice while DISTINCT_PRACTICE_ORDINALS last, so a removed practice's
 * ODS code does not come back and a gateway's directory cache cannot mistake one practice for another;
 * after that, the ordinal freed longest ago is given again.
 */

import { PopulationError } from "./population-errors.js";
import { DISTINCT_PRACTICE_ORDINALS } from "./practices.js";
import type { Practice } from "./types.js";

export class PracticeList {
  /** The practices there are, in the order they were added. */
  readonly all: Practice[] = [];
  private readonly byOds = new Map<string, Practice>();
  private readonly ordinalsInUse = new Set<number>();
  /** The practice holding each slot; undefined where the practice was removed. */
  private readonly bySlot: (Practice | undefined)[] = [];
  private readonly slotOf = new Map<Practice, number>();
  /** The practices the population was created with: ordinals 0 to this - 1, never removed. */
  private seeded = 0;
  private nextFreshOrdinal = 0;
  /** Where the search for an ordinal to give again starts, once every ordinal has been given. */
  private reuseCursor = 0;

  /** @param listSize the size of every practice's generated list: the serials a slot spans. */
  constructor(readonly listSize: number) {}

  /** The serials the generated lists span, from 0: every slot up to the highest one held. */
  get generatedSerials(): number {
    return this.bySlot.length * this.listSize;
  }

  /** True when adding a practice needs a slot above those there are (none is free). */
  get needsNewSlot(): boolean {
    return !this.bySlot.includes(undefined);
  }

  /** The practices added so far are the population as created: they stay for good. */
  sealSeeded(): void {
    this.seeded = this.all.length;
    this.reuseCursor = this.seeded;
  }

  isSeeded(practice: Practice): boolean {
    return practice.ordinal < this.seeded;
  }

  /** The ordinal the next practice takes. */
  nextOrdinal(): number {
    if (this.nextFreshOrdinal < DISTINCT_PRACTICE_ORDINALS) return this.nextFreshOrdinal;
    const span = DISTINCT_PRACTICE_ORDINALS - this.seeded;
    for (let step = 0; step < span; step++) {
      const ordinal = this.reuseCursor;
      this.reuseCursor = ordinal + 1 < DISTINCT_PRACTICE_ORDINALS ? ordinal + 1 : this.seeded;
      if (!this.ordinalsInUse.has(ordinal)) return ordinal;
    }
    throw new PopulationError(
      "full",
      `the region holds ${DISTINCT_PRACTICE_ORDINALS} practices, as many as have distinct ODS codes`,
    );
  }

  add(practice: Practice): void {
    const slot = this.bySlot.indexOf(undefined);
    const at = slot === -1 ? this.bySlot.length : slot;
    this.bySlot[at] = practice;
    this.slotOf.set(practice, at);
    this.all.push(practice);
    this.byOds.set(practice.ods, practice);
    this.ordinalsInUse.add(practice.ordinal);
    this.nextFreshOrdinal = Math.max(this.nextFreshOrdinal, practice.ordinal + 1);
  }

  /** Takes the practice out; its slot and ordinal are free from now on. */
  remove(practice: Practice): void {
    const slot = this.slotOf.get(practice);
    if (slot === undefined) return;
    this.slotOf.delete(practice);
    this.bySlot[slot] = undefined;
    while (this.bySlot.length > 0 && this.bySlot[this.bySlot.length - 1] === undefined) this.bySlot.pop();
    this.all.splice(this.all.indexOf(practice), 1);
    this.byOds.delete(practice.ods);
    this.ordinalsInUse.delete(practice.ordinal);
  }

  get(ods: string): Practice | undefined {
    return this.byOds.get(ods);
  }

  require(ods: string): Practice {
    const practice = this.byOds.get(ods);
    if (practice === undefined) {
      throw new PopulationError("unknown-practice", `no practice with ODS code "${ods}" in this population`);
    }
    return practice;
  }

  /** The serial of the practice's first generated patient. */
  firstSerial(practice: Practice): number {
    const slot = this.slotOf.get(practice);
    if (slot === undefined) {
      throw new PopulationError("unknown-practice", `practice ${practice.ods} is not in this population`);
    }
    return slot * this.listSize;
  }

  /** The practice whose generated list holds this serial, if one does. */
  atSerial(serial: number): Practice | undefined {
    if (this.listSize === 0 || serial < 0) return undefined;
    return this.bySlot[Math.floor(serial / this.listSize)];
  }
}
