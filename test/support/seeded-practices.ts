/**
 * The EMIS and the TPP practice of one seeded population (seed 1, reference date 2025-06-01, 300 patients
 * each) on loopback, and a consumer's structured-record requests to them: the practice tests' shared setup.
 */
import { afterAll, beforeAll } from "vitest";
import { Journal } from "../../simulators/journal/journal.js";
import { createPopulation } from "../../simulators/population/population.js";
import type { Population, Practice, SyntheticPatient } from "../../simulators/population/types.js";
import {
  EVERY_CLINICAL_AREA,
  type GpConnectHeaderOptions,
  gpConnectHeaders,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./gpconnect-request.js";
import {
  patientWith,
  postStructuredRecord,
  type RecordAnswer,
  type RunningPractice,
  startEmisAndTpp,
} from "./structured-record.js";

export const REFERENCE_DATE = "2025-06-01";
export const CONSUMER_ASID = "999000000001";

export interface SeededPractices {
  readonly population: Population;
  /** Where both practices journal the requests they receive. */
  readonly journal: Journal;
  readonly emis: RunningPractice;
  readonly tpp: RunningPractice;
}

/** The population built afresh (the same every time) and its two practices started; close both when done. */
export async function startSeededPractices(): Promise<SeededPractices> {
  const population = createPopulation({
    seed: 1,
    referenceDate: REFERENCE_DATE,
    practices: 2,
    patientsPerPractice: 300,
  });
  const journal = new Journal();
  const { emis, tpp } = await startEmisAndTpp(population, journal);
  return { population, journal, emis, tpp };
}

/** The seeded practices of a test file, started before its tests and closed after them. */
export interface SeededPracticesInUse extends SeededPractices {
  /** The first patient on the practice's list that matches. */
  patientWith(practice: Practice, predicate: (p: SyntheticPatient) => boolean): SyntheticPatient;
}

/** Starts the seeded practices in the file's beforeAll and closes them in its afterAll. */
export function useSeededPractices(): SeededPracticesInUse {
  let seeded: SeededPractices | undefined;
  beforeAll(async () => {
    seeded = await startSeededPractices();
  });
  afterAll(async () => {
    await seeded?.emis.close();
    await seeded?.tpp.close();
  });
  const started = (): SeededPractices => {
    if (seeded === undefined) throw new Error("the seeded practices start in beforeAll");
    return seeded;
  };
  return {
    get population() {
      return started().population;
    },
    get journal() {
      return started().journal;
    },
    get emis() {
      return started().emis;
    },
    get tpp() {
      return started().tpp;
    },
    patientWith: (practice, predicate) => patientWith(started().population, practice, predicate),
  };
}

/** Valid GP Connect headers for a request to `target`, with `overrides`. */
export function headersFor(
  target: RunningPractice,
  overrides: Partial<GpConnectHeaderOptions> = {},
): Record<string, string> {
  return gpConnectHeaders({
    fromAsid: CONSUMER_ASID,
    toAsid: target.practice.asid,
    audience: target.endpoint,
    ...overrides,
  });
}

export function post(
  target: RunningPractice,
  body: string,
  headers: Record<string, string>,
): Promise<RecordAnswer> {
  return postStructuredRecord(target.endpoint, headers, body);
}

/** A valid request for the record `options` describe. */
export function getRecord(
  target: RunningPractice,
  options: StructuredRecordRequestOptions,
  headerOverrides: Partial<GpConnectHeaderOptions> = {},
): Promise<RecordAnswer> {
  return post(target, JSON.stringify(structuredRecordRequest(options)), headersFor(target, headerOverrides));
}

/** Every clinical area, unfiltered (the extra parameters GP Connect 1.6 allows together). */
export const allAreas = (patient: SyntheticPatient): StructuredRecordRequestOptions => ({
  nhsNumber: patient.nhsNumber,
  extraParameters: EVERY_CLINICAL_AREA,
});

/** Allergies (resolved ones too) and medications with their prescription issues. */
export const everything = (patient: SyntheticPatient): StructuredRecordRequestOptions => ({
  nhsNumber: patient.nhsNumber,
  includeAllergies: { includeResolvedAllergies: true },
  includeMedication: { includePrescriptionIssues: true },
});
