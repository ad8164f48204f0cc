/**
 * Towns of the north of England with their real postcode areas and districts, and street names.
 * Addresses built from them are synthetic: a house number and a postcode unit are invented, so an
 * address may not exist (and never names a real person's home).
 */

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

export const STREET_NAMES = [
  "Church Street",
  "High Street",
  "Station Road",
  "Victoria Road",
  "Green Lane",
  "Manor Road",
  "Park Road",
  "Queens Road",
  "Mill Lane",
  "Albert Street",
  "Springfield Road",
  "Chapel Street",
  "Grove Road",
  "Kings Road",
  "New Road",
  "School Lane",
  "The Crescent",
  "Westfield Avenue",
  "Moorland Road",
  "Beech Grove",
  "Oak Avenue",
  "Willow Close",
  "Meadow Way",
  "Riverside Drive",
  "St James Avenue",
  "Philip Avenue",
  "Harewood Avenue",
  "Ashfield Terrace",
  "Cemetery Road",
  "Clifton Street",
] as const;

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
