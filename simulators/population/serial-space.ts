/**
 * Where a population's patients sit in the serial space of NHS numbers (about 909k valid 999-range numbers,
 * from a seeded bijection over serials): generated lists from the bottom; at the very top a small reserved
 * band of superseded numbers (one for every SUPERSEDED_STRIDE-th generated patient); patients added with
 * traits downwards from just below that band. A number freed (its practice or patient removed) is given again
 * only when the space has no other room (see PracticeList's slots and AddedPatients).
 */
import { NhsNumberAllocator } from "./nhs-number.js";
import { PopulationError } from "./population-errors.js";
import { Random } from "./random.js";

/** One generated patient in this many has an older, superseded NHS number that PDS still knows. */
export const SUPERSEDED_STRIDE = 500;
const SUPERSEDED_STREAM = 0x53555045;

export class SerialSpace {
  private readonly allocator: NhsNumberAllocator;
  /** Patients (generated and added) the serial space holds, below the superseded band. */
  readonly patientCapacity: number;
  /** Which generated patient of each SUPERSEDED_STRIDE has a superseded number. */
  private readonly supersededOffset: number;

  constructor(seed: number) {
    this.allocator = new NhsNumberAllocator(seed);
    const supersededBand = Math.ceil(this.allocator.capacity / SUPERSEDED_STRIDE);
    this.patientCapacity = this.allocator.capacity - supersededBand;
    this.supersededOffset = new Random(seed, SUPERSEDED_STREAM).int(0, SUPERSEDED_STRIDE - 1);
  }

  numberForSerial(serial: number): string {
    return this.allocator.numberForSerial(serial);
  }

  /** The serial that gives this number, or undefined when it is not a synthetic NHS number. */
  serialForNumber(nhsNumber: string): number | undefined {
    return this.allocator.serialForNumber(nhsNumber);
  }

  /** Throws unless `needed` patients, generated and added, fit below the superseded band. */
  ensureRoom(needed: number): void {
    if (needed > this.patientCapacity) {
      throw new PopulationError(
        "full",
        `the 999 range holds ${this.patientCapacity} synthetic patients' NHS numbers; this population would need ${needed} ` +
          `(lower practices or patientsPerPractice: 146 practices fit ${Math.floor(this.patientCapacity / 146)} patients each)`,
      );
    }
  }

  /** The serial of the patient added `order`-th (from 0), counting down from below the superseded band. */
  addedSerial(order: number): number {
    return this.patientCapacity - 1 - order;
  }

  /** The superseded numbers of the generated patient at this serial, if it has any. */
  supersededNumbersOf(serial: number): string[] | undefined {
    if (serial % SUPERSEDED_STRIDE !== this.supersededOffset) return undefined;
    return [
      this.allocator.numberForSerial(this.allocator.capacity - 1 - Math.floor(serial / SUPERSEDED_STRIDE)),
    ];
  }

  isSuperseded(serial: number): boolean {
    return serial >= this.patientCapacity;
  }

  /** The serial of the generated patient who now has another number than this superseded one. */
  supersededOwner(serial: number): number {
    return (this.allocator.capacity - 1 - serial) * SUPERSEDED_STRIDE + this.supersededOffset;
  }
}
