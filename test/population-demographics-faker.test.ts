/**
 * Demographics drawn with @faker-js/faker through the population's own generators: a seed still gives
 * byte-identical records (in this process and in a fresh one), another seed gives other people, and what
 * faker writes stays synthetic (drama-range mobiles, example-domain emails).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createPopulation } from "../simulators/population/population.js";
import { recordsDigest, SEEDED_RECORDS_SCRIPT, seededRecords } from "./support/seeded-records.js";

const records = (seed: number) => seededRecords(seed);

describe("demographics drawn with faker", () => {
  it("the same seed twice gives byte-identical records", () => {
    expect(records(41)).toEqual(records(41));
  });

  it("gives the same records in a fresh process", () => {
    const fresh = execFileSync(process.execPath, ["--import", "tsx", SEEDED_RECORDS_SCRIPT, "41"], {
      encoding: "utf8",
    });
    expect(fresh).toBe(recordsDigest(records(41)));
  });

  it("another seed gives other people", () => {
    const names = (seed: number) => {
      const population = createPopulation({ seed, practices: 1, patientsPerPractice: 30 });
      const practice = population.practices()[0]!;
      return Array.from({ length: 30 }, (_, i) => population.patient(practice.ods, i)).map(
        (p) => `${p.name.given.join(" ")} ${p.name.family}, ${p.address.line.join(", ")}`,
      );
    };
    expect(names(41)).not.toEqual(names(42));
    expect(records(41)).not.toEqual(records(42));
  });

  it("writes only numbers and addresses that reach no one", () => {
    const population = createPopulation({ seed: 43, practices: 1, patientsPerPractice: 200 });
    const practice = population.practices()[0]!;
    const patients = Array.from({ length: 200 }, (_, i) => population.patient(practice.ods, i));
    for (const patient of patients) expect(patient.telecom).toMatch(/^07700 900\d{3}$/);
    const emails = patients.flatMap((p) => (p.email === undefined ? [] : [p.email]));
    expect(emails.length).toBeGreaterThan(40);
    for (const email of emails) expect(email).toMatch(/^[^@\s]+@example\.(com|net|org)$/);
    // A varied list: faker's names, not a handful repeated.
    expect(new Set(patients.map((p) => p.name.family)).size).toBeGreaterThan(100);
    expect(new Set(patients.map((p) => p.address.line[0]?.replace(/^\d+ /, ""))).size).toBeGreaterThan(80);
  });
});
