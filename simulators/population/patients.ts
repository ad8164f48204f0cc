/**
 * Generates one patient from (seed, practice ordinal, index) alone, so any patient of a large region can be
 * produced on demand, and applies the traits a scenario asked for.
 */
import { addDays, addYears, ageOn, fromDayNumber, maxDate, minDate, toDayNumber } from "./calendar.js";
import {
  ALLERGIES,
  CHRONIC_LOW_BACK_PAIN,
  PROBLEMS,
  type ProblemTerm,
  TRAMADOL_50MG_CAPSULES,
} from "./clinical-terms.js";
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from "./names.js";
import { practiceTown, syntheticAddress } from "./practices.js";
import { Random } from "./random.js";
import type {
  Allergy,
  AllergyRecord,
  Clinician,
  Coding,
  Medication,
  Practice,
  Problem,
  SyntheticPatient,
  Trait,
} from "./types.js";

const PATIENT_STREAM = 0x50415449;

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

const MAX_GENERATED_PROBLEMS = 4;
/** The outpatient trait is an adult's: hospital pain clinics prescribing tramadol see adults. */
const OUTPATIENT_TRAIT_MINIMUM_AGE = 25;

export interface PatientSeed {
  readonly seed: number;
  readonly referenceDate: string;
  readonly practice: Practice;
  readonly index: number;
  readonly nhsNumber: string;
  readonly traits: readonly Trait[];
}

function uniformDate(random: Random, from: string, to: string): string {
  const start = toDayNumber(from);
  const end = toDayNumber(to);
  return end <= start ? from : fromDayNumber(random.int(start, end));
}

function birthDate(random: Random, referenceDate: string, minimumAge: number): string {
  const bands = AGE_BANDS.filter(([, to]) => to > minimumAge).map(
    ([from, to, share]) => [[Math.max(from, minimumAge), to], share] as const,
  );
  const [from, to] = random.weighted(bands);
  // Born between `to` years ago (exclusive) and `from` years ago.
  return uniformDate(random, addDays(addYears(referenceDate, -to), 1), addYears(referenceDate, -from));
}

function prefixFor(random: Random, gender: "male" | "female", age: number): string {
  if (age < 16) return gender === "male" ? "Master" : "Miss";
  if (gender === "male") return "Mr";
  return random.weighted([
    ["Mrs", 5],
    ["Ms", 3],
    ["Miss", 2],
  ]);
}

function prevalenceAt(term: ProblemTerm, age: number): number {
  let probability = 0;
  for (const [fromAge, p] of term.prevalence) if (age >= fromAge) probability = p;
  return probability;
}

function legacyCodeOf(
  term: { readonly readV2: Coding; readonly ctv3?: Coding },
  practice: Practice,
): Coding | undefined {
  return practice.system === "emis" ? term.readV2 : term.ctv3;
}

/** Spreads `legacyCode` only when there is one, so records without one stay deep-equal when regenerated. */
function withLegacyCode(legacyCode: Coding | undefined): { legacyCode?: Coding } {
  return legacyCode === undefined ? {} : { legacyCode };
}

/** Issue dates of a repeat: one per supply period over the last year of the course, up to the reference date. */
function repeatIssues(random: Random, started: string, referenceDate: string, supplyDays: number): string[] {
  const issues: string[] = [];
  let day = toDayNumber(maxDate(started, addDays(referenceDate, -365)));
  const end = toDayNumber(referenceDate);
  while (day <= end) {
    issues.push(fromDayNumber(day));
    day += supplyDays + random.int(-2, 4);
  }
  return issues;
}

function problemsAndMedications(
  random: Random,
  practice: Practice,
  born: string,
  referenceDate: string,
  maxProblems: number,
): { problems: Problem[]; medications: Medication[] } {
  const age = ageOn(born, referenceDate);
  const chosen = PROBLEMS.filter((term) => random.chance(prevalenceAt(term, age))).slice(0, maxProblems);
  const drafts = chosen.map((term) => {
    const firstAge = term.prevalence[0]?.[0] ?? 0;
    const onset = uniformDate(random, addYears(born, firstAge), referenceDate);
    const status = term.significance === "minor" && random.chance(0.25) ? "inactive" : "active";
    return { term, onset, status } as const;
  });
  drafts.sort((a, b) => (a.onset < b.onset ? -1 : a.onset > b.onset ? 1 : 0));

  const problems: Problem[] = [];
  const medications: Medication[] = [];
  for (const { term, onset, status } of drafts) {
    const author = random.pick(practice.clinicians);
    const problem: Problem = {
      id: `P${problems.length + 1}`,
      code: term.snomed,
      ...withLegacyCode(legacyCodeOf(term, practice)),
      onset,
      status,
      significance: term.significance,
      recordedBy: author.id,
    };
    problems.push(problem);
    // Only active problems are still treated; the record of a resolved one keeps no current medication.
    if (status !== "active" || term.drugs.length === 0) continue;
    const drug = random.pick(term.drugs);
    const started = minDate(addDays(onset, random.int(0, 30)), referenceDate);
    medications.push({
      id: `M${medications.length + 1}`,
      product: drug.product,
      dosage: drug.dosage,
      quantity: drug.quantity,
      supplyDays: drug.supplyDays,
      type: "repeat",
      prescriber: { kind: "practice" },
      started,
      status: "active",
      issues: repeatIssues(random, started, referenceDate, drug.supplyDays),
      treats: problem.id,
      recordedBy: author.id,
    });
  }
  return { problems, medications };
}

function allergyRecord(
  random: Random,
  practice: Practice,
  born: string,
  registeredSince: string,
  referenceDate: string,
): AllergyRecord {
  const kind = random.weighted([
    ["recorded", 12],
    ["no-known-allergies", 48],
    ["nothing-recorded", 40],
  ] as const);
  if (kind === "nothing-recorded") return { kind };
  if (kind === "no-known-allergies") {
    return {
      kind,
      recorded: uniformDate(random, registeredSince, referenceDate),
      recordedBy: random.pick(practice.clinicians).id,
    };
  }
  const terms = random.sample(ALLERGIES, random.int(1, 2));
  const allergies: Allergy[] = terms.map((term, i) => ({
    id: `A${i + 1}`,
    code: term.code,
    ...withLegacyCode(legacyCodeOf(term, practice)),
    category: term.category,
    substance: term.substance,
    reaction: random.pick(term.reactions),
    severity: random.weighted([
      ["mild", 5],
      ["moderate", 4],
      ["severe", 1],
    ] as const),
    recorded: uniformDate(random, minDate(addYears(born, 1), referenceDate), referenceDate),
    recordedBy: random.pick(practice.clinicians).id,
  }));
  return { kind, allergies };
}

function outpatientTramadol(
  random: Random,
  practice: Practice,
  born: string,
  referenceDate: string,
  problemId: string,
  medicationId: string,
): { problem: Problem; medication: Medication } {
  const author = random.pick(practice.clinicians);
  const onset = uniformDate(
    random,
    maxDate(addYears(born, 18), addYears(referenceDate, -3)),
    addDays(referenceDate, -60),
  );
  const started = uniformDate(random, addDays(onset, 30), referenceDate);
  const hospitalTown = practiceTown(practice).name;
  return {
    problem: {
      id: problemId,
      code: CHRONIC_LOW_BACK_PAIN.snomed,
      ...withLegacyCode(legacyCodeOf(CHRONIC_LOW_BACK_PAIN, practice)),
      onset,
      status: "active",
      significance: CHRONIC_LOW_BACK_PAIN.significance,
      recordedBy: author.id,
    },
    medication: {
      id: medicationId,
      product: TRAMADOL_50MG_CAPSULES.product,
      dosage: TRAMADOL_50MG_CAPSULES.dosage,
      quantity: TRAMADOL_50MG_CAPSULES.quantity,
      supplyDays: TRAMADOL_50MG_CAPSULES.supplyDays,
      type: "acute",
      prescriber: {
        kind: "hospital-outpatient",
        organisation: `Pain Management Clinic, ${hospitalTown} General Hospital`,
      },
      started,
      status: "active",
      // The hospital supplies it; the practice records it and never issues it.
      issues: [],
      treats: problemId,
      recordedBy: author.id,
    },
  };
}

export function generatePatient(input: PatientSeed): SyntheticPatient {
  const { seed, referenceDate, practice, index, nhsNumber, traits } = input;
  const random = new Random(seed, practice.ordinal, index, PATIENT_STREAM);
  const wantsOutpatient = traits.includes("outpatient-medication");

  const gender = random.chance(0.5) ? "male" : "female";
  const born = birthDate(random, referenceDate, wantsOutpatient ? OUTPATIENT_TRAIT_MINIMUM_AGE : 0);
  const age = ageOn(born, referenceDate);
  const givenNames = gender === "male" ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES;
  const given = random.chance(0.3) ? random.sample(givenNames, 2) : [random.pick(givenNames)];
  const family = random.pick(FAMILY_NAMES);
  const prefix = prefixFor(random, gender, age);
  const address = syntheticAddress(random, practiceTown(practice));
  // Ofcom's drama range (07700 900000-900999) is never allocated to a real phone.
  const telecom = `07700 900${String(random.int(0, 999)).padStart(3, "0")}`;
  const registeredSince = uniformDate(random, maxDate(born, addYears(referenceDate, -35)), referenceDate);
  const usualGp: Clinician = random.pick(practice.clinicians);

  const maxProblems = wantsOutpatient ? MAX_GENERATED_PROBLEMS - 1 : MAX_GENERATED_PROBLEMS;
  const { problems, medications } = problemsAndMedications(
    random,
    practice,
    born,
    referenceDate,
    maxProblems,
  );
  const allergies = allergyRecord(random, practice, born, registeredSince, referenceDate);

  if (wantsOutpatient) {
    const { problem, medication } = outpatientTramadol(
      random,
      practice,
      born,
      referenceDate,
      `P${problems.length + 1}`,
      `M${medications.length + 1}`,
    );
    problems.push(problem);
    medications.push(medication);
  }

  return {
    nhsNumber,
    practiceOds: practice.ods,
    index,
    traits: [...traits],
    name: { prefix, given, family },
    gender,
    birthDate: born,
    address,
    telecom,
    registeredSince,
    usualGp,
    dissent: traits.includes("dissent"),
    // The Spine-level traits are generated in a later step; until then every patient is plainly registered.
    restricted: false,
    registration: "active",
    problems,
    medications,
    allergies,
  };
}
