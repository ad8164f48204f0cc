/**
 * What everyday prescribing draws on: how many medicines people take by age and sex (the Health Survey for
 * England), the long-term medicines of common conditions with the problem each treats, the short courses of
 * everyday illness, and why medicines are stopped.
 *
 * Products: every dm+d code here (and its display) is one the real supplier records in
 * ../shared/reference/gpconnect-records carry (the TPP SystmOne integration capture and the EMIS assurance
 * records), so each is a code real practices send. The combined pill's EMIS drug code ETTA18971NEMIS and
 * the name EMIS gave it before dm+d's present one (ingredients the other way round) are as EMIS's records
 * carry them (assurance patient PWTP2). Problems: SNOMED CT concepts (findings and disorders) carried without
 * a legacy code, as none could be confirmed one-to-one.
 */
import { type DrugTerm, EMIS_DRUG_SYSTEM, SNOMED_SYSTEM } from "./clinical-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });
const drug = (
  code: string,
  display: string,
  dosage: string,
  quantity: number,
  unit: string,
  supplyDays: number,
): DrugTerm => ({ product: snomed(code, display), dosage, quantity: { value: quantity, unit }, supplyDays });

/**
 * Share of people taking at least one, three and six prescribed medicines, by age band (from this age).
 *
 * Source: NHS Digital, Health Survey for England 2016, "Prescribed medicines" (published 13 December 2017,
 * data 2015/16) and HSE 2013, "Use of prescribed medicines" (data 2012/13). Figures used:
 * - at least one prescribed medicine in the last week: 48% of adults; 19% at 16-24; more than 90% at 75+;
 *   43% of men and 50% of women (HSE 2013), the gap widest in young adults;
 * - at least three: 24% of adults; more than half of those 65+; 70% of those 75+ (HSE 2013);
 * - at least six: more than a third of those 75+ (HSE 2013).
 * The bands between are interpolated from those anchors so that the adult average stays near 48% / 24%.
 * Children (under 16, outside the survey) are an assumption of this project: one in ten on a medicine.
 */
export const MEDICINES_BY_AGE: readonly {
  readonly fromAge: number;
  readonly atLeastOne: number;
  readonly atLeastThree: number;
  readonly atLeastSix: number;
}[] = [
  { fromAge: 0, atLeastOne: 0.1, atLeastThree: 0.01, atLeastSix: 0 },
  { fromAge: 16, atLeastOne: 0.19, atLeastThree: 0.04, atLeastSix: 0.01 },
  { fromAge: 25, atLeastOne: 0.28, atLeastThree: 0.08, atLeastSix: 0.02 },
  { fromAge: 35, atLeastOne: 0.37, atLeastThree: 0.12, atLeastSix: 0.03 },
  { fromAge: 45, atLeastOne: 0.5, atLeastThree: 0.21, atLeastSix: 0.06 },
  { fromAge: 55, atLeastOne: 0.64, atLeastThree: 0.35, atLeastSix: 0.12 },
  { fromAge: 65, atLeastOne: 0.82, atLeastThree: 0.55, atLeastSix: 0.24 },
  { fromAge: 75, atLeastOne: 0.92, atLeastThree: 0.7, atLeastSix: 0.36 },
];

/** Women under 65 more often take a prescribed medicine than men (HSE 2013: 50% against 43% of adults). */
export const FEMALE_UNDER_65_EXTRA = 0.07;

/**
 * Short courses of everyday illness a year, by age band (from this age): an assumption of this project,
 * set so that an older patient's record holds a few dozen medication entries over the years, as the real
 * records do (27 to 67).
 */
export const ACUTE_COURSES_A_YEAR: readonly (readonly [number, number])[] = [
  [0, 0.15],
  [16, 0.15],
  [45, 0.25],
  [65, 0.35],
];

export const DVT = snomed("128053003", "Deep venous thrombosis");
export const WARFARIN_3MG = drug(
  "42217611000001104",
  "Warfarin 3mg tablets",
  "As directed by the anticoagulation clinic",
  56,
  "tablet",
  28,
);

/** A long-term medicine, the problem it treats (absent for contraception), and who takes it. */
export interface LongTermMedicine {
  readonly drug: DrugTerm;
  readonly indication?: Coding;
  readonly fromAge: number;
  readonly toAge?: number;
  readonly femaleOnly?: boolean;
  /** Relative weight among the medicines open to the patient. */
  readonly weight: number;
}

export const LONG_TERM_MEDICINES: readonly LongTermMedicine[] = [
  {
    drug: drug(
      "42356511000001103",
      "Omeprazole 20mg gastro-resistant tablets",
      "One tablet once a day before breakfast",
      28,
      "tablet",
      28,
    ),
    indication: snomed("235595009", "Gastro-oesophageal reflux disease"),
    fromAge: 30,
    weight: 11,
  },
  {
    drug: drug(
      "42291811000001106",
      "Aspirin 75mg dispersible tablets",
      "One tablet once a day",
      28,
      "tablet",
      28,
    ),
    indication: snomed("414545008", "Ischaemic heart disease"),
    fromAge: 50,
    weight: 6,
  },
  {
    drug: drug("39689111000001106", "Clopidogrel 75mg tablets", "One tablet once a day", 28, "tablet", 28),
    indication: snomed("230690007", "Cerebrovascular accident"),
    fromAge: 55,
    weight: 3,
  },
  {
    drug: drug("42371211000001106", "Bisoprolol 10mg tablets", "One tablet once a day", 28, "tablet", 28),
    indication: snomed("49436004", "Atrial fibrillation"),
    fromAge: 60,
    weight: 4,
  },
  {
    drug: drug("42381011000001106", "Ramipril 1.25mg capsules", "One capsule once a day", 28, "capsule", 28),
    indication: snomed("84114007", "Heart failure"),
    fromAge: 65,
    weight: 2,
  },
  {
    drug: drug(
      "42088511000001109",
      "Risedronate sodium 35mg tablets",
      "One tablet once a week",
      4,
      "tablet",
      28,
    ),
    indication: snomed("64859006", "Osteoporosis"),
    fromAge: 60,
    femaleOnly: true,
    weight: 3,
  },
  {
    drug: drug("42035611000001109", "Donepezil 5mg tablets", "One tablet at night", 28, "tablet", 28),
    indication: snomed("26929004", "Alzheimer's disease"),
    fromAge: 70,
    weight: 1,
  },
  {
    drug: drug(
      "41988111000001106",
      "Quinine bisulfate 300mg tablets",
      "One tablet at bedtime",
      28,
      "tablet",
      28,
    ),
    indication: snomed("55300003", "Cramp"),
    fromAge: 60,
    weight: 1,
  },
  {
    drug: drug(
      "626511000001106",
      "Cetirizine 10mg tablets (Actavis UK Ltd)",
      "One tablet once a day",
      30,
      "tablet",
      30,
    ),
    indication: snomed("61582004", "Allergic rhinitis"),
    fromAge: 6,
    weight: 4,
  },
  {
    drug: drug("545211000001106", "E45 cream (Karo Healthcare UK Ltd)", "Apply as required", 500, "gram", 56),
    indication: snomed("24079001", "Atopic dermatitis"),
    fromAge: 0,
    weight: 3,
  },
  {
    drug: drug(
      "3411311000001106",
      "Cerazette 75microgram tablets (Organon Pharma (UK) Ltd)",
      "One tablet daily, at the same time each day",
      84,
      "tablet",
      84,
    ),
    fromAge: 16,
    toAge: 49,
    femaleOnly: true,
    weight: 8,
  },
  {
    drug: {
      ...drug(
        "326324002",
        "Ethinylestradiol 30microgram / Levonorgestrel 150microgram tablets",
        "One tablet daily for 21 days, then 7 days without tablets",
        63,
        "tablet",
        84,
      ),
      emis: {
        code: {
          system: EMIS_DRUG_SYSTEM,
          code: "ETTA18971NEMIS",
          display: "Ethinylestradiol 30microgram / Levonorgestrel 150microgram tablets",
        },
        term: "Levonorgestrel 150microgram / Ethinylestradiol 30microgram tablets",
      },
    },
    fromAge: 16,
    toAge: 49,
    femaleOnly: true,
    weight: 8,
  },
];

/** A short course of everyday illness, and who has it. */
export interface AcuteCourse {
  readonly drug: DrugTerm;
  readonly fromAge: number;
  readonly toAge?: number;
  readonly femaleOnly?: boolean;
  readonly weight: number;
  /** Share given as a delayed (back-up) prescription, to be collected only if the illness does not settle. */
  readonly delayed?: number;
}

export const ACUTE_COURSES: readonly AcuteCourse[] = [
  {
    drug: drug(
      "39732411000001106",
      "Amoxicillin 500mg capsules",
      "One capsule three times a day",
      21,
      "capsule",
      7,
    ),
    fromAge: 12,
    weight: 10,
    delayed: 0.2,
  },
  {
    drug: drug(
      "42107411000001102",
      "Naproxen 250mg gastro-resistant tablets",
      "One tablet twice a day with food",
      28,
      "tablet",
      14,
    ),
    fromAge: 16,
    weight: 5,
  },
  {
    drug: drug("41740811000001103", "Ibuprofen 5% gel", "Apply up to three times a day", 100, "gram", 14),
    fromAge: 12,
    weight: 4,
  },
  {
    drug: drug(
      "42009511000001104",
      "Co-codamol 30mg/500mg capsules",
      "One or two capsules up to four times a day when required",
      32,
      "capsule",
      7,
    ),
    fromAge: 18,
    weight: 3,
  },
  {
    drug: drug(
      "42190211000001102",
      "Gentamicin 0.3% ear/eye drops",
      "Two drops into the affected ear four times a day",
      10,
      "ml",
      7,
    ),
    fromAge: 0,
    weight: 2,
  },
  {
    drug: drug("545211000001106", "E45 cream (Karo Healthcare UK Ltd)", "Apply as required", 100, "gram", 30),
    fromAge: 0,
    weight: 3,
  },
  {
    drug: drug(
      "41722711000001108",
      "Levonorgestrel 1.5mg tablets (Crescent Pharma Ltd)",
      "One tablet to be taken as soon as possible",
      1,
      "tablet",
      1,
    ),
    fromAge: 16,
    toAge: 45,
    femaleOnly: true,
    weight: 2,
  },
];

/** Why a long-term medicine was stopped, as practices word it (TPP's reasons carry a note in brackets). */
export const STOP_REASONS: readonly string[] = [
  "Adverse reaction",
  "Clinical grounds (not effective)",
  "Change to medication treatment regime",
  "Patient request",
  "No longer required",
];

/** What the prescriber wrote for the patient beside some dosages. */
const PATIENT_INSTRUCTIONS: ReadonlyMap<string, string> = new Map([
  ["325278007", "Take with or just after food"],
  [
    "42088511000001109",
    "Swallow whole with a full glass of water, 30 minutes before breakfast; stay upright",
  ],
  ["42217611000001104", "Keep your yellow anticoagulant book with you; dose as your INR clinic says"],
  ["42107411000001102", "Take with or just after food"],
  ["39732411000001106", "Finish the course"],
  ["374295007", "Take on an empty stomach"],
  ["374296008", "Take on an empty stomach"],
]);

export function patientInstructionFor(productCode: string): string | undefined {
  return PATIENT_INSTRUCTIONS.get(productCode);
}
