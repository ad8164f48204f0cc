/**
 * Curated terms for the rest of a GP record: vaccinations, pathology tests with their units and reference
 * ranges, measurements (GP Connect's "uncategorised data"), referral services and consultation types, each
 * with the Read v2 code EMIS Web and the CTV3 code SystmOne carry beside it where one could be confirmed.
 *
 * Where the codes were confirmed ("GM-SDE" is UoM-Data-Science-Platforms/gm-sde, shared/clinical-code-sets):
 * - ../shared/reference/gpconnect-records, the EMIS Web assurance records (emis-assurance-PWTP*): MMR
 *   38598009 with Read v2 65M1.00, influenza vaccination 86198006, systolic 72313002 and diastolic
 *   1091811000000102 arterial pressure, the encounter types "GP Surgery", "Home visit note" and "Other".
 *   The real SystmOne capture there (tpp-integration-9692136744.json) confirms none of these: it holds no
 *   immunisation or blood pressure, codes with SNOMED CT alone (no CTV3 coding anywhere), and types its two
 *   encounters by text alone ("Admin"). SystmOne's CTV3 codes below come from the code lists that follow;
 * - ../shared/reference/gpconnect-1.6.2/examples (pathology): "FBC - Full blood count" 26604007, "Venous
 *   blood specimen" 122555007, "Diagnostic studies report" 721981007, "Haemoglobin estimation"
 *   1022431000000105;
 * - who makes each vaccine given in England's programmes (the suppliers dm+d names on its products): GM-SDE's
 *   EMIS product lists procedures/mmr-vaccination (Priorix, GlaxoSmithKline UK Ltd; M-M-RVAXPRO, Merck Sharp &
 *   Dohme (UK) Ltd), procedures/flu-vaccination (Sanofi Pasteur; Seqirus Vaccines Ltd; Mylan),
 *   procedures/pneumococcal-vaccination (Pneumovax 23, Merck Sharp & Dohme (UK) Ltd) and
 *   procedures/covid-vaccination (Pfizer Ltd; AstraZeneca UK Ltd; Moderna, Inc);
 * - vaccinations, SNOMED CT with Read v2 and CTV3: GM-SDE procedures/flu-vaccination,
 *   procedures/pneumococcal-vaccination, procedures/covid-vaccination (the dose-specific CTV3 codes are in
 *   its commit e2917eff of covid-vaccination.ctv3.txt);
 * - results, SNOMED CT with Read v2 and CTV3: GM-SDE tests/hba1c/2, tests/sodium/1 (SNOMED CT also in
 *   opensafely/winter-pressures-phase-II codelists/opensafely-sodium-tests-numerical-value.csv),
 *   tests/potassium/1, tests/creatinine/1, tests/egfr/1, tests/tsh/1, tests/cholesterol/2,
 *   tests/haemoglobin/1; the HbA1c CTV3 term also in opensafely/covid_mortality_over_time
 *   codelists/opensafely-glycated-haemoglobin-hba1c-tests-ifcc.csv;
 * - the HbA1c test 43396009: GM-SDE tests/hba1c/1; blood pressure 75367002: GM-SDE tests/blood-pressure/1;
 * - the blood pressure reading as EMIS's template records it (the assurance records): "O/E - blood pressure
 *   reading" 163020007 with Read v2 246..00, its systolic part with Read v2 2469.00 and its diastolic part
 *   with Read v2 246A.00, each part labelled by the template ("Systolic blood pressure"); the same Read v2
 *   codes, their CTV3 codes (246.., 2469., 246A.) and 163020007 are in GM-SDE tests/blood-pressure/1;
 *   body weight 27113001: GM-SDE patient/weight/1; body mass index 60621009: GM-SDE patient/bmi/1;
 *   smoking 266919005, 77176002 and 8517006: GM-SDE patient/smoking-status-never, -current and -ex;
 * - the potassium result's Read v2 code 44I4.00 "Serum potassium": the translation-set example of the GP
 *   Connect data model's Codeable Concept guidance and of the UK Core CodingSCTDescId guidance
 *   (NHSDigital/IOPS-FHIR-Simplifier-Backup), which pairs it with 1000651000000109 "Serum potassium level";
 * - suspected COVID-19 as each supplier recorded it in 2020: EMIS's Egton code EMISNQSU106 "Suspected
 *   2019-nCoV (Wuhan) infection" and SystmOne's CTV3 code Y20cf beside 1240761000000102: the EMIS and TPP
 *   local-code maps of endeavourhealth/InformationManager (Database/1.Source-data/12.covid-patch.sql); the
 *   concept's preferred term "Suspected COVID-19" as NHS Digital's Summary Care Record guide lists it
 *   (NHSDigital/IOPS-FHIR-Simplifier-Backup, its COVID-19 coded entries);
 * - the asthma annual review as an EMIS template records it: Read v2 66YJ.00 "Asthma annual review" (the QOF
 *   asthma ruleset's review codes, as the SMASH safe-medication dashboard's code groups list them) beside
 *   394700004 (recall-terms.ts); the template's items it records without a code, as EMIS writes them (its
 *   assurance records, PWTP5): 196411000000103 "Transfer-degraded record entry" with the item's words as text;
 * - "Patient referral" 3457005: the ServiceRequestCategoryVS value set of Helsenorge's FHIR profiles;
 * - referrals as EMIS codes them (the assurance records): Read v2 8H54.00 "Orthopaedic referral" beside
 *   183545006 "Referral to orthopaedic service", and Read v2 8Hh..00 beside 306098008 "Self-referral" (a
 *   self-referral the practice records, which GP Connect 1.6's referral guidance includes).
 * Not confirmed against a code list: the panels "Urea and electrolytes" 252167001, "Thyroid panel"
 * 35650009 and "Lipid panel" 16254007 (seen with those meanings in public code, and as bare ids in a public
 * copy of the Emergency Care Data Set investigation list, but no list pairs each id with its term). No Read
 * v2 or CTV3 code could be confirmed for the test panels, or a CTV3 code for the MMR procedure (GM-SDE
 * procedures/mmr-vaccination holds only MMR products in CTV3), so those are left out. Reference ranges are
 * typical adult ranges of English NHS laboratories. Units are UCUM.
 */
import { CTV3_SYSTEM, EGTON_SYSTEM, READ_V2_SYSTEM, SNOMED_SYSTEM } from "./clinical-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });
const readV2 = (code: string, display: string): Coding => ({ system: READ_V2_SYSTEM, code, display });
const ctv3 = (code: string, display: string): Coding => ({ system: CTV3_SYSTEM, code, display });
const egton = (code: string, display: string): Coding => ({ system: EGTON_SYSTEM, code, display });

/**
 * The codes EMIS Web (Read v2, or its own Egton code for a concept Read v2 never had) and SystmOne (CTV3)
 * carry beside SNOMED CT; absent where none was confirmed.
 */
export interface LegacyCodes {
  readonly readV2?: Coding;
  readonly egton?: Coding;
  readonly ctv3?: Coding;
}

export interface VaccineTerm extends LegacyCodes {
  readonly key: string;
  readonly procedure: Coding;
  /** Who makes the products given for it (one per dose is drawn; the vaccine product is not modelled). */
  readonly manufacturers: readonly string[];
}

const COVID_19_VACCINE_MAKERS = ["Pfizer Ltd", "AstraZeneca UK Ltd", "Moderna, Inc"] as const;

/*
 * COVID-19 vaccines arrived after Read v2 was frozen (2016): EMIS carries an EMIS local code or SNOMED CT
 * alone, so the doses have a CTV3 code and no Read v2 code. No CTV3 code for the MMR procedure could be
 * confirmed (the CTV3 lists hold only MMR products).
 */
export const VACCINES = {
  mmr: {
    key: "mmr",
    procedure: snomed("38598009", "Administration of measles and mumps and rubella vaccine"),
    readV2: readV2("65M1.00", "Measles/mumps/rubella vaccn."),
    manufacturers: ["GlaxoSmithKline UK Ltd", "Merck Sharp & Dohme (UK) Ltd"],
  },
  influenza: {
    key: "influenza",
    procedure: snomed("86198006", "Administration of influenza vaccine"),
    readV2: readV2("65E..00", "Influenza vaccination"),
    ctv3: ctv3("65E..", "Influenza vaccination"),
    manufacturers: ["Sanofi Pasteur", "Seqirus Vaccines Ltd", "Mylan"],
  },
  pneumococcal: {
    key: "pneumococcal",
    procedure: snomed("12866006", "Pneumococcal vaccination"),
    readV2: readV2("6572.00", "Pneumococcal vaccination"),
    ctv3: ctv3("6572.", "Pneumococcal vaccination"),
    manufacturers: ["Merck Sharp & Dohme (UK) Ltd"],
  },
  covidFirst: {
    key: "covid-1",
    procedure: snomed(
      "1324681000000101",
      "Administration of first dose of severe acute respiratory syndrome coronavirus 2 vaccine",
    ),
    ctv3: ctv3("Y29e7", "Administration of first dose of SARS-CoV-2 vaccine"),
    manufacturers: COVID_19_VACCINE_MAKERS,
  },
  covidSecond: {
    key: "covid-2",
    procedure: snomed(
      "1324691000000104",
      "Administration of second dose of severe acute respiratory syndrome coronavirus 2 vaccine",
    ),
    ctv3: ctv3("Y29e8", "Administration of second dose of SARS-CoV-2 vaccine"),
    manufacturers: COVID_19_VACCINE_MAKERS,
  },
} as const satisfies Record<string, VaccineTerm>;

export interface AnalyteTerm extends LegacyCodes {
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
  code: Coding,
  legacy: LegacyCodes,
  unit: string,
  ucum: string,
  [low, high]: [number, number],
  [mean, sd]: [number, number],
  decimals = 0,
): AnalyteTerm => ({ code, ...legacy, unit, ucum, low, high, mean, sd, decimals });

export const ANALYTES = {
  hba1c: analyte(
    snomed(
      "999791000000106",
      "Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised",
    ),
    {
      readV2: readV2(
        "42W5.00",
        "Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised",
      ),
      ctv3: ctv3("XaPbt", "Haemoglobin A1c level - IFCC standardised"),
    },
    "mmol/mol",
    "mmol/mol",
    [20, 41],
    [37, 4],
  ),
  sodium: analyte(
    snomed("1000661000000107", "Serum sodium level"),
    { readV2: readV2("44I5.00", "Serum sodium"), ctv3: ctv3("XE2q0", "Serum sodium level") },
    "mmol/L",
    "mmol/L",
    [133, 146],
    [139, 2],
  ),
  potassium: analyte(
    snomed("1000651000000109", "Serum potassium level"),
    { readV2: readV2("44I4.00", "Serum potassium"), ctv3: ctv3("XE2pz", "Serum potassium level") },
    "mmol/L",
    "mmol/L",
    [3.5, 5.3],
    [4.3, 0.35],
    1,
  ),
  creatinine: analyte(
    snomed("1000731000000107", "Serum creatinine level"),
    { readV2: readV2("44J3.00", "Serum creatinine"), ctv3: ctv3("XE2q5", "Serum creatinine level") },
    "umol/L",
    "umol/L",
    [59, 104],
    [80, 15],
  ),
  egfr: analyte(
    snomed(
      "1011481000000105",
      "eGFR (estimated glomerular filtration rate) using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres",
    ),
    {
      readV2: readV2(
        "451N.00",
        "Estimated glomerular filtration rate using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres",
      ),
      ctv3: ctv3(
        "XacUK",
        "Estimated glomerular filtration rate using creatinine Chronic Kidney Disease Epidemiology Collaboration equation per 1.73 square metres",
      ),
    },
    "mL/min/1.73m2",
    "mL/min/{1.73_m2}",
    [90, 200],
    [92, 12],
  ),
  tsh: analyte(
    snomed("1022791000000101", "Serum thyroid stimulating hormone level"),
    { readV2: readV2("442W.00", "Serum TSH level"), ctv3: ctv3("XaELV", "Serum TSH level") },
    "mU/L",
    "m[IU]/L",
    [0.27, 4.2],
    [1.8, 0.8],
    2,
  ),
  cholesterol: analyte(
    snomed("1005671000000105", "Serum cholesterol level"),
    { readV2: readV2("44P..00", "Serum cholesterol"), ctv3: ctv3("XE2eD", "Serum cholesterol") },
    "mmol/L",
    "mmol/L",
    [0, 5],
    [5.1, 0.9],
    1,
  ),
  haemoglobin: analyte(
    snomed("1022431000000105", "Haemoglobin estimation"),
    {
      readV2: readV2("423..00", "Haemoglobin estimation"),
      ctv3: ctv3("XE2m6", "Haemoglobin estimation level"),
    },
    "g/L",
    "g/L",
    [120, 170],
    [140, 11],
  ),
} as const satisfies Record<string, AnalyteTerm>;

/** No Read v2 or CTV3 code for a test panel could be confirmed yet: the fields stay empty until one is. */
export interface TestTerm extends LegacyCodes {
  readonly key: string;
  readonly code: Coding;
  readonly analytes: readonly AnalyteTerm[];
}

export const TESTS = {
  hba1c: { key: "hba1c", code: snomed("43396009", "Hemoglobin A1c measurement"), analytes: [ANALYTES.hba1c] },
  renal: {
    key: "renal",
    code: snomed("252167001", "Measurement of urea and electrolytes"),
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

/** One part of a reading a template records in parts, and the template's label for it. */
export interface ComponentTerm extends LegacyCodes {
  readonly code: Coding;
  readonly label: string;
}

/** A blood pressure reading as a GP system's template records it: the reading, and its two parts. */
export const BLOOD_PRESSURE_READING = {
  reading: {
    code: snomed("163020007", "O/E - blood pressure reading"),
    readV2: readV2("246..00", "O/E - blood pressure reading"),
    ctv3: ctv3("246..", "O/E - blood pressure reading"),
  },
  systolic: {
    code: MEASUREMENTS.systolic,
    readV2: readV2("2469.00", "O/E - Systolic BP reading"),
    ctv3: ctv3("2469.", "O/E - Systolic BP reading"),
    label: "Systolic blood pressure",
  },
  diastolic: {
    code: MEASUREMENTS.diastolic,
    readV2: readV2("246A.00", "O/E - Diastolic BP reading"),
    ctv3: ctv3("246A.", "O/E - Diastolic BP reading"),
    label: "Diastolic blood pressure",
  },
} as const satisfies {
  reading: LegacyCodes & { code: Coding };
  systolic: ComponentTerm;
  diastolic: ComponentTerm;
};

/** Suspected COVID-19, as the practices recorded it from 2020: a concept Read v2 never had. */
export const SUSPECTED_COVID_19 = {
  code: snomed("1240761000000102", "Suspected COVID-19"),
  egton: egton("EMISNQSU106", "Suspected 2019-nCoV (Wuhan) infection"),
  ctv3: ctv3("Y20cf", "Suspected 2019-nCoV (Wuhan) infection"),
} as const satisfies LegacyCodes & { code: Coding };

/** How EMIS codes an entry a template records without a code: its words go beside it as text. */
export const TRANSFER_DEGRADED_RECORD_ENTRY: Coding = snomed(
  "196411000000103",
  "Transfer-degraded record entry",
);

/** A template a practice records a review with: its header entry and the items filed under it. */
export interface ReviewTemplate {
  readonly header: LegacyCodes & { readonly code: Coding };
  /** Items recorded without a code: the item's words and what the clinician wrote. */
  readonly items: readonly { readonly text: string; readonly note: string }[];
}

/** The asthma annual review as EMIS Web's asthma template records it (for EMIS practices). */
export const ASTHMA_REVIEW_TEMPLATE: ReviewTemplate = {
  header: {
    code: snomed("394700004", "Asthma annual review"),
    readV2: readV2("66YJ.00", "Asthma annual review"),
  },
  items: [
    { text: "Inhaler technique", note: "Good technique with a spacer." },
    { text: "Asthma action plan", note: "Personalised asthma action plan reviewed and given." },
  ],
};

/** "Patient referral": the referral's own code; the service is named as the supplier's text. */
export const PATIENT_REFERRAL: Coding = snomed("3457005", "Patient referral");

/** How a referral is coded: the referral procedure, with the legacy codes confirmed beside it. */
export interface ReferralTerm extends LegacyCodes {
  readonly code: Coding;
}

export const REFERRAL_TERMS = {
  /** No more specific code confirmed for the service referred to: the service is named as text. */
  patientReferral: { code: PATIENT_REFERRAL },
  orthopaedic: {
    code: snomed("183545006", "Referral to orthopaedic service"),
    readV2: readV2("8H54.00", "Orthopaedic referral"),
  },
  selfReferral: { code: snomed("306098008", "Self-referral"), readV2: readV2("8Hh..00", "Self-referral") },
} as const satisfies Record<string, ReferralTerm>;

/**
 * The encounter types consultations are named with, as text: EMIS's, from its assurance records. The one
 * SystmOne capture shows only "Admin" (its two encounters); SystmOne practices are given EMIS's names too.
 */
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
