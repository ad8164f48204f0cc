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
import { PopulationError } from "./population-errors.js";
import { PracticeList } from "./practice-list.js";
import { generatePractice } from "./practices.js";
import { SerialSpace } from "./serial-space.js";
import {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type PracticeOptions,
  type RemovedPractice,
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
  const practices = new PracticeList(patientsPerPractice);
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
  practices.sealSeeded();
  let sample: readonly SyntheticPatient[] | undefined;
  const sampleNumbers = () => new Set((sample ?? []).map((p) => p.nhsNumber));

  return {
    seed,
    referenceDate,
    practices: () => practices.all,
    practice: (ods) => practices.get(ods),
    addPractice: (system, practiceOptions) => appendPractice(parts, system, practiceOptions),
    removePractice: (ods) => removePractice(parts, ods),
    patient: (ods, index) => patientAt(parts, ods, index),
    findByNhsNumber: (nhsNumber) => findByNhsNumber(parts, nhsNumber),
    isNhsNumberInUse: (nhsNumber) => isNhsNumberInUse(parts, nhsNumber),
    findRecordAt: (ods, nhsNumber) => findRecordAt(parts, ods, nhsNumber),
    addPatient: (ods, traits) => parts.added.add(ods, traits),
    removePatient: (nhsNumber) => removePatient(parts, nhsNumber, sampleNumbers()),
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
  if (practices.needsNewSlot) {
    serials.ensureRoom(practices.generatedSerials + patientsPerPractice + added.bandSize);
  }
  const ordinal = practices.nextOrdinal();
  const practice = generatePractice(seed, ordinal, system, patientsPerPractice, sharingEnabled);
  practices.add(practice);
  return practice;
}

/** Takes out a practice added after the population was created, with the patients added to it. */
function removePractice({ practices, generated, added }: PopulationParts, ods: string): RemovedPractice {
  const practice = practices.require(ods);
  if (practices.isSeeded(practice)) {
    throw new PopulationError(
      "not-removable",
      `practice ${ods} is one of the ${practices.all.filter((p) => practices.isSeeded(p)).length} the population was created with; only practices added later can be removed`,
    );
  }
  const patients = added.removeAllOf(ods);
  practices.remove(practice);
  generated.forget(ods);
  return { practice, patients };
}

/** Takes out a patient added with traits (not one of the sample, which the population was created with). */
function removePatient(
  { serials, practices, added }: PopulationParts,
  nhsNumber: string,
  sample: ReadonlySet<string>,
): SyntheticPatient {
  const serial = serials.serialForNumber(nhsNumber);
  const patient = serial === undefined ? undefined : added.atSerial(serial);
  if (serial === undefined || patient === undefined) {
    const generated = serial !== undefined && practices.atSerial(serial) !== undefined;
    if (generated && serial < practices.generatedSerials) {
      throw new PopulationError(
        "not-removable",
        `patient ${nhsNumber} is on a practice's generated list; only patients added with traits can be removed`,
      );
    }
    throw new PopulationError("unknown-patient", `no patient with NHS number "${nhsNumber}" was added`);
  }
  if (sample.has(nhsNumber)) {
    throw new PopulationError(
      "not-removable",
      `patient ${nhsNumber} is one of the sample the population was created with; only patients added later can be removed`,
    );
  }
  added.remove(serial);
  return patient;
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
  if (serial < practices.generatedSerials) return generated.atSerial(serial);
  if (serials.isSuperseded(serial)) {
    // A superseded number: the patient who now has another.
    const owner = serials.supersededOwner(serial);
    return owner < practices.generatedSerials ? generated.atSerial(owner) : undefined;
  }
  return added.atSerial(serial) ?? added.supersededOwner(serial);
}

/** Whether findByNhsNumber would find someone, without generating them. */
function isNhsNumberInUse({ serials, practices, added }: PopulationParts, nhsNumber: string): boolean {
  const serial = serials.serialForNumber(nhsNumber);
  if (serial === undefined) return false;
  if (serial < practices.generatedSerials) return practices.atSerial(serial) !== undefined;
  if (serials.isSuperseded(serial)) return practices.atSerial(serials.supersededOwner(serial)) !== undefined;
  return added.atSerial(serial) !== undefined || added.supersededOwner(serial) !== undefined;
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

/**
 * A few generated patients of each system's first practice, and a patient added with each trait: at the
 * practices the population was created with, which stay.
 */
function samplePatients({ practices, generated, added }: PopulationParts): readonly SyntheticPatient[] {
  const chosen: SyntheticPatient[] = [];
  for (const system of ["emis", "tpp"] as const) {
    const practice = practices.all.find((p) => p.system === system && practices.isSeeded(p));
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
