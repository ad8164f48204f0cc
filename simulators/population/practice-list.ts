/**
 * A population's practices, in the order they were made, and where each one's generated list starts among
 * the serials.
 */
import type { Practice } from "./types.js";

export class PracticeList {
  /** By ordinal. */
  readonly all: Practice[] = [];
  private readonly byOds = new Map<string, Practice>();
  /** Serial of each practice's first generated patient, by ordinal: the cumulative list sizes. */
  private readonly serialOffsets: number[] = [];
  private generated = 0;

  /** The patients of every generated list. */
  get generatedTotal(): number {
    return this.generated;
  }

  add(practice: Practice): void {
    this.all.push(practice);
    this.byOds.set(practice.ods, practice);
    this.serialOffsets.push(this.generated);
    this.generated += practice.listSize;
  }

  get(ods: string): Practice | undefined {
    return this.byOds.get(ods);
  }

  require(ods: string): Practice {
    const practice = this.byOds.get(ods);
    if (practice === undefined) throw new RangeError(`no practice with ODS code "${ods}" in this population`);
    return practice;
  }

  /** The serial of the practice's first generated patient. */
  firstSerial(practice: Practice): number {
    return this.serialOffsets[practice.ordinal] ?? 0;
  }

  /** The practice whose generated list holds this serial (binary search over the cumulative offsets). */
  atSerial(serial: number): Practice | undefined {
    let low = 0;
    let high = this.serialOffsets.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const start = this.serialOffsets[mid] ?? 0;
      const practice = this.all[mid];
      if (practice === undefined) return undefined;
      if (serial < start) high = mid - 1;
      else if (serial >= start + practice.listSize) low = mid + 1;
      else return practice;
    }
    return undefined;
  }
}
