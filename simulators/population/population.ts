/**
 * The synthetic population of a region: practices from (seed, ordinal), patients from (seed, practice,
 * index), generated on demand. NHS numbers come from a seeded bijection over serials (serial-space.ts), so
 * a number is found from a patient, and a patient from a number, without generating the list.
 */
import { AddedPatients } from "./added-patients.js";
import { isIsoDate, todayUtc } from "./calendar.js";
import { GeneratedPatients } from "./generated-patients.js";
import { recordHeldByPreviousPractice } from "./moved-practice.js";
import { generatePatient } from "./patients.js";
import { PracticeList } from "./practice-list.js";
import { generatePractice } from "./practices.js";
import { SerialSpace } from "./serial-space.js";
import {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type PracticeOptions,
  type SyntheticPatient,
  TRAITS,
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

/** What a population is made of, for the functions behind its methods. */
interface PopulationParts {
  readonly seed: number;
  readonly patientsPerPractice: number;
  readonly serials: SerialSpace;
  readonly practices: PracticeList;
  readonly generated: GeneratedPatients;
  readonly added: AddedPatients;
}

export function createPopulation(options: PopulationOptions = {}): Population {
  const {
    seed,
    referenceDate,
    practices: practiceCount,
    patientsPerPractice,
    emisShare,
  } = checkedOptions(options);
  const serials = new SerialSpace(seed);
  const practices = new PracticeList();
  const parts: PopulationParts = {
    seed,
    patientsPerPractice,
    serials,
    practices,
    generated: new GeneratedPatients(seed, referenceDate, serials, practices),
    added: new AddedPatients(seed, referenceDate, serials, practices),
  };
  for (let ordinal = 0; ordinal < practiceCount; ordinal++)
    appendPractice(parts, systemForOrdinal(ordinal, emisShare));
  let sample: readonly SyntheticPatient[] | undefined;

  return {
    seed,
    referenceDate,
    practices: () => practices.all,
    practice: (ods) => practices.get(ods),
    addPractice: (system, practiceOptions) => appendPractice(parts, system, practiceOptions),
    patient: (ods, index) => patientAt(parts, ods, index),
    findByNhsNumber: (nhsNumber) => findByNhsNumber(parts, nhsNumber),
    findRecordAt: (ods, nhsNumber) => findRecordAt(parts, ods, nhsNumber),
    addPatient: (ods, traits) => parts.added.add(ods, traits),
    samplePatients: () => {
      sample ??= samplePatients(parts);
      return sample;
    },
  };
}

function appendPractice(
  parts: PopulationParts,
  system: ClinicalSystem,
  practiceOptions: PracticeOptions = {},
): Practice {
  if (system !== "emis" && system !== "tpp") {
    throw new RangeError(`system must be "emis" or "tpp", got ${JSON.stringify(system)}`);
  }
  const sharingEnabled = practiceOptions.sharingEnabled ?? true;
  if (typeof sharingEnabled !== "boolean") {
    throw new RangeError(`sharingEnabled must be true or false, got ${JSON.stringify(sharingEnabled)}`);
  }
  const { seed, patientsPerPractice, serials, practices, added } = parts;
  serials.ensureRoom(practices.generatedTotal + patientsPerPractice + added.count);
  const practice = generatePractice(seed, practices.all.length, system, patientsPerPractice, sharingEnabled);
  practices.add(practice);
  return practice;
}

function patientAt(
  { practices, generated, added }: PopulationParts,
  ods: string,
  index: number,
): SyntheticPatient {
  const practice = practices.require(ods);
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`patient index must be a whole number, got ${index}`);
  if (index < practice.listSize) return generated.at(practice, index);
  const addedPatient = added.at(ods, index);
  if (addedPatient === undefined) {
    throw new RangeError(`practice ${ods} has no patient at index ${index} (list size ${practice.listSize})`);
  }
  return addedPatient;
}

function findByNhsNumber(
  { serials, practices, generated, added }: PopulationParts,
  nhsNumber: string,
): SyntheticPatient | undefined {
  const serial = serials.serialForNumber(nhsNumber);
  if (serial === undefined) return undefined;
  if (serial < practices.generatedTotal) return generated.atSerial(serial);
  if (serials.isSuperseded(serial)) {
    // A superseded number: the patient who now has another.
    const owner = serials.supersededOwner(serial);
    return owner < practices.generatedTotal ? generated.atSerial(owner) : undefined;
  }
  return added.inOrder(serials.addedOrder(serial));
}

function findRecordAt(parts: PopulationParts, ods: string, nhsNumber: string): SyntheticPatient | undefined {
  const found = findByNhsNumber(parts, nhsNumber);
  // Practices know a patient by the current number only.
  if (found === undefined || found.nhsNumber !== nhsNumber) return undefined;
  if (found.practiceOds === ods) return found;
  const previous = parts.practices.get(ods);
  if (previous === undefined) return undefined;
  const inTransit = parts.added.inTransitSeed(nhsNumber);
  const whole = inTransit === undefined ? found : generatePatient(inTransit, true);
  return recordHeldByPreviousPractice(whole, previous);
}

/** A few generated patients of each system's first practice, and a patient added with each trait. */
function samplePatients({ practices, generated, added }: PopulationParts): readonly SyntheticPatient[] {
  const chosen: SyntheticPatient[] = [];
  for (const system of ["emis", "tpp"] as const) {
    const practice = practices.all.find((p) => p.system === system);
    if (practice === undefined) continue;
    for (let index = 0; index < Math.min(3, practice.listSize); index++)
      chosen.push(generated.at(practice, index));
    for (const trait of TRAITS) {
      if ((trait === "moved-practice" || trait === "record-in-transit") && practices.all.length < 2) continue;
      chosen.push(added.add(practice.ods, [trait]));
    }
  }
  return chosen;
}
