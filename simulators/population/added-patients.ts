/** Patients a scenario adds with traits, after a practice's generated list, in the order they were added. */
import { generatePatient, type PatientSeed } from "./patients.js";
import type { PracticeList } from "./practice-list.js";
import { Random } from "./random.js";
import type { SerialSpace } from "./serial-space.js";
import { type Practice, type SyntheticPatient, TRAITS, type Trait } from "./types.js";

const MOVED_STREAM = 0x4d4f5645;

interface AddedPatient {
  readonly ods: string;
  readonly index: number;
}

const key = (ods: string, index: number) => `${ods}/${index}`;

export class AddedPatients {
  /** Patients added with traits, in call order: the k-th takes serial patientCapacity-1-k. */
  private readonly added: AddedPatient[] = [];
  private readonly patients = new Map<string, SyntheticPatient>();
  private readonly countByOds = new Map<string, number>();
  /**
   * How each `record-in-transit` patient was made, by NHS number: the practice they left holds the whole
   * record, which is generated again from it when that practice is asked.
   */
  private readonly inTransitSeeds = new Map<string, PatientSeed>();

  constructor(
    private readonly seed: number,
    private readonly referenceDate: string,
    private readonly serials: SerialSpace,
    private readonly practices: PracticeList,
  ) {}

  get count(): number {
    return this.added.length;
  }

  add(ods: string, traits: readonly Trait[]): SyntheticPatient {
    const practice = this.practices.require(ods);
    if (!Array.isArray(traits)) throw new RangeError("traits must be an array of trait names");
    for (const trait of traits) {
      if (!(TRAITS as readonly string[]).includes(trait)) {
        throw new RangeError(`unknown trait ${JSON.stringify(trait)}; known traits: ${TRAITS.join(", ")}`);
      }
    }
    this.serials.ensureRoom(this.practices.generatedTotal + this.added.length + 1);
    const index = practice.listSize + (this.countByOds.get(ods) ?? 0);
    const serial = this.serials.addedSerial(this.added.length);
    const unique = [...new Set(traits)];
    const moveTrait = unique.find((t) => t === "moved-practice" || t === "record-in-transit");
    const patientSeed: PatientSeed = {
      seed: this.seed,
      referenceDate: this.referenceDate,
      practice,
      index,
      nhsNumber: this.serials.numberForSerial(serial),
      traits: unique,
      ...(moveTrait === undefined
        ? {}
        : { previousPractice: this.previousPracticeFor(practice, index, moveTrait) }),
    };
    const created = generatePatient(patientSeed);
    if (created.recordInTransit === true) this.inTransitSeeds.set(created.nhsNumber, patientSeed);
    this.added.push({ ods, index });
    this.countByOds.set(ods, (this.countByOds.get(ods) ?? 0) + 1);
    this.patients.set(key(ods, index), created);
    return created;
  }

  /** The patient added at `index` of the practice (after its generated list). */
  at(ods: string, index: number): SyntheticPatient | undefined {
    return this.patients.get(key(ods, index));
  }

  /** The patient added `order`-th (from 0), across all practices. */
  inOrder(order: number): SyntheticPatient | undefined {
    const entry = this.added[order];
    return entry === undefined ? undefined : this.patients.get(key(entry.ods, entry.index));
  }

  /** How a `record-in-transit` patient was made, to make their whole record again. */
  inTransitSeed(nhsNumber: string): PatientSeed | undefined {
    return this.inTransitSeeds.get(nhsNumber);
  }

  /** The practice a moved patient left: another practice of the region, chosen by seed. */
  private previousPracticeFor(practice: Practice, index: number, trait: Trait): Practice {
    const others = this.practices.all.filter((p) => p.ods !== practice.ods);
    if (others.length === 0) {
      throw new RangeError(`trait "${trait}" needs another practice in the population to have moved from`);
    }
    return new Random(this.seed, practice.ordinal, index, MOVED_STREAM).pick(others);
  }
}
