/**
 * Record content a practice serves over GP Connect Access Record Structured 1.6.2: diary entries (recalls)
 * and their search date, vaccinations recorded as not given, and a record whose GP2GP transfer is still in
 * transit. Against real practices on loopback, each bundle checked against the official STU3 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { addDays, todayUtc } from "../simulators/population/calendar.js";
import { createPopulation } from "../simulators/population/population.js";
import type { Population, Practice, SyntheticPatient } from "../simulators/population/types.js";
import {
  EVERY_CLINICAL_AREA,
  gpConnectHeaders,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";
import {
  patientWith as firstPatientWith,
  listWithCode,
  bundleOf as okBundle,
  postStructuredRecord,
  type RecordAnswer,
  type RunningPractice,
  resourcesIn,
  startEmisAndTpp,
  startPractice,
} from "./support/structured-record.js";
import { stu3BundleErrors } from "./support/stu3-schema.js";

const CONSUMER_ASID = "999000000001";
/** The record's "now" is today: diaryEntriesSearchDate may not be before today, so the two must agree. */
const TODAY = todayUtc();
const DIARY_LIST = "714311000000108";
const IMMUNISATIONS_LIST = "1102181000000102";
const LINKED_PROBLEMS_LIST = "problems-linked-problems-not-relating-to-the-primary-query";
const RELATED_CLINICAL_CONTENT =
  "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1";
const VACCINATION_PROCEDURE =
  "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1";
const LIST_WARNING =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1";
/** Diary Entry profile: the ProcedureRequest elements GP Connect 1.6.2 says MUST NOT be populated. */
const DIARY_ELEMENTS_NOT_IN_USE = [
  "priority",
  "doNotPerform",
  "category",
  "asNeededBoolean",
  "asNeededCodeableConcept",
  "performerType",
  "performer",
  "reasonReference",
  "specimen",
  "bodySite",
  "relevantHistory",
];

let population: Population;
let emis: RunningPractice;
let tpp: RunningPractice;

function getRecord(
  target: RunningPractice,
  nhsNumber: string,
  parameters: fhir.ParametersParameter[],
): Promise<RecordAnswer> {
  return postStructuredRecord(
    target.endpoint,
    gpConnectHeaders({ fromAsid: CONSUMER_ASID, toAsid: target.practice.asid, audience: target.endpoint }),
    JSON.stringify(structuredRecordRequest({ nhsNumber, extraParameters: parameters })),
  );
}

/** The Bundle of a successful answer, every resource valid STU3. */
function bundleOf(answer: RecordAnswer): fhir.Bundle {
  const bundle = okBundle(answer);
  expect(stu3BundleErrors(bundle)).toEqual([]);
  return bundle;
}

const refsOf = (list: fhir.List | undefined) => (list?.entry ?? []).map((e) => e.item.reference);

const diaryParameter = (searchDate?: string): fhir.ParametersParameter =>
  searchDate === undefined
    ? { name: "includeDiaryEntries" }
    : { name: "includeDiaryEntries", part: [{ name: "diaryEntriesSearchDate", valueDate: searchDate }] };

const patientWith = (practice: Practice, predicate: (p: SyntheticPatient) => boolean) =>
  firstPatientWith(population, practice, predicate);

/** The planned date a ProcedureRequest carries: its date, or its period's start. */
const plannedOf = (r: fhir.ProcedureRequest) => r.occurrenceDateTime ?? r.occurrencePeriod?.start;

beforeAll(async () => {
  population = createPopulation({ seed: 11, referenceDate: TODAY, practices: 2, patientsPerPractice: 400 });
  ({ emis, tpp } = await startEmisAndTpp(population));
});

afterAll(async () => {
  await emis?.close();
  await tpp?.close();
});

describe("diary entries", () => {
  it("come back as the Diary Entry profile says, listed in the diary list, for both suppliers", async () => {
    for (const target of [emis, tpp]) {
      const patient = patientWith(
        target.practice,
        (p) =>
          p.diaryEntries.length >= 3 &&
          p.diaryEntries.some((d) => d.plannedUntil !== undefined) &&
          p.diaryEntries.some((d) => d.plannedUntil === undefined),
      );
      const bundle = bundleOf(await getRecord(target, patient.nhsNumber, [diaryParameter()]));
      const entries = resourcesIn<fhir.ProcedureRequest>(bundle, "ProcedureRequest");
      expect(entries).toHaveLength(patient.diaryEntries.length);
      const diary = listWithCode(bundle, DIARY_LIST);
      expect(diary?.title).toBe("Patient recall administration");
      expect(refsOf(diary).sort()).toEqual(entries.map((e) => `ProcedureRequest/${e.id}`).sort());
      const practitioners = new Set(resourcesIn<fhir.Practitioner>(bundle, "Practitioner").map((p) => p.id));
      for (const entry of entries) {
        expect(entry.meta?.profile).toEqual([
          "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ProcedureRequest-1",
        ]);
        expect([entry.status, entry.intent]).toEqual(["active", "plan"]);
        expect(entry.identifier?.[0]?.value).toBeTruthy();
        expect(entry.code.coding?.[0]?.system).toBe("http://snomed.info/sct");
        expect(entry.subject.reference).toBe(
          `Patient/${resourcesIn<fhir.Patient>(bundle, "Patient")[0]?.id}`,
        );
        expect(entry.authoredOn! <= TODAY).toBe(true);
        expect(plannedOf(entry)! > entry.authoredOn!).toBe(true);
        expect(entry.occurrenceDateTime === undefined).not.toBe(entry.occurrencePeriod === undefined);
        const agent = entry.requester?.agent.reference ?? "";
        expect(practitioners.has(agent.replace("Practitioner/", ""))).toBe(true);
        for (const element of DIARY_ELEMENTS_NOT_IN_USE) expect(entry).not.toHaveProperty(element);
        expect(entry.requester).not.toHaveProperty("onBehalfOf");
      }
      const domain = new Map(patient.diaryEntries.map((d) => [d.code.code, d]));
      const periods = entries.filter((e) => e.occurrencePeriod !== undefined);
      expect(periods.length).toBeGreaterThan(0);
      for (const e of periods)
        expect(e.occurrencePeriod?.end).toBe(domain.get(e.code.coding?.[0]?.code ?? "")?.plannedUntil);
    }
  });

  it("with diaryEntriesSearchDate, leave out what is planned after it and keep what is overdue", async () => {
    const patient = patientWith(
      emis.practice,
      (p) =>
        p.diaryEntries.some((d) => d.planned < TODAY) &&
        p.diaryEntries.some((d) => d.planned > addDays(TODAY, 1)),
    );
    const searchDate = TODAY;
    const bundle = bundleOf(await getRecord(emis, patient.nhsNumber, [diaryParameter(searchDate)]));
    const planned = resourcesIn<fhir.ProcedureRequest>(bundle, "ProcedureRequest").map(plannedOf).sort();
    const expected = patient.diaryEntries
      .map((d) => d.planned)
      .filter((d) => d <= searchDate)
      .sort();
    expect(planned).toEqual(expected);
    expect(planned.some((d) => d! < TODAY)).toBe(true);
    expect(planned.length).toBeLessThan(patient.diaryEntries.length);
    expect(refsOf(listWithCode(bundle, DIARY_LIST))).toHaveLength(expected.length);

    const all = bundleOf(await getRecord(emis, patient.nhsNumber, [diaryParameter()]));
    expect(resourcesIn(all, "ProcedureRequest")).toHaveLength(patient.diaryEntries.length);
  });

  it("carry a linked problem as its problem header, which references the entry (never the other way)", async () => {
    for (const target of [emis, tpp]) {
      const patient = patientWith(target.practice, (p) =>
        p.diaryEntries.some((d) => d.problem !== undefined),
      );
      const bundle = bundleOf(await getRecord(target, patient.nhsNumber, [diaryParameter()]));
      const linkedEntries = patient.diaryEntries.filter((d) => d.problem !== undefined);
      const headers = resourcesIn<fhir.Condition>(bundle, "Condition");
      expect(headers).toHaveLength(new Set(linkedEntries.map((d) => d.problem)).size);
      const entryRefs = new Set(
        resourcesIn<fhir.ProcedureRequest>(bundle, "ProcedureRequest").map((e) => `ProcedureRequest/${e.id}`),
      );
      for (const header of headers) {
        expect(header.meta?.profile?.[0]).toMatch(/ProblemHeader-Condition-1$/);
        const related = (header.extension ?? [])
          .filter((e) => e.url === RELATED_CLINICAL_CONTENT)
          .map((e) => e.valueReference?.reference ?? "");
        expect(related.length).toBeGreaterThan(0);
        for (const ref of related) expect(entryRefs.has(ref)).toBe(true);
      }
      expect(refsOf(listWithCode(bundle, LINKED_PROBLEMS_LIST)).sort()).toEqual(
        headers.map((h) => `Condition/${h.id}`).sort(),
      );

      // Asked together with the problems, the one header carries both its diary entries and the rest.
      const both = bundleOf(
        await getRecord(target, patient.nhsNumber, [diaryParameter(), { name: "includeProblems" }]),
      );
      const problemId = linkedEntries[0]?.problem;
      const term = patient.problems.find((p) => p.id === problemId)?.code.code;
      const header = resourcesIn<fhir.Condition>(both, "Condition").filter((c) =>
        c.code?.coding?.some((x) => x.code === term),
      );
      expect(header).toHaveLength(1);
      const related = (header[0]?.extension ?? []).filter((e) => e.url === RELATED_CLINICAL_CONTENT);
      expect(related.some((e) => e.valueReference?.reference?.startsWith("ProcedureRequest/"))).toBe(true);
      expect(related.some((e) => e.valueReference?.reference?.startsWith("Encounter/"))).toBe(true);
      expect(
        resourcesIn<fhir.List>(both, "List").filter((l) => l.code?.coding?.[0]?.code === LINKED_PROBLEMS_LIST)
          .length,
      ).toBeLessThanOrEqual(1);
    }
  });
});

describe("immunisations not given", () => {
  it("render as the Immunization profile says, and only when includeNotGiven asks for them", async () => {
    for (const target of [emis, tpp]) {
      const patient = patientWith(target.practice, (p) =>
        p.immunisations.some((i) => i.notGiven !== undefined),
      );
      const notGiven = patient.immunisations.filter((i) => i.notGiven !== undefined);
      const given = patient.immunisations.length - notGiven.length;
      const bundle = bundleOf(
        await getRecord(target, patient.nhsNumber, [
          { name: "includeImmunisations", part: [{ name: "includeNotGiven", valueBoolean: true }] },
        ]),
      );
      const immunisations = resourcesIn<fhir.Immunization>(bundle, "Immunization");
      // The list also holds consent or dissent to immunisation, recorded as Observations.
      expect(refsOf(listWithCode(bundle, IMMUNISATIONS_LIST))).toHaveLength(
        patient.immunisations.length + patient.immunisationStatuses.length,
      );
      const declined = immunisations.filter((i) => i.notGiven);
      expect(declined).toHaveLength(notGiven.length);
      for (const item of declined) {
        expect(item.status).toBe("completed");
        expect(item.vaccineCode.coding?.[0]?.code).toBe("UNK");
        const procedure = item.extension?.find((e) => e.url === VACCINATION_PROCEDURE)?.valueCodeableConcept;
        const situation = procedure?.coding?.find((c) => c.system === "http://snomed.info/sct")?.display;
        expect(situation).toMatch(/declined$/);
        expect(item.explanation?.reasonNotGiven?.[0]?.coding?.[0]?.code).toBe("310376006");
        expect(item.explanation).not.toHaveProperty("reason");
        for (const element of ["vaccinationProtocol", "site", "route", "doseQuantity", "reaction"])
          expect(item).not.toHaveProperty(element);
        expect(notGiven.map((i) => i.date)).toContain(item.date);
        expect(item.practitioner?.[0]?.actor.reference).toMatch(/^Practitioner\//);
      }
      for (const item of immunisations.filter((i) => !i.notGiven))
        expect(item).not.toHaveProperty("explanation");

      for (const parameter of [
        { name: "includeImmunisations" },
        { name: "includeImmunisations", part: [{ name: "includeNotGiven", valueBoolean: false }] },
      ]) {
        const givenOnly = bundleOf(await getRecord(target, patient.nhsNumber, [parameter]));
        const items = resourcesIn<fhir.Immunization>(givenOnly, "Immunization");
        expect(items).toHaveLength(given);
        expect(items.every((i) => i.notGiven === false)).toBe(true);
      }
    }
  });
});

describe("immunisation status (consent and dissent)", () => {
  it("comes as an Observation in the immunisations list unless includeStatus is false", async () => {
    for (const target of [emis, tpp]) {
      const patient = patientWith(target.practice, (p) => p.immunisationStatuses.length > 0);
      const [status] = patient.immunisationStatuses;
      // Dissent from every immunisation is recorded after the last one given.
      for (const given of patient.immunisations.filter((i) => i.notGiven === undefined))
        expect(given.date < status!.date).toBe(true);
      for (const parameter of [
        { name: "includeImmunisations" },
        { name: "includeImmunisations", part: [{ name: "includeStatus", valueBoolean: true }] },
      ]) {
        const bundle = bundleOf(await getRecord(target, patient.nhsNumber, [parameter]));
        const observations = resourcesIn<fhir.Observation>(bundle, "Observation");
        expect(observations).toHaveLength(1);
        const [observation] = observations;
        expect(observation?.code.coding?.find((c) => c.system === "http://snomed.info/sct")).toMatchObject({
          code: "268559007",
          display: "No consent for any immunization",
        });
        expect(observation?.effectiveDateTime).toBe(status?.date);
        expect(observation?.comment).toBe("Patient has expressed dissent for all immunisations.");
        expect(observation?.performer?.[0]?.reference).toMatch(/^Practitioner\//);
        expect(refsOf(listWithCode(bundle, IMMUNISATIONS_LIST))).toContain(`Observation/${observation?.id}`);
      }
      const withoutStatus = bundleOf(
        await getRecord(target, patient.nhsNumber, [
          { name: "includeImmunisations", part: [{ name: "includeStatus", valueBoolean: false }] },
        ]),
      );
      expect(resourcesIn(withoutStatus, "Observation")).toEqual([]);
      expect(refsOf(listWithCode(withoutStatus, IMMUNISATIONS_LIST))).toHaveLength(
        patient.immunisations.filter((i) => i.notGiven === undefined).length,
      );
    }
  });
});

describe("a record in transit (trait record-in-transit)", () => {
  const allAreas = [...EVERY_CLINICAL_AREA];

  it("warns data-in-transit on every list, holds nothing before the move, and the old practice answers not found", async () => {
    const patient = population.addPatient(tpp.practice.ods, ["record-in-transit"]);
    const moved = patient.registeredSince;
    expect(patient.previousPractice?.ods).toBe(emis.practice.ods);
    expect(patient.previousPractice?.until).toBe(moved);

    const bundle = bundleOf(await getRecord(tpp, patient.nhsNumber, allAreas));
    const [year, , day] = moved.split("-");
    const monthName = new Date(`${moved}T00:00:00Z`).toLocaleString("en-GB", {
      month: "short",
      timeZone: "UTC",
    });
    const note = `Patient record transfer from previous GP practice not yet complete; information recorded before ${day}-${monthName}-${year} may be missing.`;
    const lists = resourcesIn<fhir.List>(bundle, "List");
    // A consultation's own structure (its consultation and topic lists) never carries warnings.
    const areaLists = lists.filter((l) => l.encounter === undefined);
    expect(areaLists.length).toBeGreaterThanOrEqual(10);
    expect(areaLists.some((l) => l.entry === undefined)).toBe(true);
    for (const list of areaLists) {
      const warnings = (list.extension ?? []).filter((e) => e.url === LIST_WARNING).map((e) => e.valueCode);
      expect(warnings, list.title).toContain("data-in-transit");
      expect(list.note?.[0]?.text, list.title).toContain(note);
    }
    for (const list of lists.filter((l) => l.encounter !== undefined))
      expect((list.extension ?? []).some((e) => e.url === LIST_WARNING)).toBe(false);

    const dates = [
      ...resourcesIn<fhir.Encounter>(bundle, "Encounter").map((e) => e.period?.start?.slice(0, 10)),
      ...resourcesIn<fhir.Observation>(bundle, "Observation").map((o) => o.effectiveDateTime),
      ...resourcesIn<fhir.Condition>(bundle, "Condition").map((c) => c.onsetDateTime),
      ...resourcesIn<fhir.MedicationStatement>(bundle, "MedicationStatement").map(
        (m) => m.effectivePeriod?.start,
      ),
      ...resourcesIn<fhir.Immunization>(bundle, "Immunization").map((i) => i.date),
      ...resourcesIn<fhir.ProcedureRequest>(bundle, "ProcedureRequest").map((p) => p.authoredOn),
      ...resourcesIn<fhir.AllergyIntolerance>(bundle, "AllergyIntolerance").map((a) => a.assertedDate),
    ];
    expect(resourcesIn(bundle, "Encounter").length).toBeGreaterThan(0);
    for (const date of dates) expect(date! >= moved, `${date} before the move on ${moved}`).toBe(true);
    const registration = resourcesIn<fhir.Patient>(bundle, "Patient")[0]?.extension?.[0]?.extension?.[0];
    expect(registration?.valuePeriod?.start).toBe(moved);

    const atOld = await getRecord(emis, patient.nhsNumber, allAreas);
    expect(atOld.status).toBe(404);
    expect(spineErrorCode(atOld.json)).toBe("PATIENT_NOT_FOUND");
    expect((atOld.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(/moved practice/);
    // The practice left still holds the whole record up to the move, as GP2GP will bring it.
    const held = population.findRecordAt(emis.practice.ods, patient.nhsNumber);
    expect(held?.registration).toBe("inactive");
    expect(held?.consultations.some((c) => c.date < moved)).toBe(true);
  });

  it("leaves a patient whose transfer completed (moved-practice) without the warning", async () => {
    const patient = population.addPatient(tpp.practice.ods, ["moved-practice"]);
    const bundle = bundleOf(await getRecord(tpp, patient.nhsNumber, allAreas));
    for (const list of resourcesIn<fhir.List>(bundle, "List"))
      expect((list.extension ?? []).some((e) => e.valueCode === "data-in-transit")).toBe(false);
  });
});

describe("determinism", () => {
  it("gives the same bytes for the same seed, from two separately built populations and practices", async () => {
    const twin = createPopulation({ seed: 11, referenceDate: TODAY, practices: 2, patientsPerPractice: 400 });
    const twinEmis = await startPractice(twin.practices()[0]!, twin);
    try {
      const patient = patientWith(
        emis.practice,
        (p) => p.diaryEntries.length > 0 && p.immunisations.length > 0,
      );
      const parameters = [
        diaryParameter(addDays(TODAY, 90)),
        { name: "includeImmunisations", part: [{ name: "includeNotGiven", valueBoolean: true }] },
      ];
      const a = await getRecord(emis, patient.nhsNumber, parameters);
      const b = await getRecord(twinEmis, patient.nhsNumber, parameters);
      expect(a.status).toBe(200);
      expect(b.text).toBe(a.text);
    } finally {
      await twinEmis.close();
    }
  });
});
