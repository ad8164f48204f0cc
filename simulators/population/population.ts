/**
 * The synthetic population of a region: practices from (seed, ordinal), patients from (seed, practice,
 * index), generated on demand. NHS numbers come from a seeded bijection over serials, so a number is
 * found from a patient, and a patient from a number, without generating the list.
 */
import { isIsoDate, todayUtc } from "./calendar.js";
import { NhsNumberAllocator } from "./nhs-number.js";
import { generatePatient } from "./patients.js";
import { generatePractice } from "./practices.js";
import {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type SyntheticPatient,
  TRAITS,
  type Trait,
} from "./types.js";

export const POPULATION_DEFAULTS = {
  seed: 1,
  practices: 4,
  patientsPerPractice: 2000,
  emisShare: 0.5,
} as const;

/** Generated patients kept in memory; beyond it they are regenerated (identically) when asked for again. */
const GENERATED_CACHE_LIMIT = 10_000;

/** Which system the practice at `ordinal` runs so that the first n practices hold ceil(n * share) EMIS ones. */
function systemForOrdinal(ordinal: number, emisShare: number): ClinicalSystem {
  const emisBefore = Math.ceil(ordinal * emisShare - 1e-9);
  const emisIncluding = Math.ceil((ordinal + 1) * emisShare - 1e-9);
  return emisIncluding > emisBefore ? "emis" : "tpp";
}

function checkedOptions(options: PopulationOptions) {
  const seed = options.seed ?? POPULATION_DEFAULTS.seed;
  const referenceDate = options.referenceDate ?? todayUtc();
  const practices = options.practices ?? POPULATION_DEFAULTS.practices;
  const patientsPerPractice = options.patientsPerPractice ?? POPULATION_DEFAULTS.patientsPerPractice;
  const emisShare = options.emisShare ?? POPULATION_DEFAULTS.emisShare;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!isIsoDate(referenceDate))
    throw new RangeError(`referenceDate must be a YYYY-MM-DD date, got "${referenceDate}"`);
  if (!Number.isInteger(practices) || practices < 0) {
    throw new RangeError(`practices must be a whole number ≥ 0, got ${practices}`);
  }
  if (!Number.isInteger(patientsPerPractice) || patientsPerPractice < 0) {
    throw new RangeError(`patientsPerPractice must be a whole number ≥ 0, got ${patientsPerPractice}`);
  }
  if (!(emisShare >= 0 && emisShare <= 1))
    throw new RangeError(`emisShare must be between 0 and 1, got ${emisShare}`);
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

  const practiceList: Practice[] = [];
  const practicesByOds = new Map<string, Practice>();
  /** Serial of each practice's first generated patient, by ordinal: the cumulative list sizes. */
  const serialOffsets: number[] = [];
  let generatedTotal = 0;

  /** Patients added with traits, in call order: the k-th takes serial capacity-1-k. */
  const added: AddedPatient[] = [];
  const addedPatients = new Map<string, SyntheticPatient>();
  const addedCountByOds = new Map<string, number>();
  const generatedCache = new Map<string, SyntheticPatient>();
  let sample: readonly SyntheticPatient[] | undefined;

  const key = (ods: string, index: number) => `${ods}/${index}`;

  function ensureCapacity(extraGenerated: number, extraAdded: number): void {
    const needed = generatedTotal + extraGenerated + added.length + extraAdded;
    if (needed > allocator.capacity) {
      throw new RangeError(
        `the 999 range holds ${allocator.capacity} synthetic NHS numbers; this population would need ${needed}`,
      );
    }
  }

  function appendPractice(system: ClinicalSystem): Practice {
    ensureCapacity(patientsPerPractice, 0);
    const practice = generatePractice(seed, practiceList.length, system, patientsPerPractice);
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

  function generated(practice: Practice, index: number): SyntheticPatient {
    const cacheKey = key(practice.ods, index);
    const cached = generatedCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const serial = (serialOffsets[practice.ordinal] ?? 0) + index;
    const patient = generatePatient({
      seed,
      referenceDate,
      practice,
      index,
      nhsNumber: allocator.numberForSerial(serial),
      traits: [],
    });
    if (generatedCache.size >= GENERATED_CACHE_LIMIT) {
      const oldest = generatedCache.keys().next().value;
      if (oldest !== undefined) generatedCache.delete(oldest);
    }
    generatedCache.set(cacheKey, patient);
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

  function findByNhsNumber(nhsNumber: string): SyntheticPatient | undefined {
    const serial = allocator.serialForNumber(nhsNumber);
    if (serial === undefined) return undefined;
    if (serial < generatedTotal) {
      const practice = practiceForSerial(serial);
      if (practice === undefined) return undefined;
      return generated(practice, serial - (serialOffsets[practice.ordinal] ?? 0));
    }
    const addedOrder = allocator.capacity - 1 - serial;
    const entry = added[addedOrder];
    return entry === undefined ? undefined : addedPatients.get(key(entry.ods, entry.index));
  }

  function addPatient(ods: string, traits: readonly Trait[]): SyntheticPatient {
    const practice = requirePractice(ods);
    for (const trait of traits) {
      if (!(TRAITS as readonly string[]).includes(trait)) {
        throw new RangeError(`unknown trait "${trait}"; known traits: ${TRAITS.join(", ")}`);
      }
    }
    ensureCapacity(0, 1);
    const index = practice.listSize + (addedCountByOds.get(ods) ?? 0);
    const serial = allocator.capacity - 1 - added.length;
    const created = generatePatient({
      seed,
      referenceDate,
      practice,
      index,
      nhsNumber: allocator.numberForSerial(serial),
      traits: [...new Set(traits)],
    });
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
      for (const trait of TRAITS) chosen.push(addPatient(practice.ods, [trait]));
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
    addPatient,
    samplePatients,
  };
}
