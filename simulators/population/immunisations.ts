/**
 * Immunisations: the English schedule's vaccinations given (MMR, influenza, pneumococcal, COVID-19), those
 * offered and declined, and dissent from all immunisation.
 */

import { dayNumberOf, fromDayNumber, toDayNumber } from "./calendar.js";
import { addConsultation } from "./consultations.js";
import {
  CONSENT_NOT_GIVEN,
  DECLINED_VACCINATIONS,
  type DeclinedVaccinationTerm,
  NO_CONSENT_FOR_IMMUNISATION,
  RECALLS,
} from "./recall-terms.js";
import { entryId, legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import { VACCINES, type VaccineTerm } from "./record-terms.js";
import type { DiaryEntry, Immunisation, Problem } from "./types.js";

function addImmunisation(b: RecordBuilder, vaccine: VaccineTerm, date: string, doseSequence?: number): void {
  const consultation = addConsultation(
    b,
    date,
    `${vaccine.procedure.display} given.`,
    undefined,
    undefined,
    "GP Surgery",
  );
  const immunisation = {
    id: entryId("I", b.immunisations.length + 1),
    procedure: vaccine.procedure,
  } as Mutable<Immunisation>;
  const legacyCode = legacyCodeOf(vaccine, b.practice);
  if (legacyCode !== undefined) immunisation.legacyCode = legacyCode;
  immunisation.date = date;
  if (doseSequence !== undefined) immunisation.doseSequence = doseSequence;
  immunisation.recordedBy = consultation.clinician;
  immunisation.consultation = consultation.id;
  b.immunisations.push(immunisation);
}

/** A vaccination offered and not given, recorded in a consultation of its own. */
function addDeclinedImmunisation(
  b: RecordBuilder,
  term: DeclinedVaccinationTerm,
  day: number,
  narrative: string,
): void {
  const date = fromDayNumber(day);
  const consultation = addConsultation(b, date, narrative, undefined, undefined, "Telephone");
  b.immunisations.push({
    id: entryId("I", b.immunisations.length + 1),
    procedure: term.situation,
    date,
    recordedBy: consultation.clinician,
    consultation: consultation.id,
    notGiven: { reason: CONSENT_NOT_GIVEN },
  });
}

/** The first and last days COVID-19 first doses were given to adults here (first half of 2021). */
const COVID_FIRST_DOSES_FROM = toDayNumber("2021-01-04");
const COVID_FIRST_DOSES_TO = toDayNumber("2021-05-31");
/** Diabetes and asthma: influenza vaccination whatever the age. */
const FLU_AT_RISK_CODES = ["44054006", "195967001"];

/** Whether a problem brings influenza vaccination before 65. */
function fluAtRisk(problems: readonly Problem[]): boolean {
  let atRisk = false;
  for (let i = 0; i < problems.length && !atRisk; i++)
    atRisk = FLU_AT_RISK_CODES.includes((problems[i] as Problem).code.code);
  return atRisk;
}

/** By day numbers throughout: every patient runs this, and string dates made it a tenth of generation. */
export function vaccinations(b: RecordBuilder, problems: readonly Problem[]): void {
  const random = b.random;
  // MMR: two doses (about 13 months and 3 years 4 months) for those born since the 1988 programme began.
  if (b.born >= "1988-10-01") {
    const first = b.birthdayDay(1) + random.int(20, 60);
    const second = b.birthdayDay(3) + random.int(120, 180);
    if (b.inRecord(first) && random.chance(0.92)) addImmunisation(b, VACCINES.mmr, fromDayNumber(first), 1);
    if (b.inRecord(second) && random.chance(0.87)) addImmunisation(b, VACCINES.mmr, fromDayNumber(second), 2);
  }
  // Influenza each autumn for the over-65s and those with diabetes or asthma (the last few seasons).
  const atRisk = fluAtRisk(problems);
  const endYear = b.endYear;
  const seasons = b.large ? 20 : 4;
  const aged65 = b.ageReachedDay(65);
  for (let year = endYear - seasons; year <= endYear; year++) {
    const date = dayNumberOf(year, 10, random.int(1, 28));
    if (!b.inRecord(date)) continue;
    if ((date >= aged65 || atRisk) && random.chance(0.75))
      addImmunisation(b, VACCINES.influenza, fromDayNumber(date));
  }
  const at65 = b.birthdayDay(65) + random.int(0, 200);
  if (b.inRecord(at65) && random.chance(0.7)) addImmunisation(b, VACCINES.pneumococcal, fromDayNumber(at65));
  // COVID-19: two doses in the first half of 2021 for adults (18 on 1 January 2021: born by 1 January 2003).
  if (b.born <= "2003-01-01" && random.chance(0.85)) {
    const first = random.int(COVID_FIRST_DOSES_FROM, COVID_FIRST_DOSES_TO);
    const second = first + random.int(56, 84);
    if (b.inRecord(first)) addImmunisation(b, VACCINES.covidFirst, fromDayNumber(first), 1);
    if (b.inRecord(second)) addImmunisation(b, VACCINES.covidSecond, fromDayNumber(second), 2);
  }
}

/** Share of eligible autumns without a flu vaccination in which a decline is recorded. */
const FLU_DECLINE_RECORDED = 0.4;
/** Share of adults without a first COVID-19 dose whose decline is recorded. */
const COVID_DECLINE_RECORDED = 0.5;

/**
 * Vaccinations offered and declined, recorded as not given (mostly influenza, some COVID-19). Drawn after
 * the rest of the record, so adding them changed nothing else of it.
 */
export function declinedVaccinations(b: RecordBuilder): void {
  const random = b.random;
  const atRisk = fluAtRisk(b.problems);
  const aged65 = b.ageReachedDay(65);
  const fluGivenYears = new Set<number>();
  let covidFirstGiven = false;
  for (const immunisation of b.immunisations) {
    const code = immunisation.procedure.code;
    if (code === DECLINED_VACCINATIONS.influenza.givenProcedure.code)
      fluGivenYears.add(yearOf(immunisation.date));
    else if (code === DECLINED_VACCINATIONS.covidFirstDose.givenProcedure.code) covidFirstGiven = true;
  }
  const seasons = b.large ? 20 : 4;
  for (let year = b.endYear - seasons; year <= b.endYear; year++) {
    if (fluGivenYears.has(year)) continue;
    const day = dayNumberOf(year, 10, 1) + random.int(0, 60);
    if (!b.inRecord(day) || !(atRisk || day >= aged65) || !random.chance(FLU_DECLINE_RECORDED)) continue;
    addDeclinedImmunisation(
      b,
      DECLINED_VACCINATIONS.influenza,
      day,
      "Invited for seasonal influenza vaccination. Declined; aware it can be requested later.",
    );
  }
  if (b.born <= "2003-01-01" && !covidFirstGiven && random.chance(COVID_DECLINE_RECORDED)) {
    const day = random.int(COVID_FIRST_DOSES_FROM, COVID_FIRST_DOSES_TO);
    if (b.inRecord(day)) {
      addDeclinedImmunisation(
        b,
        DECLINED_VACCINATIONS.covidFirstDose,
        day,
        "Offered COVID-19 vaccination. Declined.",
      );
    }
  }
}

const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));

const VACCINES_BY_PROCEDURE = new Map<string, VaccineTerm>(
  Object.values(VACCINES).map((vaccine) => [vaccine.procedure.code, vaccine]),
);

/**
 * Who made each vaccine given: one of the makers of its products, the second COVID-19 dose the first's. Drawn
 * after the rest of the record, so that its other draws stay as they were.
 */
export function vaccineMakers(b: RecordBuilder): void {
  let firstCovidDose: string | undefined;
  for (const immunisation of b.immunisations as Mutable<Immunisation>[]) {
    const vaccine = VACCINES_BY_PROCEDURE.get(immunisation.procedure.code);
    if (vaccine === undefined || immunisation.notGiven !== undefined) continue;
    const maker =
      vaccine === VACCINES.covidSecond && firstCovidDose !== undefined
        ? firstCovidDose
        : b.random.pick(vaccine.manufacturers);
    if (vaccine === VACCINES.covidFirst) firstCovidDose = maker;
    immunisation.manufacturer = maker;
  }
}

/** About one patient in a hundred has told the practice they want no immunisations at all. */
const IMMUNISATION_DISSENT_RECORDED = 0.01;

/** Dissent from all immunisation, recorded after the last vaccination given (none is given after it). */
export function immunisationDissent(b: RecordBuilder): void {
  const random = b.random;
  if (!random.chance(IMMUNISATION_DISSENT_RECORDED)) return;
  let lastGiven = b.bornDay;
  for (const immunisation of b.immunisations) {
    if (immunisation.notGiven === undefined) lastGiven = Math.max(lastGiven, toDayNumber(immunisation.date));
  }
  if (lastGiven >= b.endDay) return;
  const date = fromDayNumber(random.int(lastGiven + 1, b.endDay));
  b.immunisationStatuses.push({
    id: entryId("S", b.immunisationStatuses.length + 1),
    code: NO_CONSENT_FOR_IMMUNISATION,
    date,
    recordedBy: b.clinician(),
    note: "Patient has expressed dissent for all immunisations.",
  });
  // The practice stops inviting a patient who has refused every immunisation: no vaccination recalls.
  const recalls = b.diaryEntries;
  for (let i = recalls.length - 1; i >= 0; i--) {
    if ((recalls[i] as DiaryEntry).code.code === RECALLS.influenzaVaccination.code) recalls.splice(i, 1);
  }
}
