/**
 * A small, curated set of real clinical terms: problems coded in SNOMED CT with the Read v2 code (EMIS Web)
 * and CTV3 code (SystmOne) a practice would carry beside them, dm+d products that fit each problem, and
 * allergies with their reactions.
 *
 * Where the codes were confirmed ("GM-SDE" is UoM-Data-Science-Platforms/gm-sde, shared/clinical-code-sets):
 * - GP Connect 1.6.2 examples and the EMIS Web assurance records in ../shared/reference: penicillin, aspirin
 *   and peanut allergies with their Read v2 codes (EMIS records), Allopurinol 300mg tablets (EMIS records),
 *   "No known allergy" 716186003, Paracetamol 500mg tablets 322236009 and Citalopram 20mg tablets 321987003
 *   (the 1.6.2 examples; consultations for the last two);
 * - GM-SDE: every Read v2 and CTV3 code of the problems (hypertension, hypothyroidism, asthma, depression,
 *   osteoarthritis, gout, back pain, type 2 diabetes), the aspirin-allergy CTV3 code, the dm+d codes of
 *   ramipril, tramadol, levothyroxine, sertraline, citalopram and co-codamol, and the SNOMED CT ids of type
 *   2 diabetes 44054006 (conditions/diabetes-type-ii), asthma 195967001 (conditions/asthma), depressive
 *   disorder 35489007 (conditions/depression) and gout;
 * - OpenSAFELY and HL7 UK examples: metformin 500mg, amlodipine 5mg, the salbutamol inhaler;
 * - GM-SDE, SNOMED CT ids of the other problems: essential hypertension 59621000 (conditions/hypertension/1),
 *   hypothyroidism 40930008 (conditions/hypothyroidism/1 and conditions/efi-thyroid-disorders/1),
 *   osteoarthritis of knee 239873007 (conditions/osteoarthritis/1), chronic low back pain 278860009
 *   (conditions/back-problems/2);
 * - the "Allergy to ..." findings 91936005, 293586001 and 91935009 with their Read v2 codes: the EMIS Web
 *   assurance records in ../shared/reference/gpconnect-records. The real SystmOne capture there
 *   (tpp-integration-9692136744.json) has none of these terms, and codes its allergies, problems and results
 *   with SNOMED CT alone: no CTV3 coding anywhere (its allergies are drug products, "Allergy to seafood",
 *   "Allergy to latex", "Peanut-induced anaphylaxis" and the like). The CTV3 codes SystmOne carries here are
 *   from GM-SDE's code lists, not from TPP output;
 * - the reactions anaphylaxis 39579001, urticaria 126485001, angioedema 41291007 and eruption of skin
 *   271807003: the eHDSI Reaction Allergy value set (hl7-eu/EHDSI-Terminology-package); eruption of skin
 *   with penicillin 764146007 also in HL7 Switzerland's CH AllergyIntolerance example
 *   CH-AllergyIntolerance-MultipleReactionEntries;
 * - peanut 762952008: Graphnet's CareConnect AllergyIntolerance API guidance; aspirin 387458008: the
 *   "Medications ValueSet" of the tecnomod-um FHIR implementation guide ("Aspirin (substance)").
 * - EMIS's drug code ALTA78 for Allopurinol 300mg tablets: the EMIS assurance records (PWTP7);
 * - the drug allergy EMIS Web records from its drug dictionary, "Adverse reaction to Paracetamol And
 *   Dihydrocodeine": its Egton code ALLERGY18782NEMIS and the EMIS-namespace SNOMED CT concept
 *   1016891000006106 beside it, both from the EMIS assurance records (PWTP5); a concept of EMIS's own, which
 *   SystmOne does not hold, so SystmOne practices never record it.
 * Not confirmed against a code list: the reaction wheezing 56018004 (seen with that meaning in public FHIR
 * and C-CDA examples only). The hypothyroidism Read v2 code C04..00 is termed "Acquired hypothyroidism",
 * while SNOMED CT and CTV3 (XE124) carry plain "Hypothyroidism": both legacy codes are in GM-SDE's
 * hypothyroidism list, but no public map pairing C04..00 one-to-one with 40930008 was found. dm+d codes are
 * VMPs; where dm+d has since re-coded a VMP (citalopram, levothyroxine), the older code is kept, as older
 * records carry it. No CTV3 code could be confirmed for the penicillin and peanut allergies, so SystmOne
 * carries SNOMED CT alone.
 */
import type { ClinicalSystem, Coding } from "./types.js";

export const SNOMED_SYSTEM = "http://snomed.info/sct";
export const READ_V2_SYSTEM = "http://read.info/readv2";
export const CTV3_SYSTEM = "http://read.info/ctv3";
/** EMIS's own drug codes, which EMIS Web carries beside a product's dm+d code (as the clinician's pick). */
export const EMIS_DRUG_SYSTEM = "https://fhir.hl7.org.uk/Id/emis-drug-codes";
/** EMIS's own codes (Egton codes) for concepts Read v2 never had, carried beside SNOMED CT in their place. */
export const EGTON_SYSTEM = "https://fhir.hl7.org.uk/Id/egton-codes";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });
const readV2 = (code: string, display: string): Coding => ({ system: READ_V2_SYSTEM, code, display });
const ctv3 = (code: string, display: string): Coding => ({ system: CTV3_SYSTEM, code, display });
const egton = (code: string, display: string): Coding => ({ system: EGTON_SYSTEM, code, display });

/** A dm+d product with how it is usually prescribed. */
export interface DrugTerm {
  readonly product: Coding;
  /**
   * EMIS's own code for the product, where one is confirmed: EMIS Web carries it beside dm+d, named with the
   * dm+d description; `term` is the product's name as EMIS's drug dictionary gave it to the prescriber, where
   * dm+d names it otherwise now (EMIS writes it as the Medication's code.text).
   */
  readonly emis?: { readonly code: Coding; readonly term?: string };
  readonly dosage: string;
  readonly quantity: { readonly value: number; readonly unit: string };
  /** Days one issue lasts: the interval between repeat issues. */
  readonly supplyDays: number;
}

export interface ProblemTerm {
  readonly key: string;
  readonly snomed: Coding;
  readonly readV2: Coding;
  readonly ctv3: Coding;
  readonly significance: "major" | "minor";
  /** Chance of having the problem by age: [from age, probability], ascending. */
  readonly prevalence: readonly (readonly [number, number])[];
  /** Products that treat it in primary care (one is chosen per patient). */
  readonly drugs: readonly DrugTerm[];
}

export interface AllergyTerm {
  readonly key: string;
  /** The "Allergy to ..." finding, as the allergy's code. */
  readonly code: Coding;
  /** Absent for a concept Read v2 never had: EMIS then carries its Egton code. */
  readonly readV2?: Coding;
  readonly egton?: Coding;
  /** Absent where no CTV3 code could be confirmed: SystmOne then carries SNOMED CT alone. */
  readonly ctv3?: Coding;
  /** A concept of one supplier's own (EMIS's drug dictionary): only that supplier's practices record it. */
  readonly onlyOn?: ClinicalSystem;
  /** Absent where no substance concept could be confirmed (the reaction then names none). */
  readonly substance?: Coding;
  readonly category: "medication" | "food" | "environment";
  readonly reactions: readonly Coding[];
}

const drug = (
  code: string,
  display: string,
  dosage: string,
  quantity: number,
  unit: string,
  supplyDays: number,
): DrugTerm => ({ product: snomed(code, display), dosage, quantity: { value: quantity, unit }, supplyDays });

export const DRUGS = {
  metformin500: drug(
    "325278007",
    "Metformin 500mg tablets",
    "One tablet twice a day with food",
    56,
    "tablet",
    28,
  ),
  amlodipine5: drug("319283006", "Amlodipine 5mg tablets", "One tablet once a day", 28, "tablet", 28),
  ramipril5: drug("318902004", "Ramipril 5mg capsules", "One capsule once a day", 28, "capsule", 28),
  salbutamolInhaler: drug(
    "320176004",
    "Salbutamol 100micrograms/dose inhaler CFC free",
    "Two puffs up to four times a day when required",
    1,
    "inhaler",
    60,
  ),
  levothyroxine50: drug(
    "374295007",
    "Levothyroxine sodium 50microgram tablets",
    "One tablet once a day",
    28,
    "tablet",
    28,
  ),
  levothyroxine100: drug(
    "374296008",
    "Levothyroxine sodium 100microgram tablets",
    "One tablet once a day",
    28,
    "tablet",
    28,
  ),
  citalopram20: drug("321987003", "Citalopram 20mg tablets", "One tablet once a day", 28, "tablet", 28),
  sertraline50: drug(
    "39704111000001102",
    "Sertraline 50mg tablets",
    "One tablet once a day",
    28,
    "tablet",
    28,
  ),
  paracetamol500: drug(
    "322236009",
    "Paracetamol 500mg tablets",
    "Two tablets up to four times a day",
    100,
    "tablet",
    28,
  ),
  cocodamol30_500: drug(
    "322341003",
    "Co-codamol 30mg/500mg tablets",
    "One or two tablets up to four times a day",
    100,
    "tablet",
    28,
  ),
  allopurinol300: {
    ...drug("330062008", "Allopurinol 300mg tablets", "One tablet once a day", 28, "tablet", 28),
    emis: { code: { system: EMIS_DRUG_SYSTEM, code: "ALTA78", display: "Allopurinol 300mg tablets" } },
  },
} as const satisfies Record<string, DrugTerm>;

/**
 * Prescribed by a hospital outpatient clinic for the `outpatient-medication` trait, never by the practice.
 * VMP 322623000 "Tramadol 50mg capsules", as listed in the GM-SDE opioids code set.
 */
export const TRAMADOL_50MG_CAPSULES: DrugTerm = drug(
  "322623000",
  "Tramadol 50mg capsules",
  "One or two capsules up to four times a day when required",
  100,
  "capsule",
  28,
);

export const PROBLEMS: readonly ProblemTerm[] = [
  {
    key: "type-2-diabetes",
    snomed: snomed("44054006", "Type 2 diabetes mellitus"),
    readV2: readV2("C10F.00", "Type 2 diabetes mellitus"),
    ctv3: ctv3("X40J5", "Non-insulin-dependent diabetes mellitus"),
    significance: "major",
    prevalence: [
      [25, 0.02],
      [45, 0.07],
      [65, 0.15],
    ],
    drugs: [DRUGS.metformin500],
  },
  {
    key: "essential-hypertension",
    snomed: snomed("59621000", "Essential hypertension"),
    readV2: readV2("G20..00", "Essential hypertension"),
    ctv3: ctv3("XE0Uc", "Essential hypertension"),
    significance: "major",
    prevalence: [
      [25, 0.03],
      [45, 0.15],
      [65, 0.4],
    ],
    drugs: [DRUGS.amlodipine5, DRUGS.ramipril5],
  },
  {
    key: "asthma",
    snomed: snomed("195967001", "Asthma"),
    readV2: readV2("H33..00", "Asthma"),
    ctv3: ctv3("H33..", "Asthma"),
    significance: "major",
    prevalence: [[3, 0.07]],
    drugs: [DRUGS.salbutamolInhaler],
  },
  {
    key: "hypothyroidism",
    snomed: snomed("40930008", "Hypothyroidism"),
    readV2: readV2("C04..00", "Acquired hypothyroidism"),
    ctv3: ctv3("XE124", "Hypothyroidism"),
    significance: "minor",
    prevalence: [
      [20, 0.02],
      [50, 0.05],
    ],
    drugs: [DRUGS.levothyroxine50, DRUGS.levothyroxine100],
  },
  {
    key: "depression",
    snomed: snomed("35489007", "Depressive disorder"),
    readV2: readV2("E2B..00", "Depressive disorder NEC"),
    ctv3: ctv3("E2B..", "Depressive disorder NEC"),
    significance: "minor",
    prevalence: [[16, 0.1]],
    drugs: [DRUGS.citalopram20, DRUGS.sertraline50],
  },
  {
    key: "osteoarthritis-of-knee",
    snomed: snomed("239873007", "Osteoarthritis of knee"),
    readV2: readV2("N05zL00", "Osteoarthritis NOS, of knee"),
    ctv3: ctv3("X703L", "Osteoarthritis of knee"),
    significance: "minor",
    prevalence: [
      [45, 0.05],
      [65, 0.15],
    ],
    drugs: [DRUGS.paracetamol500, DRUGS.cocodamol30_500],
  },
  {
    key: "gout",
    snomed: snomed("90560007", "Gout"),
    readV2: readV2("C34..00", "Gout"),
    ctv3: ctv3("C34z.", "Gout NOS"),
    significance: "minor",
    prevalence: [[35, 0.03]],
    drugs: [DRUGS.allopurinol300],
  },
];

/** The problem the hospital's tramadol treats, for the `outpatient-medication` trait. */
export const CHRONIC_LOW_BACK_PAIN: ProblemTerm = {
  key: "chronic-low-back-pain",
  snomed: snomed("278860009", "Chronic low back pain"),
  readV2: readV2("16C9.00", "Chronic low back pain"),
  ctv3: ctv3("Xa0sK", "Chronic low back pain"),
  significance: "minor",
  prevalence: [],
  drugs: [DRUGS.paracetamol500],
};

const URTICARIA = snomed("126485001", "Urticaria");
const ANAPHYLAXIS = snomed("39579001", "Anaphylaxis");
const ANGIOEDEMA = snomed("41291007", "Angioedema");
const RASH = snomed("271807003", "Eruption of skin");
const WHEEZING = snomed("56018004", "Wheezing");

export const ALLERGIES: readonly AllergyTerm[] = [
  {
    key: "penicillin",
    code: snomed("91936005", "Allergy to penicillin"),
    readV2: readV2("14L1.00", "H/O: penicillin allergy"),
    substance: snomed("764146007", "Penicillin"),
    category: "medication",
    reactions: [RASH, URTICARIA, ANGIOEDEMA, ANAPHYLAXIS],
  },
  {
    key: "aspirin",
    code: snomed("293586001", "Allergy to aspirin"),
    readV2: readV2("14LK.00", "H/O: aspirin allergy"),
    ctv3: ctv3("XaIpk", "H/O: aspirin allergy"),
    substance: snomed("387458008", "Aspirin"),
    category: "medication",
    reactions: [WHEEZING, URTICARIA, ANGIOEDEMA],
  },
  {
    key: "paracetamol-and-dihydrocodeine",
    code: snomed("1016891000006106", "Adverse reaction to Paracetamol And Dihydrocodeine"),
    egton: egton("ALLERGY18782NEMIS", "Adverse reaction to Paracetamol And Dihydrocodeine"),
    onlyOn: "emis",
    category: "medication",
    reactions: [RASH, URTICARIA],
  },
  {
    key: "peanut",
    code: snomed("91935009", "Allergy to peanut"),
    readV2: readV2("SN58200", "Peanut allergy"),
    substance: snomed("762952008", "Peanut"),
    category: "food",
    reactions: [URTICARIA, ANGIOEDEMA, ANAPHYLAXIS],
  },
];

/** The allergies a practice of each system can record (a supplier's own concepts only on its own practices). */
export const ALLERGIES_RECORDED_ON: Readonly<Record<ClinicalSystem, readonly AllergyTerm[]>> = {
  emis: ALLERGIES.filter((term) => term.onlyOn === undefined || term.onlyOn === "emis"),
  tpp: ALLERGIES.filter((term) => term.onlyOn === undefined || term.onlyOn === "tpp"),
};

/** "No known allergy": a positive statement, unlike an empty allergy record (GP Connect 1.6 examples). */
export const NO_KNOWN_ALLERGY: Coding = snomed("716186003", "No known allergy");
