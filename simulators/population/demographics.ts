/**
 * Who a patient is: when they were born (England's age structure), their name and title, their telephone
 * number, and for trait `deceased` when they died.
 */
import { addDays, addYears, fromDayNumber, maxDate, toDayNumber } from "./calendar.js";
import { uniformDate } from "./distributions.js";
import { withFaker } from "./faker.js";
import {
  nameTables,
  UNUSUAL_FAMILY_NAMES,
  UNUSUAL_FEMALE_GIVEN_NAMES,
  UNUSUAL_MALE_GIVEN_NAMES,
} from "./names.js";
import { Random } from "./random.js";
import type { SyntheticPatient, Trait } from "./types.js";

/** Share of the population of England by five-year age band (ONS mid-year estimates, rounded). */
const AGE_BANDS: readonly (readonly [from: number, to: number, share: number])[] = [
  [0, 5, 5.4],
  [5, 10, 6.0],
  [10, 15, 6.0],
  [15, 20, 5.7],
  [20, 25, 6.0],
  [25, 30, 6.6],
  [30, 35, 6.9],
  [35, 40, 6.7],
  [40, 45, 6.3],
  [45, 50, 6.4],
  [50, 55, 6.8],
  [55, 60, 6.6],
  [60, 65, 5.8],
  [65, 70, 5.0],
  [70, 75, 5.0],
  [75, 80, 3.7],
  [80, 85, 2.5],
  [85, 90, 1.6],
  [90, 100, 0.9],
];

/** Youngest a patient with each trait is made: the clinical story of the trait needs an adult. */
const MINIMUM_AGE: Partial<Record<Trait, number>> = {
  "outpatient-medication": 25,
  "sensitive-items": 20,
  "large-record": 60,
  deceased: 40,
  "moved-practice": 2,
  "record-in-transit": 2,
};
/** Share of the generated population whose names carry apostrophes, hyphens or diacritics anyway. */
const NATURAL_UNUSUAL_NAME_SHARE = 0.02;

/** The days a birth in an age band falls between: born `to` years ago (exclusive) to `from` years ago. */
interface BirthDays {
  readonly first: number;
  readonly last: number;
}

/**
 * Age bands as weighted birth-day ranges, by reference date and minimum age: the same few tables serve
 * every patient of a population, where building them per patient was a tenth of generation's garbage.
 */
const birthBandsByDate = new Map<string, Map<number, readonly (readonly [BirthDays, number])[]>>();

function birthBands(referenceDate: string, minimumAge: number): readonly (readonly [BirthDays, number])[] {
  let byAge = birthBandsByDate.get(referenceDate);
  if (byAge === undefined) {
    byAge = new Map();
    birthBandsByDate.set(referenceDate, byAge);
  }
  let bands = byAge.get(minimumAge);
  if (bands === undefined) {
    bands = AGE_BANDS.filter(([, to]) => to > minimumAge).map(([from, to, share]) => {
      const first = toDayNumber(addDays(addYears(referenceDate, -to), 1));
      const last = toDayNumber(addYears(referenceDate, -Math.max(from, minimumAge)));
      return [{ first, last }, share] as const;
    });
    byAge.set(minimumAge, bands);
  }
  return bands;
}

function birthDay(random: Random, referenceDate: string, minimumAge: number): number {
  const { first, last } = random.weighted(birthBands(referenceDate, minimumAge));
  return last <= first ? first : random.int(first, last);
}

const ADULT_FEMALE_PREFIXES = [
  ["Mrs", 5],
  ["Ms", 3],
  ["Miss", 2],
] as const;

function prefixFor(random: Random, gender: "male" | "female", age: number): string {
  if (age < 16) return gender === "male" ? "Master" : "Miss";
  if (gender === "male") return "Mr";
  return random.weighted(ADULT_FEMALE_PREFIXES);
}

/** The date of birth, no younger than the patient's traits need. */
export function birthDate(random: Random, referenceDate: string, traits: readonly Trait[]): string {
  let minimumAge = 0;
  for (const trait of traits) minimumAge = Math.max(minimumAge, MINIMUM_AGE[trait] ?? 0);
  return fromDayNumber(birthDay(random, referenceDate, minimumAge));
}

/** For trait `deceased`: a death in the two years before the reference date (and after the day of birth). */
export function dateOfDeath(random: Random, born: string, referenceDate: string): string {
  return uniformDate(
    random,
    maxDate(addDays(born, 1), addYears(referenceDate, -2)),
    addDays(referenceDate, -1),
  );
}

/** The name as PDS holds it; given and family names are drawn before the title that fits age and gender. */
export function patientName(
  random: Random,
  gender: "male" | "female",
  age: number,
  unusual: boolean,
): SyntheticPatient["name"] {
  let given: string[];
  let family: string;
  if (unusual || random.chance(NATURAL_UNUSUAL_NAME_SHARE)) {
    given = [random.pick(gender === "male" ? UNUSUAL_MALE_GIVEN_NAMES : UNUSUAL_FEMALE_GIVEN_NAMES)];
    family = random.pick(UNUSUAL_FAMILY_NAMES);
  } else {
    const names = nameTables();
    const givenNames = gender === "male" ? names.male : names.female;
    given = random.chance(0.3) ? random.sample(givenNames, 2) : [random.pick(givenNames)];
    family = random.pick(names.family);
  }
  return { prefix: prefixFor(random, gender, age), given, family };
}

/** Stream of the generator each telephone number and email address is drawn from, by faker. */
const CONTACT_STREAM = 0xc0de;
/** Share of adults who have given the practice an email address. */
const EMAIL_SHARE = 0.4;

/**
 * A mobile number in Ofcom's drama range (07700 900000-900999), which is never allocated to a real phone,
 * filled in by faker. One draw of the patient's generator seeds faker's, so the rest of the record is drawn
 * as it was before faker wrote the number.
 */
export function mobileNumber(random: Random): string {
  return withFaker(new Random(random.nextUint32(), CONTACT_STREAM), (faker) =>
    faker.helpers.replaceSymbols("07700 900###"),
  );
}

/**
 * For some adults, an email address faker makes from their name at a domain reserved for examples
 * (example.com, .net, .org: RFC 2606), so it can reach no one. Drawn last of the patient.
 */
export function emailAddress(
  random: Random,
  name: SyntheticPatient["name"],
  age: number,
): string | undefined {
  if (age < 16 || !random.chance(EMAIL_SHARE)) return undefined;
  return withFaker(new Random(random.nextUint32(), CONTACT_STREAM), (faker) =>
    faker.internet.exampleEmail({ firstName: name.given[0] ?? "", lastName: name.family }),
  );
}
