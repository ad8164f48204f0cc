/** Generates a practice from (seed, ordinal): ODS code, name, ASID, party key, address and its GPs. */
import { nameTables } from "./names.js";
import {
  POSTCODE_UNIT_LETTERS,
  PRACTICE_NAME_SUFFIXES,
  PRACTICE_NAME_WORDS,
  streetNames,
  TOWNS,
  type Town,
} from "./places.js";
import { Random } from "./random.js";
import type { Address, ClinicalSystem, Clinician, Practice } from "./types.js";

/** Stream ids keep the draws for one purpose independent of the draws for another. */
const PRACTICE_STREAM = 0x50524143;
const ODS_STREAM = 0x4f445321;

/**
 * GP practice ODS codes are a region letter and five digits. Y is left out (Y99001/Y99002 are the harness's
 * consumer and the reference gateway). Uniqueness: the digits step through 10000..99999 by a stride coprime
 * with 90000, from a seeded start, so no two ordinals below 90000 share them.
 */
const ODS_REGION_LETTERS = "ABCDEFGHJKLMNP";
const ODS_STRIDE = 7919;
/** Ordinals whose ODS codes (and ASIDs, which carry the ordinal in five digits) are all distinct. */
export const DISTINCT_PRACTICE_ORDINALS = 90_000;

export function odsCodeFor(seed: number, ordinal: number): string {
  const random = new Random(seed, ODS_STREAM);
  const start = random.int(0, 89_999);
  const digits = 10_000 + ((start + ordinal * ODS_STRIDE) % 90_000);
  const letter =
    ODS_REGION_LETTERS[new Random(seed, ODS_STREAM, ordinal).int(0, ODS_REGION_LETTERS.length - 1)];
  return `${letter}${digits}`;
}

export function syntheticPostcode(random: Random, town: Town): string {
  const unit = () => POSTCODE_UNIT_LETTERS[random.int(0, POSTCODE_UNIT_LETTERS.length - 1)];
  return `${random.pick(town.outwardCodes)} ${random.int(1, 9)}${unit()}${unit()}`;
}

export function syntheticAddress(random: Random, town: Town): Address {
  return {
    line: [`${random.int(1, 180)} ${random.pick(streetNames())}`],
    city: town.name,
    district: town.district,
    postalCode: syntheticPostcode(random, town),
  };
}

function clinicians(random: Random, count: number): Clinician[] {
  const list: Clinician[] = [];
  const names = nameTables();
  for (let i = 0; i < count; i++) {
    const female = random.chance(0.55);
    list.push({
      id: `GP${i + 1}`,
      family: random.pick(names.family),
      given: random.pick(female ? names.female : names.male),
      prefix: "Dr",
      // GMP codes as SDS carries them: G + 7 digits.
      sdsUserId: `G${random.int(1_000_000, 9_999_999)}`,
      role: "General Medical Practitioner",
    });
  }
  return list;
}

export function generatePractice(
  seed: number,
  ordinal: number,
  system: ClinicalSystem,
  listSize: number,
  sharingEnabled = true,
): Practice {
  const random = new Random(seed, ordinal, PRACTICE_STREAM);
  const ods = odsCodeFor(seed, ordinal);
  const town = random.pick(TOWNS);
  const name = `${random.pick(PRACTICE_NAME_WORDS)} ${random.pick(PRACTICE_NAME_SUFFIXES)}`;
  // Real ASIDs are 12 digits; the ordinal in the middle keeps them unique within a region.
  const asid = `${random.int(100, 899)}${String(ordinal).padStart(5, "0")}${random.int(1000, 9999)}`;
  return {
    ordinal,
    ods,
    name,
    system,
    asid,
    partyKey: `${ods}-${random.int(100_000, 999_999)}`,
    address: syntheticAddress(random, town),
    listSize,
    clinicians: clinicians(random, random.int(3, 8)),
    sharingEnabled,
  };
}

/** The town a practice is in: patients live nearby. */
export function practiceTown(practice: Practice): Town {
  return TOWNS.find((town) => town.name === practice.address.city) ?? (TOWNS[0] as Town);
}
