/**
 * Patients a scenario adds with traits, after a practice's generated list, until they (or their practice) are
 * removed. Their NHS numbers come from the top of the serial space downwards, each given once; a removed
 * patient's number is given again only when every number of that band has been given and the generated lists
 * below leave no other, and then the one given longest ago first, so a gateway that cached a patient's answers
 * does not meet the number again for as long as the space allows.
 */
import { generatePatient, type PatientSeed } from "./patients.js";
import { PopulationError } from "./population-errors.js";
import type { PracticeList } from "./practice-list.js";
import { Random } from "./random.js";
import type { SerialSpace } from "./serial-space.js";
import { type Practice, type SyntheticPatient, TRAITS, type Trait } from "./types.js";

const MOVED_STREAM = 0x4d4f5645;

export class AddedPatients {
  /** The patients there are, by serial. */
  private readonly bySerial = new Map<number, SyntheticPatient>();
  /** Each practice's added patients: their index on its list, and their serial. */
  private readonly byPractice = new Map<string, Map<number, number>>();
  /** How many patients each practice has had added, removed ones included: the next one's index follows. */
  private readonly addedTo = new Map<string, number>();
  /** How many serials of the band have been given (the band grows down from just below the superseded band). */
  private given = 0;
  /** Where the search for a serial to give again starts, once the band cannot grow. */
  private reuseCursor: number;
  /**
   * How each `record-in-transit` patient was made, by NHS number: the practice they left holds the whole
   * record, which is generated again from it when that practice is asked.
   */
  private readonly inTransitSeeds = new Map<string, PatientSeed>();
  /** Trait `superseded-number`: each older number's serial, and the serial of the patient who now has another. */
  private readonly supersededOwners = new Map<number, number>();

  constructor(
    private readonly seed: number,
    private readonly referenceDate: string,
    private readonly serials: SerialSpace,
    private readonly practices: PracticeList,
  ) {
    this.reuseCursor = serials.patientCapacity - 1;
  }

  /** The serials the band spans, down from just below the superseded band: every one given so far. */
  get bandSize(): number {
    return this.given;
  }

  add(ods: string, traits: readonly Trait[]): SyntheticPatient {
    const practice = this.practices.require(ods);
    if (!Array.isArray(traits)) throw new RangeError("traits must be an array of trait names");
    for (const trait of traits) {
      if (!(TRAITS as readonly string[]).includes(trait)) {
        throw new RangeError(`unknown trait ${JSON.stringify(trait)}; known traits: ${TRAITS.join(", ")}`);
      }
    }
    const unique = [...new Set(traits)];
    const moveTrait = unique.find((t) => t === "moved-practice" || t === "record-in-transit");
    const index = practice.listSize + (this.addedTo.get(ods) ?? 0);
    const previousPractice =
      moveTrait === undefined ? undefined : this.previousPracticeFor(practice, index, moveTrait);
    const serial = this.nextSerial();
    // The older number is given like any other, so it is never a number someone else still has.
    const oldSerial = unique.includes("superseded-number") ? this.nextSerial(serial) : undefined;
    const patientSeed: PatientSeed = {
      seed: this.seed,
      referenceDate: this.referenceDate,
      practice,
      index,
      nhsNumber: this.serials.numberForSerial(serial),
      traits: unique,
      ...(previousPractice === undefined ? {} : { previousPractice }),
      ...(oldSerial === undefined ? {} : { supersededNhsNumbers: [this.serials.numberForSerial(oldSerial)] }),
    };
    const created = generatePatient(patientSeed);
    if (created.recordInTransit === true) this.inTransitSeeds.set(created.nhsNumber, patientSeed);
    this.addedTo.set(ods, (this.addedTo.get(ods) ?? 0) + 1);
    this.bySerial.set(serial, created);
    if (oldSerial !== undefined) this.supersededOwners.set(oldSerial, serial);
    const ofPractice = this.byPractice.get(ods) ?? new Map<number, number>();
    ofPractice.set(index, serial);
    this.byPractice.set(ods, ofPractice);
    return created;
  }

  /** The patient added at `index` of the practice (after its generated list). */
  at(ods: string, index: number): SyntheticPatient | undefined {
    const serial = this.byPractice.get(ods)?.get(index);
    return serial === undefined ? undefined : this.bySerial.get(serial);
  }

  /** The added patient whose NHS number is this serial's, if there is one. */
  atSerial(serial: number): SyntheticPatient | undefined {
    return this.bySerial.get(serial);
  }

  /** The added patient who now has another number than this superseded one's serial (`superseded-number`). */
  supersededOwner(serial: number): SyntheticPatient | undefined {
    const owner = this.supersededOwners.get(serial);
    return owner === undefined ? undefined : this.bySerial.get(owner);
  }

  /** How a `record-in-transit` patient was made, to make their whole record again. */
  inTransitSeed(nhsNumber: string): PatientSeed | undefined {
    return this.inTransitSeeds.get(nhsNumber);
  }

  /** Takes the patient at this serial out; undefined when no added patient has it. */
  remove(serial: number): SyntheticPatient | undefined {
    const patient = this.bySerial.get(serial);
    if (patient === undefined) return undefined;
    this.bySerial.delete(serial);
    for (const [old, owner] of this.supersededOwners) if (owner === serial) this.supersededOwners.delete(old);
    this.inTransitSeeds.delete(patient.nhsNumber);
    const ofPractice = this.byPractice.get(patient.practiceOds);
    ofPractice?.delete(patient.index);
    if (ofPractice?.size === 0) this.byPractice.delete(patient.practiceOds);
    return patient;
  }

  /** Takes out every patient added to the practice, and forgets how many it had; answers them. */
  removeAllOf(ods: string): SyntheticPatient[] {
    const serials = [...(this.byPractice.get(ods)?.values() ?? [])];
    this.addedTo.delete(ods);
    return serials.flatMap((serial) => this.remove(serial) ?? []);
  }

  /**
   * A serial never given, just below the band, while it stays above the generated lists; otherwise the band's
   * serial given longest ago whose patient has gone.
   */
  private nextSerial(taken?: number): number {
    const fresh = this.serials.addedSerial(this.given);
    if (fresh >= this.practices.generatedSerials) {
      this.given++;
      return fresh;
    }
    const top = this.serials.patientCapacity - 1;
    for (let step = 0; step < this.given; step++) {
      const serial = this.reuseCursor;
      this.reuseCursor = serial - 1 > top - this.given ? serial - 1 : top;
      if (!this.bySerial.has(serial) && !this.supersededOwners.has(serial) && serial !== taken) return serial;
    }
    // Throws, naming the sizes that would fit.
    this.serials.ensureRoom(this.practices.generatedSerials + this.given + 1);
    throw new PopulationError("full", "the 999 range has no NHS number left for another patient");
  }

  /**
   * The practice a moved patient left, chosen by seed: another of the practices the population was created
   * with, which stay, so removing practices added later never takes a record's old practice away (any other
   * practice when the population was created with no other).
   */
  private previousPracticeFor(practice: Practice, index: number, trait: Trait): Practice {
    const others = this.practices.all.filter((p) => p.ods !== practice.ods);
    const lasting = others.filter((p) => this.practices.isSeeded(p));
    const candidates = lasting.length > 0 ? lasting : others;
    if (candidates.length === 0) {
      throw new RangeError(`trait "${trait}" needs another practice in the population to have moved from`);
    }
    return new Random(this.seed, practice.ordinal, index, MOVED_STREAM).pick(candidates);
  }
}
