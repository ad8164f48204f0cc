/**
 * What a practice serves is its Bundle as JSON.stringify writes it, byte for byte, although it is written a
 * faster way (bundleBody, in pieces, straight into bytes) from records whose fixed parts are shared between
 * records (frozen Lists' parts, concepts, a practice's directory). Checked over many generated patients of
 * both suppliers, every trait, and requests for everything, for each area alone, with narrower options, and
 * with the warnings of an unknown parameter and a disabled area: so it keeps holding as the records grow.
 */
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import type { ClinicalAreaParameter } from "../gpconnect/parameters.js";
import { Journal } from "../simulators/journal/journal.js";
import { createPopulation } from "../simulators/population/population.js";
import { type Population, type SyntheticPatient, TRAITS } from "../simulators/population/types.js";
import { bundleBody } from "../simulators/practices/bundle-body.js";
import { buildPracticeApp, flavourOf } from "../simulators/practices/index.js";
import { withParameterWarnings } from "../simulators/practices/parameter-warnings.js";
import { structuredRecordBundle } from "../simulators/practices/structured-bundle.js";
import {
  checkStructuredRecordParameters,
  withoutDisabledAreas,
} from "../simulators/practices/structured-parameters.js";
import {
  EVERY_CLINICAL_AREA,
  gpConnectHeaders,
  STRUCTURED_RECORD_QUESTIONS,
} from "./support/gpconnect-request.js";

const REFERENCE_DATE = "2026-06-30";

/** The questions asked of every patient: the Parameters' clinical areas, and the areas switched off. */
const QUESTIONS: readonly {
  readonly areas: readonly fhir.ParametersParameter[];
  readonly disabled?: readonly ClinicalAreaParameter[];
}[] = [
  ...STRUCTURED_RECORD_QUESTIONS.map((areas) => ({ areas })),
  {
    areas: [
      { name: "includeConsultations", part: [{ name: "includeNumberOfMostRecent", valueInteger: 3 }] },
      { name: "includeProblems", part: [{ name: "filterStatus", valueCode: "active" }] },
    ],
  },
  // Answered with a warning beside the record: an unknown parameter, and an area switched off.
  { areas: [...EVERY_CLINICAL_AREA, { name: "includeSomethingNew" }], disabled: ["includeProblems"] },
];

/** The question for everything, every area unfiltered. */
const EVERYTHING: (typeof QUESTIONS)[number] = { areas: EVERY_CLINICAL_AREA };

function parametersFor(nhsNumber: string, areas: readonly fhir.ParametersParameter[]): fhir.Parameters {
  return {
    resourceType: "Parameters",
    parameter: [
      { name: "patientNHSNumber", valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
      ...areas,
    ],
  };
}

/** Every patient of a small population (both suppliers), and one with each trait at every practice. */
function everyone(seed: number): {
  population: Population;
  patients: SyntheticPatient[];
} {
  const population = createPopulation({
    seed,
    practices: 4,
    patientsPerPractice: 25,
    referenceDate: REFERENCE_DATE,
  });
  const patients = population
    .practices()
    .flatMap((practice) => [
      ...Array.from({ length: 25 }, (_, index) => population.patient(practice.ods, index)),
      ...TRAITS.map((trait) => population.addPatient(practice.ods, [trait])),
    ]);
  return { population, patients };
}

/** The answer a practice gives to `question` about `patient`, as the object Bundle. */
function answerBundle(
  population: Population,
  patient: SyntheticPatient,
  question: (typeof QUESTIONS)[number],
): fhir.Bundle | undefined {
  const practice = population.practice(patient.practiceOds);
  const checked = checkStructuredRecordParameters(
    parametersFor(patient.nhsNumber, question.areas),
    REFERENCE_DATE,
  );
  if (practice === undefined || !checked.ok) return undefined;
  const served = withoutDisabledAreas(checked.value, new Set(question.disabled ?? []));
  const bundle = structuredRecordBundle({
    seed: population.seed,
    practice,
    patient,
    query: served.query,
    flavour: flavourOf(practice.system),
    asOf: population.referenceDate,
  });
  return withParameterWarnings(bundle, served);
}

/** Objects reachable from `value` (arrays included). */
function objectsIn(value: unknown, into = new Set<object>()): Set<object> {
  if (value === null || typeof value !== "object" || into.has(value)) return into;
  into.add(value);
  for (const inner of Object.values(value)) objectsIn(inner, into);
  return into;
}

describe("the bytes a practice serves", () => {
  it("are JSON.stringify of the Bundle, for every patient, trait, supplier and question", () => {
    const differing: string[] = [];
    let compared = 0;
    const systems = new Set<string>();
    for (const seed of [1, 5]) {
      const { population, patients } = everyone(seed);
      for (const patient of patients) {
        for (const question of QUESTIONS) {
          const answer = answerBundle(population, patient, question);
          if (answer === undefined) continue;
          compared++;
          systems.add(population.practice(patient.practiceOds)?.system ?? "");
          if (!bundleBody(answer).equals(Buffer.from(JSON.stringify(answer)))) {
            differing.push(
              `seed ${seed} ${patient.nhsNumber} ${question.areas.map((a) => a.name).join(",")}`,
            );
          }
        }
      }
    }
    expect(differing).toEqual([]);
    expect(systems).toEqual(new Set(["emis", "tpp"]));
    expect(compared).toBeGreaterThan(2 * 4 * (25 + TRAITS.length) * (QUESTIONS.length - 2));
  });

  it("are JSON.stringify's for shapes no record has: odd characters, no entries, entries not last, a toJSON", () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      resource: { resourceType: "Basic", id: `b${i}` },
    }));
    const large = [{ resource: { resourceType: "Basic", text: "é".repeat(3_000_000) } }];
    const shapes: unknown[] = [
      {},
      { resourceType: "Bundle", entry: [] },
      {
        entry: [{ resource: { text: 'quote " backslash \\ tab \t nul \u0000 é ü 中 😀 \u2028 \ud800 end' } }],
      },
      { entry: [undefined, null, 1, "x", [], {}, { resource: undefined }] },
      { resourceType: "Bundle", entry: many },
      { resourceType: "Bundle", entry: large },
      { entry: many, type: "collection" },
      { resourceType: "Bundle", entry: many.slice(0, 3), toJSON: () => ({ replaced: true }) },
      { resourceType: "Bundle", total: Number.NaN, skipped: undefined, entry: many.slice(0, 31) },
    ];
    for (const shape of shapes) {
      expect(bundleBody(shape as fhir.Bundle).equals(Buffer.from(JSON.stringify(shape)))).toBe(true);
    }
  });

  it("are the same whatever was served before: records share only frozen parts", () => {
    const { population, patients } = everyone(3);
    const first = patients[0] as SyntheticPatient;
    const before = JSON.stringify(answerBundle(population, first, EVERYTHING));
    const seenIn = new Map<object, number>();
    patients.forEach((patient, index) => {
      for (const object of objectsIn(answerBundle(population, patient, EVERYTHING))) {
        if (!seenIn.has(object)) seenIn.set(object, index);
        else if (seenIn.get(object) !== index) seenIn.set(object, -1);
      }
    });
    const sharedObjects = [...seenIn].filter(([, where]) => where === -1).map(([object]) => object);
    expect(sharedObjects.length).toBeGreaterThan(0);
    expect(sharedObjects.filter((object) => !Object.isFrozen(object))).toEqual([]);
    expect(JSON.stringify(answerBundle(population, first, EVERYTHING))).toBe(before);
  });
});

describe("served over HTTP", () => {
  const { population, patients } = everyone(2);
  const apps: { close(): Promise<unknown> }[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  it("a record is the JSON.stringify of its Bundle, with and without the bundle cache", async () => {
    for (const cached of [false, true]) {
      for (const practice of population.practices().slice(0, 2)) {
        const endpointPath = `/${practice.ods}/STU3/1/gpconnect/structured/fhir`;
        const app = buildPracticeApp({
          practice,
          population,
          journal: new Journal(),
          endpointPath,
          ...(cached ? {} : { bundleCache: null }),
        });
        apps.push(app);
        const address = await app.listen({ port: 0, host: "127.0.0.1" });
        const patient = patients.find((p) => p.practiceOds === practice.ods) as SyntheticPatient;
        const response = await request(`${address}${endpointPath}/Patient/$gpc.getstructuredrecord`, {
          method: "POST",
          headers: gpConnectHeaders({
            fromAsid: "999000000001",
            toAsid: practice.asid,
            audience: `${address}${endpointPath}`,
          }),
          body: JSON.stringify(parametersFor(patient.nhsNumber, EVERY_CLINICAL_AREA)),
        });
        const body = Buffer.from(await response.body.arrayBuffer());
        expect(response.statusCode).toBe(200);
        expect(Number(response.headers["content-length"])).toBe(body.length);
        expect(body.equals(Buffer.from(JSON.stringify(answerBundle(population, patient, EVERYTHING))))).toBe(
          true,
        );
      }
    }
  });
});
