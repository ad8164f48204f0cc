/**
 * Curated terms for the rest of a GP record: vaccinations, pathology tests with their units and reference
 * ranges, measurements (GP Connect's "uncategorised data"), referral services and consultation types.
 *
 * Where the codes come from:
 * - checked against the sources in ../shared/reference: MMR 38598009 with Read v2 65M1.00 (EMIS assurance
 *   record PWTP5), influenza vaccine 86198006 (EMIS assurance record PWTP2), "FBC - Full blood count"
 *   26604007, "Venous blood specimen" 122555007 and "Diagnostic studies report" 721981007 (GP Connect 1.6.2
 *   pathology example), the encounter types "GP Surgery", "Home visit note" and "Other" (EMIS records);
 * - HbA1c 1049471000000109 as an NHS pathology (PBCL) code seen in public code lists;
 * - the other ids are SNOMED CT concepts (International release and the UK pathology bounded code list)
 *   written from the published releases and not re-checked here; reference ranges are typical adult ranges
 *   of English NHS laboratories. Units are UCUM.
 */
import { SNOMED_SYSTEM } from "./clinical-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });

export interface VaccineTerm {
  readonly key: string;
  readonly procedure: Coding;
  /** Read v2 code EMIS carries beside it, where it could be checked. */
  readonly readV2?: Coding;
}

export const VACCINES = {
  mmr: {
    key: "mmr",
    procedure: snomed("38598009", "Administration of measles and mumps and rubella vaccine"),
    readV2: { system: "http://read.info/readv2", code: "65M1.00", display: "Measles/mumps/rubella vaccn." },
  },
  influenza: { key: "influenza", procedure: snomed("86198006", "Administration of influenza vaccine") },
  pneumococcal: { key: "pneumococcal", procedure: snomed("12866006", "Pneumococcal vaccination") },
  covidFirst: {
    key: "covid-1",
    procedure: snomed(
      "1324681000000101",
      "Administration of first dose of severe acute respiratory syndrome coronavirus 2 vaccine",
    ),
  },
  covidSecond: {
    key: "covid-2",
    procedure: snomed(
      "1324691000000104",
      "Administration of second dose of severe acute respiratory syndrome coronavirus 2 vaccine",
    ),
  },
} as const satisfies Record<string, VaccineTerm>;

export interface AnalyteTerm {
  readonly code: Coding;
  readonly unit: string;
  readonly ucum: string;
  readonly low: number;
  readonly high: number;
  /** Typical value and spread in the general population; a problem can shift it (see TESTS). */
  readonly mean: number;
  readonly sd: number;
  readonly decimals: number;
}

const analyte = (
  code: string,
  display: string,
  unit: string,
  ucum: string,
  [low, high]: [number, number],
  [mean, sd]: [number, number],
  decimals = 0,
): AnalyteTerm => ({ code: snomed(code, display), unit, ucum, low, high, mean, sd, decimals });

export const ANALYTES = {
  hba1c: analyte(
    "1049471000000109",
    "HbA1c level (IFCC standardised)",
    "mmol/mol",
    "mmol/mol",
    [20, 41],
    [37, 4],
  ),
  sodium: analyte("1000661000000107", "Serum sodium level", "mmol/L", "mmol/L", [133, 146], [139, 2]),
  potassium: analyte(
    "1000651000000109",
    "Serum potassium level",
    "mmol/L",
    "mmol/L",
    [3.5, 5.3],
    [4.3, 0.35],
    1,
  ),
  creatinine: analyte("1000731000000107", "Serum creatinine level", "umol/L", "umol/L", [59, 104], [80, 15]),
  egfr: analyte(
    "1011481000000105",
    "eGFR using creatinine (CKD-EPI) per 1.73 square metres",
    "mL/min/1.73m2",
    "mL/min/{1.73_m2}",
    [90, 200],
    [92, 12],
  ),
  tsh: analyte("1022791000000101", "Serum TSH level", "mU/L", "m[IU]/L", [0.27, 4.2], [1.8, 0.8], 2),
  cholesterol: analyte(
    "1005671000000105",
    "Serum cholesterol level",
    "mmol/L",
    "mmol/L",
    [0, 5],
    [5.1, 0.9],
    1,
  ),
  haemoglobin: analyte("1022431000000105", "Haemoglobin estimation", "g/L", "g/L", [120, 170], [140, 11]),
} as const satisfies Record<string, AnalyteTerm>;

export interface TestTerm {
  readonly key: string;
  readonly code: Coding;
  readonly analytes: readonly AnalyteTerm[];
}

export const TESTS = {
  hba1c: { key: "hba1c", code: snomed("43396009", "Hemoglobin A1c measurement"), analytes: [ANALYTES.hba1c] },
  renal: {
    key: "renal",
    code: snomed("252167001", "Urea and electrolytes"),
    analytes: [ANALYTES.sodium, ANALYTES.potassium, ANALYTES.creatinine, ANALYTES.egfr],
  },
  thyroid: { key: "thyroid", code: snomed("35650009", "Thyroid panel"), analytes: [ANALYTES.tsh] },
  lipids: { key: "lipids", code: snomed("16254007", "Lipid panel"), analytes: [ANALYTES.cholesterol] },
  fbc: { key: "fbc", code: snomed("26604007", "FBC - Full blood count"), analytes: [ANALYTES.haemoglobin] },
} as const satisfies Record<string, TestTerm>;

export const VENOUS_BLOOD_SPECIMEN: Coding = snomed("122555007", "Venous blood specimen");
export const DIAGNOSTIC_STUDIES_REPORT: Coding = snomed("721981007", "Diagnostic studies report");

export const MEASUREMENTS = {
  bloodPressure: snomed("75367002", "Blood pressure"),
  systolic: snomed("72313002", "Systolic arterial pressure"),
  diastolic: snomed("1091811000000102", "Diastolic arterial pressure"),
  weight: snomed("27113001", "Body weight"),
  bmi: snomed("60621009", "Body mass index"),
  neverSmoked: snomed("266919005", "Never smoked tobacco"),
  smoker: snomed("77176002", "Smoker"),
  exSmoker: snomed("8517006", "Ex-smoker"),
} as const;

/** "Patient referral": the referral's own code; the service is named as the supplier's text. */
export const PATIENT_REFERRAL: Coding = snomed("3457005", "Patient referral");

/** The encounter types EMIS and TPP name consultations with. */
export const CONSULTATION_TYPES = ["GP Surgery", "GP Surgery", "GP Surgery", "Telephone", "Home visit note"];

/** What a routine or review consultation's history says, by the kind of visit. */
export const ROUTINE_NARRATIVES = [
  "Cough for five days, no fever. Chest clear. Advice given; return if worse.",
  "Sore throat three days. Tonsils mildly inflamed, no exudate. FeverPAIN 1. Self-care advice.",
  "Low mood after bereavement. Not suicidal. Signposted to talking therapies.",
  "Ear pain two days. Right tympanic membrane dull. Analgesia; review if not settling.",
  "Rash on forearms, itchy. Likely contact dermatitis. Emollient advised.",
  "Medication review. Taking as prescribed, no side effects reported.",
  "Back strain lifting at work. No red flags. Keep mobile, simple analgesia.",
];
