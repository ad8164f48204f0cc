/**
 * The serialised full records of the first patients of every practice of a small population made from a
 * seed, and their digest. Run as a script (`node --import tsx test/support/seeded-records.ts 41`), it
 * prints the digest, so a test can compare the records of a fresh process with its own.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { fullRecordRequest } from "../../bench/full-record-request.js";
import { createPopulation } from "../../simulators/population/population.js";
import { flavourOf } from "../../simulators/practices/index.js";
import { structuredRecordBundle } from "../../simulators/practices/structured-bundle.js";

export function seededRecords(seed: number, patientsPerPractice = 12): string[] {
  const population = createPopulation({
    seed,
    practices: 2,
    patientsPerPractice,
    referenceDate: "2025-06-01",
  });
  return population.practices().flatMap((practice) =>
    Array.from({ length: patientsPerPractice }, (_, index) => {
      const patient = population.patient(practice.ods, index);
      const { query } = fullRecordRequest(patient.nhsNumber, population.referenceDate);
      return JSON.stringify(
        structuredRecordBundle({
          seed,
          practice,
          patient,
          query: { ...query, nhsNumber: patient.nhsNumber },
          flavour: flavourOf(practice.system),
          asOf: population.referenceDate,
        }),
      );
    }),
  );
}

export function recordsDigest(records: readonly string[]): string {
  return createHash("sha256").update(records.join("\n")).digest("hex");
}

export const SEEDED_RECORDS_SCRIPT = fileURLToPath(import.meta.url);

if (process.argv[1] === SEEDED_RECORDS_SCRIPT) {
  process.stdout.write(recordsDigest(seededRecords(Number(process.argv[2]))));
}
