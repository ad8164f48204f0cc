/** The patients of the practices' generated lists, made on demand from their serial; the latest few kept. */
import { generatePatient } from "./patients.js";
import type { PracticeList } from "./practice-list.js";
import type { SerialSpace } from "./serial-space.js";
import type { Practice, SyntheticPatient, Trait } from "./types.js";

/**
 * Generated patients kept in memory; beyond it they are regenerated (identically) when asked for again.
 * Small on purpose: regenerating a patient takes tens of microseconds, while holding 10,000 records let
 * them outlive the young generation, and the old-generation collections cost more than regenerating.
 */
const GENERATED_CACHE_LIMIT = 1_000;

const NO_TRAITS: readonly Trait[] = [];

export class GeneratedPatients {
  /** By serial: a number key, where `${ods}/${index}` cost a string per lookup. */
  private readonly cache = new Map<number, SyntheticPatient>();

  constructor(
    private readonly seed: number,
    private readonly referenceDate: string,
    private readonly serials: SerialSpace,
    private readonly practices: PracticeList,
  ) {}

  /** The patient at `index` of the practice's generated list. */
  at(practice: Practice, index: number): SyntheticPatient {
    const serial = this.practices.firstSerial(practice) + index;
    const cached = this.cache.get(serial);
    if (cached !== undefined) return cached;
    const superseded = this.serials.supersededNumbersOf(serial);
    const patient = generatePatient({
      seed: this.seed,
      referenceDate: this.referenceDate,
      practice,
      index,
      nhsNumber: this.serials.numberForSerial(serial),
      traits: NO_TRAITS,
      supersededNhsNumbers: superseded,
    });
    if (this.cache.size >= GENERATED_CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(serial, patient);
    return patient;
  }

  /** Drops the practice's patients kept in memory: its slot may go to another practice, with other patients. */
  forget(ods: string): void {
    for (const [serial, patient] of this.cache) if (patient.practiceOds === ods) this.cache.delete(serial);
  }

  /** The generated patient at this serial, if a practice's list holds it. */
  atSerial(serial: number): SyntheticPatient | undefined {
    const practice = this.practices.atSerial(serial);
    if (practice === undefined) return undefined;
    return this.at(practice, serial - this.practices.firstSerial(practice));
  }
}
