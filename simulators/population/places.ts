/**
 * Towns of the north of England with their real postcode areas and districts, and street names.
 * Addresses built from them are synthetic: a house number and a postcode unit are invented, so an
 * address may not exist (and never names a real person's home). The towns stay hand-written: faker's en_GB
 * towns are invented ("Upper Dare") and its postcodes belong to no town, where these keep a town, its county
 * and its postcode districts together, as PDS and a practice hold an address.
 */
import { withFaker } from "./faker.js";
import { Random } from "./random.js";

export interface Town {
  readonly name: string;
  readonly district: string;
  /** Outward codes (area + district) that cover the town. */
  readonly outwardCodes: readonly string[];
}

export const TOWNS: readonly Town[] = [
  { name: "Leeds", district: "West Yorkshire", outwardCodes: ["LS6", "LS7", "LS8", "LS12", "LS17"] },
  { name: "Bradford", district: "West Yorkshire", outwardCodes: ["BD3", "BD5", "BD8", "BD9"] },
  { name: "Wakefield", district: "West Yorkshire", outwardCodes: ["WF1", "WF2", "WF4"] },
  { name: "Huddersfield", district: "West Yorkshire", outwardCodes: ["HD1", "HD2", "HD5"] },
  { name: "Halifax", district: "West Yorkshire", outwardCodes: ["HX1", "HX2", "HX3"] },
  { name: "Sheffield", district: "South Yorkshire", outwardCodes: ["S2", "S6", "S10", "S11"] },
  { name: "Doncaster", district: "South Yorkshire", outwardCodes: ["DN1", "DN2", "DN4"] },
  { name: "Grimsby", district: "North East Lincolnshire", outwardCodes: ["DN31", "DN32", "DN34"] },
  { name: "Cleethorpes", district: "North East Lincolnshire", outwardCodes: ["DN35"] },
  { name: "York", district: "North Yorkshire", outwardCodes: ["YO10", "YO24", "YO31"] },
  { name: "Harrogate", district: "North Yorkshire", outwardCodes: ["HG1", "HG2"] },
  { name: "Hull", district: "East Riding of Yorkshire", outwardCodes: ["HU3", "HU5", "HU8"] },
  { name: "Lincoln", district: "Lincolnshire", outwardCodes: ["LN1", "LN2", "LN6"] },
] as const;

/** The stream the street table is drawn from: apart from every stream of a population. */
const STREET_TABLE_STREAM = 0x57ee7;
const STREET_DRAWS = 250;

let streets: readonly string[] | undefined;

/**
 * Street names drawn from @faker-js/faker's en_GB streets ("Station Road", "Chapel Hill", a name with an
 * en_GB suffix) once per process at first use, with repeats so a pick keeps faker's mix, for the population
 * to pick from with its own generators (see names.ts for why not per address).
 */
export function streetNames(): readonly string[] {
  streets ??= withFaker(new Random(STREET_TABLE_STREAM), (faker) =>
    Object.freeze(Array.from({ length: STREET_DRAWS }, () => faker.location.street())),
  );
  return streets;
}

/** Letters a postcode's inward unit may use (the Royal Mail never uses C, I, K, M, O or V there). */
export const POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

/** Words for practice names: "Riverside Medical Practice", "Moorland Surgery". */
export const PRACTICE_NAME_WORDS = [
  "Riverside",
  "Moorland",
  "Parkside",
  "Westgate",
  "Beechwood",
  "Hillside",
  "Oakwood",
  "Meadowbank",
  "Fairfield",
  "Northgate",
  "Castle",
  "Abbey",
  "Valley",
  "Springbank",
  "Greenside",
  "Ashgrove",
] as const;

export const PRACTICE_NAME_SUFFIXES = [
  "Medical Practice",
  "Surgery",
  "Health Centre",
  "Medical Centre",
] as const;
