/**
 * The `unusual-content` trait and the check that a gateway passes such a record through intact: the fragments
 * are what json-schema-faker generates from the STU3 schema (the committed file is the generator's), the record
 * stays valid STU3 and the same for a seed, and the oracle tells a record passed on whole from one changed
 * without a word, or changed with the gateway saying so.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fullRecordRequest } from "../bench/full-record-request.js";
import { recordIntact } from "../harness/oracle/record-intact.js";
import { createPopulation } from "../simulators/population/population.js";
import { flavourOf } from "../simulators/practices/index.js";
import { structuredRecordBundle } from "../simulators/practices/structured-bundle.js";
import { LONG_NOTE_LENGTH } from "../simulators/practices/unusual-content.js";
import { stu3BundleErrors } from "./support/stu3-schema.js";
import { UNUSUAL_CONTENT_FILE, unusualContentText } from "./support/unusual-content-fragments.js";

const UNKNOWN = "https://fhir.unusual-content.invalid/";

function recordWithTrait(seed: number, system: "emis" | "tpp"): fhir.Bundle {
  const population = createPopulation({ seed, practices: 2, patientsPerPractice: 5 });
  const practice = population.addPractice(system);
  const patient = population.addPatient(practice.ods, ["unusual-content"]);
  const { query } = fullRecordRequest(patient.nhsNumber, population.referenceDate);
  return structuredRecordBundle({
    seed,
    practice,
    patient,
    query: { ...query, nhsNumber: patient.nhsNumber },
    flavour: flavourOf(system),
    asOf: population.referenceDate,
  });
}

describe("the unusual-content trait", () => {
  it("adds fragments json-schema-faker generated from the STU3 schema: the committed file is the generator's", () => {
    expect(readFileSync(UNUSUAL_CONTENT_FILE, "utf8")).toBe(unusualContentText());
  }, 60_000);

  it.each(["emis", "tpp"] as const)(
    "gives a %s record unknown extensions, local codings and a long note, valid STU3",
    (system) => {
      const bundle = recordWithTrait(5, system);
      const text = JSON.stringify(bundle);
      const items = (bundle.entry ?? [])
        .map((e) => e.resource as fhir.Condition)
        .filter((r) => r.resourceType === "Condition");
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item.extension?.some((e) => e.url.startsWith(UNKNOWN))).toBe(true);
      expect(items.some((c) => c.code?.coding?.some((coding) => coding.system?.startsWith(UNKNOWN)))).toBe(
        true,
      );
      const notes = (bundle.entry ?? []).flatMap(
        (e) => (e.resource as { note?: fhir.Annotation[] }).note ?? [],
      );
      expect(notes.filter((n) => n.text?.length === LONG_NOTE_LENGTH)).toHaveLength(1);
      expect(stu3BundleErrors(bundle)).toEqual([]);
      expect(JSON.stringify(recordWithTrait(5, system))).toBe(text);
    },
    60_000,
  );
});

describe("a record passed through intact", () => {
  const practice = recordWithTrait(9, "emis");
  const copy = () => structuredClone(practice);
  /** The first resource carrying an extension no gateway knows. */
  const firstUnusual = (bundle: fhir.Bundle) =>
    bundle.entry?.find((e) =>
      (e.resource as fhir.Condition | undefined)?.extension?.some((x) => x.url.startsWith(UNKNOWN)),
    )?.resource as fhir.Condition;

  it("is the practice's, element for element", () => {
    const report = recordIntact(practice, copy());
    expect(report.differences).toEqual([]);
    expect(report.compared).toBe(practice.entry?.length);
  });

  it("is not one whose unknown extension or long note went missing, and the first difference is named", () => {
    const stripped = copy();
    const condition = firstUnusual(stripped);
    condition.extension = condition.extension?.filter((e) => !e.url.startsWith(UNKNOWN));
    const [difference] = recordIntact(practice, stripped).differences;
    expect(difference).toMatchObject({ resource: `${condition.resourceType}/${condition.id}` });
    expect(difference?.path).toMatch(/^extension(\[\d+\])?/);
    const cut = copy();
    for (const entry of cut.entry ?? []) {
      for (const note of (entry.resource as { note?: fhir.Annotation[] }).note ?? [])
        note.text = note.text?.slice(0, 4000);
    }
    expect(recordIntact(practice, cut).differences).toEqual([
      expect.objectContaining({ practice: "12000 characters", gateway: "4000 characters" }),
    ]);
  });

  it("may leave a resource out when an OperationOutcome in the Bundle names it", () => {
    const without = copy();
    const condition = firstUnusual(without);
    without.entry = (without.entry ?? []).filter((e) => e.resource !== condition);
    expect(recordIntact(practice, without).differences).toHaveLength(1);
    without.entry.push({
      resource: {
        resourceType: "OperationOutcome",
        issue: [
          {
            severity: "warning",
            code: "not-supported",
            diagnostics: "Content the viewer cannot show was left out",
            expression: [`${condition.resourceType}/${condition.id}`],
          },
        ],
      } as fhir.OperationOutcome,
    });
    const report = recordIntact(practice, without);
    expect(report.differences).toEqual([]);
    expect(report.declared).toEqual([`${condition.resourceType}/${condition.id}`]);
  });
});
