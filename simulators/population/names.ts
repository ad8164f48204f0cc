/**
 * en_GB personal names for synthetic patients and clinicians. The ordinary ones are drawn from
 * @faker-js/faker (en_GB over en: its given names, and its surnames with en_GB's share of double-barrelled
 * ones) once per process, into tables the population then picks from with its own generators. Drawing from
 * faker for every patient would cost more than generating the rest of the patient (measured: a given and a
 * family name about 13 µs, a street 16 µs, against 33 µs for a whole patient), and would shift every later
 * draw of the patient's record. The tables are drawn by a generator of their own with a fixed seed, so they
 * are the same in every process and every region: a patient is still a pure function of (seed, practice,
 * index). Names with apostrophes, hyphens and diacritics (trait `unusual-name`) stay hand-written: faker has
 * few, and none with diacritics.
 */
import { withFaker } from "./faker.js";
import { Random } from "./random.js";

/** The stream the name tables are drawn from: apart from every stream of a population. */
const NAME_TABLES_STREAM = 0xfa4e;
const GIVEN_NAMES_PER_SEX = 200;
const FAMILY_NAME_DRAWS = 600;

export interface NameTables {
  /** Distinct, so two given names sampled from one are never the same name. */
  readonly male: readonly string[];
  readonly female: readonly string[];
  /** Drawn with repeats, so a pick keeps faker's frequencies (most single, some double-barrelled). */
  readonly family: readonly string[];
}

let tables: NameTables | undefined;

/** The name tables, drawn from faker at first use (about 15 ms) and kept for the life of the process. */
export function nameTables(): NameTables {
  tables ??= withFaker(new Random(NAME_TABLES_STREAM), (faker) => {
    const distinct = (draw: () => string) => {
      const names = new Set<string>();
      while (names.size < GIVEN_NAMES_PER_SEX) names.add(draw());
      return Object.freeze([...names]);
    };
    return Object.freeze({
      male: distinct(() => faker.person.firstName("male")),
      female: distinct(() => faker.person.firstName("female")),
      family: Object.freeze(Array.from({ length: FAMILY_NAME_DRAWS }, () => faker.person.lastName())),
    });
  });
  return tables;
}

/**
 * Names that break naive systems (trait `unusual-name`): apostrophes, hyphens, diacritics, particles and
 * Welsh and Irish spellings, all common in England.
 */
export const UNUSUAL_FAMILY_NAMES = [
  "O'Brien",
  "O'Connor",
  "D'Souza",
  "Smith-Jones",
  "Bowes-Lyon",
  "Ní Bhriain",
  "MacGiolla Phádraig",
  "Müller",
  "Nuñez",
  "van der Berg",
  "Öztürk",
  "Łukasik",
] as const;

export const UNUSUAL_FEMALE_GIVEN_NAMES = [
  "Zoë",
  "Siân",
  "Chloë",
  "Renée",
  "Mary-Jane",
  "Aoibhín",
  "Bethan-Ann",
] as const;
export const UNUSUAL_MALE_GIVEN_NAMES = [
  "Siôn",
  "José",
  "Jean-Luc",
  "Seán",
  "Bartłomiej",
  "Dáithí",
  "Ifan-Rhys",
] as const;
