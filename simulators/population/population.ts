/**
 * The synthetic population of a region: practices from (seed, ordinal), patients from (seed, practice,
 * index), generated on demand. NHS numbers come from a seeded bijection over serials, so a number is
 * found from a patient, and a patient from a number, without generating the list.
 *
 * Serial space (about 909k valid 999-range numbers): generated lists from the bottom; at the very top a
 * small reserved band of superseded numbers (one for every SUPERSEDED_STRIDE-th generated patient); patients
 * added with traits downwards from just below that band.
 */
import { isIsoDate, todayUtc } from "./calendar.js";
import { recordHeldByPreviousPractice } from "./moved-practice.js";
import { NhsNumberAllocator } from "./nhs-number.js";
import { generatePatient, type PatientSeed } from "./patients.js";
import { generatePractice } from "./practices.js";
import { Random } from "./random.js";
import {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type PracticeOptions,
  type SyntheticPatient,
  TRAITS,
  type Trait,
} from "./types.js";

/**
 * 146 practices (a county the size of Nottinghamshire) of 6,000 patients each is 876,000 patients: as many
 * as the 999 range allows (909,091 numbers, less the superseded band and room for added patients).
 */
export const POPULATION_DEFAULTS = {
  seed: 1,
  practices: 4,
  patientsPerPractice: 6000,
  emisShare: 0.5,
} as const;

/**
 * Generated patients kept in memory; beyond it they are regenerated (identically) when asked for again.
 * Small on purpose: regenerating a patient takes tens of microseconds, while holding 10,000 records let
 * them outlive the young generation, and the old-generation collections cost more than regenerating.
 */
const GENERATED_CACHE_LIMIT = 1_000;
/** One generated patient in this many has an older, superseded NHS number that PDS still knows. */
export const SUPERSEDED_STRIDE = 500;
const SUPERSEDED_STREAM = 0x53555045;
const MOVED_STREAM = 0x4d4f5645;

const NO_TRAITS: readonly Trait[] = [];

const OPTION_NAMES = ["seed", "referenceDate", "practices", "patientsPerPractice", "emisShare"];

/** Which system the practice at `ordinal` runs so that the first n practices hold ceil(n * share) EMIS ones. */
function systemForOrdinal(ordinal: number, emisShare: number): ClinicalSystem {
  const emisBefore = Math.ceil(ordinal * emisShare - 1e-9);
  const emisIncluding = Math.ceil((ordinal + 1) * emisShare - 1e-9);
  return emisIncluding > emisBefore ? "emis" : "tpp";
}

function checkedOptions(options: PopulationOptions) {
  if (options === null || typeof options !== "object")
    throw new TypeError("population options must be an object");
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new RangeError(`unknown population option "${name}"; known options: ${OPTION_NAMES.join(", ")}`);
    }
  }
  const seed = options.seed ?? POPULATION_DEFAULTS.seed;
  const referenceDate = options.referenceDate ?? todayUtc();
  const practices = options.practices ?? POPULATION_DEFAULTS.practices;
  const patientsPerPractice = options.patientsPerPractice ?? POPULATION_DEFAULTS.patientsPerPractice;
  const emisShare = options.emisShare ?? POPULATION_DEFAULTS.emisShare;
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`seed must be an integer, got ${JSON.stringify(seed)}`);
  if (typeof referenceDate !== "string" || !isIsoDate(referenceDate))
    throw new RangeError(`referenceDate must be a YYYY-MM-DD date, got ${JSON.stringify(referenceDate)}`);
  if (referenceDate < "1950-01-01" || referenceDate > "2100-12-31")
    throw new RangeError(`referenceDate must be between 1950-01-01 and 2100-12-31, got "${referenceDate}"`);
  if (!Number.isInteger(practices) || practices < 0) {
    throw new RangeError(`practices must be a whole number ≥ 0, got ${JSON.stringify(practices)}`);
  }
  if (!Number.isInteger(patientsPerPractice) || patientsPerPractice < 0) {
    throw new RangeError(
      `patientsPerPractice must be a whole number ≥ 0, got ${JSON.stringify(patientsPerPractice)}`,
    );
  }
  if (typeof emisShare !== "number" || !(emisShare >= 0 && emisShare <= 1))
    throw new RangeError(`emisShare must be a number between 0 and 1, got ${JSON.stringify(emisShare)}`);
  return { seed, referenceDate, practices, patientsPerPractice, emisShare };
}

interface AddedPatient {
  readonly ods: string;
  readonly index: number;
}

export function createPopulation(options: PopulationOptions = {}): Population {
  const {
    seed,
    referenceDate,
    practices: practiceCount,
    patientsPerPractice,
    emisShare,
  } = checkedOptions(options);
  const allocator = new NhsNumberAllocator(seed);
  const supersededBand = Math.ceil(allocator.capacity / SUPERSEDED_STRIDE);
  /** Patients (generated and added) the serial space holds, below the superseded band. */
  const patientCapacity = allocator.capacity - supersededBand;
  const supersededOffset = new Random(seed, SUPERSEDED_STREAM).int(0, SUPERSEDED_STRIDE - 1);

  const practiceList: Practice[] = [];
  const practicesByOds = new Map<string, Practice>();
  /** Serial of each practice's first generated patient, by ordinal: the cumulative list sizes. */
  const serialOffsets: number[] = [];
  let generatedTotal = 0;

  /** Patients added with traits, in call order: the k-th takes serial patientCapacity-1-k. */
  const added: AddedPatient[] = [];
  const addedPatients = new Map<string, SyntheticPatient>();
  const addedCountByOds = new Map<string, number>();
  /**
   * How each `record-in-transit` patient was made, by NHS number: the practice they left holds the whole
   * record, which is generated again from it when that practice is asked.
   */
  const inTransitSeeds = new Map<string, PatientSeed>();
  /** By serial: a number key, where `${ods}/${index}` cost a string per lookup. */
  const generatedCache = new Map<number, SyntheticPatient>();
  let sample: readonly SyntheticPatient[] | undefined;

  const key = (ods: string, index: number) => `${ods}/${index}`;

  function ensureCapacity(extraGenerated: number, extraAdded: number): void {
    const needed = generatedTotal + extraGenerated + added.length + extraAdded;
    if (needed > patientCapacity) {
      throw new RangeError(
        `the 999 range holds ${patientCapacity} synthetic patients' NHS numbers; this population would need ${needed} ` +
          `(lower practices or patientsPerPractice: 146 practices fit ${Math.floor(patientCapacity / 146)} patients each)`,
      );
    }
  }

  function appendPractice(system: ClinicalSystem, practiceOptions: PracticeOptions = {}): Practice {
    if (system !== "emis" && system !== "tpp") {
      throw new RangeError(`system must be "emis" or "tpp", got ${JSON.stringify(system)}`);
    }
    const sharingEnabled = practiceOptions.sharingEnabled ?? true;
    if (typeof sharingEnabled !== "boolean") {
      throw new RangeError(`sharingEnabled must be true or false, got ${JSON.stringify(sharingEnabled)}`);
    }
    ensureCapacity(patientsPerPractice, 0);
    const practice = generatePractice(seed, practiceList.length, system, patientsPerPractice, sharingEnabled);
    practiceList.push(practice);
    practicesByOds.set(practice.ods, practice);
    serialOffsets.push(generatedTotal);
    generatedTotal += practice.listSize;
    return practice;
  }

  for (let ordinal = 0; ordinal < practiceCount; ordinal++)
    appendPractice(systemForOrdinal(ordinal, emisShare));

  function requirePractice(ods: string): Practice {
    const practice = practicesByOds.get(ods);
    if (practice === undefined) throw new RangeError(`no practice with ODS code "${ods}" in this population`);
    return practice;
  }

  function supersededNumbersOf(serial: number): string[] | undefined {
    if (serial % SUPERSEDED_STRIDE !== supersededOffset) return undefined;
    return [allocator.numberForSerial(allocator.capacity - 1 - Math.floor(serial / SUPERSEDED_STRIDE))];
  }

  function generated(practice: Practice, index: number): SyntheticPatient {
    const serial = (serialOffsets[practice.ordinal] ?? 0) + index;
    const cached = generatedCache.get(serial);
    if (cached !== undefined) return cached;
    const superseded = supersededNumbersOf(serial);
    const patient = generatePatient({
      seed,
      referenceDate,
      practice,
      index,
      nhsNumber: allocator.numberForSerial(serial),
      traits: NO_TRAITS,
      supersededNhsNumbers: superseded,
    });
    if (generatedCache.size >= GENERATED_CACHE_LIMIT) {
      const oldest = generatedCache.keys().next().value;
      if (oldest !== undefined) generatedCache.delete(oldest);
    }
    generatedCache.set(serial, patient);
    return patient;
  }

  function patient(ods: string, index: number): SyntheticPatient {
    const practice = requirePractice(ods);
    if (!Number.isInteger(index) || index < 0)
      throw new RangeError(`patient index must be a whole number, got ${index}`);
    if (index < practice.listSize) return generated(practice, index);
    const addedPatient = addedPatients.get(key(ods, index));
    if (addedPatient === undefined) {
      throw new RangeError(
        `practice ${ods} has no patient at index ${index} (list size ${practice.listSize})`,
      );
    }
    return addedPatient;
  }

  /** The practice whose generated list holds this serial (binary search over the cumulative offsets). */
  function practiceForSerial(serial: number): Practice | undefined {
    let low = 0;
    let high = serialOffsets.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const start = serialOffsets[mid] ?? 0;
      const practice = practiceList[mid];
      if (practice === undefined) return undefined;
      if (serial < start) high = mid - 1;
      else if (serial >= start + practice.listSize) low = mid + 1;
      else return practice;
    }
    return undefined;
  }

  function generatedAtSerial(serial: number): SyntheticPatient | undefined {
    const practice = practiceForSerial(serial);
    if (practice === undefined) return undefined;
    return generated(practice, serial - (serialOffsets[practice.ordinal] ?? 0));
  }

  function findByNhsNumber(nhsNumber: string): SyntheticPatient | undefined {
    const serial = allocator.serialForNumber(nhsNumber);
    if (serial === undefined) return undefined;
    if (serial < generatedTotal) return generatedAtSerial(serial);
    if (serial >= patientCapacity) {
      // A superseded number: the patient who now has another.
      const owner = (allocator.capacity - 1 - serial) * SUPERSEDED_STRIDE + supersededOffset;
      return owner < generatedTotal ? generatedAtSerial(owner) : undefined;
    }
    const addedOrder = patientCapacity - 1 - serial;
    const entry = added[addedOrder];
    return entry === undefined ? undefined : addedPatients.get(key(entry.ods, entry.index));
  }

  function findRecordAt(ods: string, nhsNumber: string): SyntheticPatient | undefined {
    const found = findByNhsNumber(nhsNumber);
    // Practices know a patient by the current number only.
    if (found === undefined || found.nhsNumber !== nhsNumber) return undefined;
    if (found.practiceOds === ods) return found;
    const previous = practicesByOds.get(ods);
    if (previous === undefined) return undefined;
    const inTransit = inTransitSeeds.get(nhsNumber);
    const whole = inTransit === undefined ? found : generatePatient(inTransit, true);
    return recordHeldByPreviousPractice(whole, previous);
  }

  /** The practice a moved patient left: another practice of the region, chosen by seed. */
  function previousPracticeFor(practice: Practice, index: number, trait: Trait): Practice {
    const others = practiceList.filter((p) => p.ods !== practice.ods);
    if (others.length === 0) {
      throw new RangeError(`trait "${trait}" needs another practice in the population to have moved from`);
    }
    return new Random(seed, practice.ordinal, index, MOVED_STREAM).pick(others);
  }

  function addPatient(ods: string, traits: readonly Trait[]): SyntheticPatient {
    const practice = requirePractice(ods);
    if (!Array.isArray(traits)) throw new RangeError("traits must be an array of trait names");
    for (const trait of traits) {
      if (!(TRAITS as readonly string[]).includes(trait)) {
        throw new RangeError(`unknown trait ${JSON.stringify(trait)}; known traits: ${TRAITS.join(", ")}`);
      }
    }
    ensureCapacity(0, 1);
    const index = practice.listSize + (addedCountByOds.get(ods) ?? 0);
    const serial = patientCapacity - 1 - added.length;
    const unique = [...new Set(traits)];
    const moveTrait = unique.find((t) => t === "moved-practice" || t === "record-in-transit");
    const patientSeed: PatientSeed = {
      seed,
      referenceDate,
      practice,
      index,
      nhsNumber: allocator.numberForSerial(serial),
      traits: unique,
      ...(moveTrait === undefined
        ? {}
        : { previousPractice: previousPracticeFor(practice, index, moveTrait) }),
    };
    const created = generatePatient(patientSeed);
    if (created.recordInTransit === true) inTransitSeeds.set(created.nhsNumber, patientSeed);
    added.push({ ods, index });
    addedCountByOds.set(ods, (addedCountByOds.get(ods) ?? 0) + 1);
    addedPatients.set(key(ods, index), created);
    return created;
  }

  function samplePatients(): readonly SyntheticPatient[] {
    if (sample !== undefined) return sample;
    const chosen: SyntheticPatient[] = [];
    for (const system of ["emis", "tpp"] as const) {
      const practice = practiceList.find((p) => p.system === system);
      if (practice === undefined) continue;
      for (let index = 0; index < Math.min(3, practice.listSize); index++)
        chosen.push(generated(practice, index));
      for (const trait of TRAITS) {
        if ((trait === "moved-practice" || trait === "record-in-transit") && practiceList.length < 2)
          continue;
        chosen.push(addPatient(practice.ods, [trait]));
      }
    }
    sample = chosen;
    return sample;
  }

  return {
    seed,
    referenceDate,
    practices: () => practiceList,
    practice: (ods) => practicesByOds.get(ods),
    addPractice: appendPractice,
    patient,
    findByNhsNumber,
    findRecordAt,
    addPatient,
    samplePatients,
  };
}
