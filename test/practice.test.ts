import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../gpconnect/identifiers.js";
import { consumerJwt } from "../harness/consumer.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { Journal } from "../simulators/journal/journal.js";
import { TRAMADOL_50MG_CAPSULES } from "../simulators/population/clinical-terms.js";
import { createPopulation } from "../simulators/population/population.js";
import type { Population, Practice, SyntheticPatient } from "../simulators/population/types.js";
import {
  EVERY_CLINICAL_AREA,
  type GpConnectHeaderOptions,
  gpConnectHeaders,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";
import {
  bundleOf,
  patientWith as firstPatientWith,
  listWithCode,
  postStructuredRecord,
  type RecordAnswer,
  type RunningPractice,
  resourcesIn,
  startEmisAndTpp,
  startPractice,
} from "./support/structured-record.js";
import { stu3BundleErrors, stu3Errors } from "./support/stu3-schema.js";

const CONSUMER_ASID = "999000000001";
const REFERENCE_DATE = "2025-06-01";
const READ_V2 = "http://read.info/readv2";
const CTV3 = "http://read.info/ctv3";
const PRESCRIBING_AGENCY =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescribingAgency-1";

let population: Population;
let journal: Journal;
let emis: RunningPractice;
let tpp: RunningPractice;

const start = (practice: Practice): Promise<RunningPractice> => startPractice(practice, population, journal);

function headersFor(
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

function post(target: RunningPractice, body: string, headers: Record<string, string>): Promise<RecordAnswer> {
  return postStructuredRecord(target.endpoint, headers, body);
}

function getRecord(
  target: RunningPractice,
  options: StructuredRecordRequestOptions,
  headerOverrides: Partial<GpConnectHeaderOptions> = {},
): Promise<RecordAnswer> {
  return post(target, JSON.stringify(structuredRecordRequest(options)), headersFor(target, headerOverrides));
}

/** Every clinical area, unfiltered (the extra parameters GP Connect 1.6 allows together). */
const allAreas = (patient: SyntheticPatient): StructuredRecordRequestOptions => ({
  nhsNumber: patient.nhsNumber,
  extraParameters: EVERY_CLINICAL_AREA,
});

/** Areas asked for one at a time, with the parts GP Connect forbids beside consultations or problems. */
const oneAreaAtATime = (patient: SyntheticPatient): StructuredRecordRequestOptions[] =>
  [
    { name: "includeDiaryEntries" },
    {
      name: "includeImmunisations",
      part: [
        { name: "includeNotGiven", valueBoolean: true },
        { name: "includeStatus", valueBoolean: true },
      ],
    },
    { name: "includeReferrals" },
    { name: "includeInvestigations" },
  ].map((parameter) => ({ nhsNumber: patient.nhsNumber, extraParameters: [parameter] }));

const everything = (patient: SyntheticPatient): StructuredRecordRequestOptions => ({
  nhsNumber: patient.nhsNumber,
  includeAllergies: { includeResolvedAllergies: true },
  includeMedication: { includePrescriptionIssues: true },
});

/** The bundle's entries as "Type" (a List with its code, a MedicationRequest with its intent). */
function typesOf(bundle: fhir.Bundle): string[] {
  return resourcesIn(bundle).map((r) => {
    if (r.resourceType === "List") return `List ${(r as fhir.List).code?.coding?.[0]?.code}`;
    if (r.resourceType === "MedicationRequest")
      return `MedicationRequest ${(r as fhir.MedicationRequest).intent}`;
    return r.resourceType ?? "";
  });
}

function prescribingAgencyOf(statement: fhir.MedicationStatement): fhir.CodeableConcept | undefined {
  return statement.extension?.find((e) => e.url === PRESCRIBING_AGENCY)?.valueCodeableConcept;
}

/** Every "Type/id" reference in a resource tree. */
function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) referencesIn(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "reference" && typeof item === "string") found.push(item);
      else referencesIn(item, found);
    }
  }
  return found;
}

const patientWith = (practice: Practice, predicate: (p: SyntheticPatient) => boolean) =>
  firstPatientWith(population, practice, predicate);

beforeAll(async () => {
  population = createPopulation({
    seed: 1,
    referenceDate: REFERENCE_DATE,
    practices: 2,
    patientsPerPractice: 300,
  });
  journal = new Journal();
  ({ emis, tpp } = await startEmisAndTpp(population, journal));
});

afterAll(async () => {
  await emis?.close();
  await tpp?.close();
});

describe("structured record bundles", () => {
  it("are checked by a schema validator that does reject broken resources", () => {
    expect(
      stu3Errors({ resourceType: "MedicationStatement", status: "active", taken: "maybe", subject: {} }),
    ).not.toEqual([]);
    expect(stu3Errors({ resourceType: "Patient", gender: "male", nhsNumber: "9434765919" })).not.toEqual([]);
    expect(stu3Errors({ resourceType: "Patient", gender: "male" })).toEqual([]);
    expect(
      stu3BundleErrors({
        resourceType: "Bundle",
        type: "collection",
        entry: [{ resource: { resourceType: "Nonsense" } }],
      }),
    ).not.toEqual([]);
  });

  it("validate against the FHIR STU3 schema, resource by resource, for both flavours and many patients", async () => {
    for (const target of [emis, tpp]) {
      const patients = [
        ...Array.from({ length: 25 }, (_, i) => population.patient(target.practice.ods, i)),
        population.addPatient(target.practice.ods, ["outpatient-medication"]),
      ];
      for (const patient of patients) {
        for (const options of [
          everything(patient),
          { nhsNumber: patient.nhsNumber, includeMedication: { includePrescriptionIssues: false } },
          { nhsNumber: patient.nhsNumber, includeAllergies: true },
          allAreas(patient),
        ]) {
          expect(stu3BundleErrors(bundleOf(await getRecord(target, options)))).toEqual([]);
        }
      }
    }
  });

  it("is a GP Connect structured-record collection: patient, practice, clinicians, lists, every reference resolved", async () => {
    for (const target of [emis, tpp]) {
      const patient = patientWith(
        target.practice,
        (p) => p.medications.length > 0 && p.allergies.kind === "recorded",
      );
      const answer = await getRecord(target, everything(patient));
      const body = bundleOf(answer);
      expect(answer.contentType).toMatch(/^application\/fhir\+json/);
      expect(body.resourceType).toBe("Bundle");
      expect(body.type).toBe("collection");
      expect(body.meta?.profile).toEqual([
        "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1",
      ]);

      const patients = resourcesIn<fhir.Patient>(body, "Patient");
      expect(patients).toHaveLength(1);
      const patientResource = patients[0]!;
      expect(patientResource.meta?.profile).toEqual([
        "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1",
      ]);
      // EMIS: a version number; TPP: 32 upper-case hex digits with the time of the last change.
      if (target === emis) {
        expect(patientResource.meta?.versionId).toMatch(/^\d+$/);
        expect(patientResource.meta?.lastUpdated).toBeUndefined();
      } else {
        expect(patientResource.meta?.versionId).toMatch(/^[0-9A-F]{32}$/);
        expect(patientResource.meta?.lastUpdated).toBe(`${REFERENCE_DATE}T00:00:00+00:00`);
      }
      const nhsIdentifier = patientResource.identifier?.[0];
      expect(nhsIdentifier).toMatchObject({ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber });
      expect(nhsIdentifier?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe("01");
      expect(patientResource.birthDate).toBe(patient.birthDate);
      expect(patientResource.name?.[0]?.family).toBe(patient.name.family);
      expect(patientResource.extension?.[0]?.extension?.[0]?.valuePeriod?.start).toBe(
        patient.registeredSince,
      );

      const organization = resourcesIn<fhir.Organization>(body, "Organization")[0]!;
      expect(organization.identifier).toEqual([
        { system: ODS_ORGANISATION_SYSTEM, value: target.practice.ods },
      ]);
      expect(patientResource.managingOrganization?.reference).toBe(`Organization/${organization.id}`);
      const gp = resourcesIn<fhir.Practitioner>(body, "Practitioner").find(
        (p) => `Practitioner/${p.id}` === patientResource.generalPractitioner?.[0]?.reference,
      );
      expect(gp?.name?.[0]?.family).toBe(patient.usualGp.family);
      expect(resourcesIn(body, "PractitionerRole").length).toBe(resourcesIn(body, "Practitioner").length);

      const present = new Set(resourcesIn(body).map((r) => `${r.resourceType}/${r.id}`));
      for (const ref of referencesIn(body)) expect(present.has(ref), `${ref} is in the bundle`).toBe(true);
      const ids = resourcesIn(body)
        .filter((r) => r.id !== undefined)
        .map((r) => `${r.resourceType}/${r.id}`);
      expect(new Set(ids).size).toBe(ids.length);

      const medicationsList = listWithCode(body, "933361000000108");
      expect(medicationsList?.title).toBe("Medications and medical devices");
      expect(medicationsList?.entry).toHaveLength(patient.medications.length);
      const allergiesList = listWithCode(body, "886921000000105");
      expect(allergiesList?.entry).toHaveLength(
        patient.allergies.kind === "recorded" ? patient.allergies.allergies.length : 0,
      );
      expect(listWithCode(body, "1103671000000101")?.emptyReason?.coding?.[0]?.code).toBe(
        "no-content-recorded",
      );
    }
  });

  it("carries each supplier's identifiers, legacy codes and ordering", async () => {
    const emisPatient = patientWith(
      emis.practice,
      (p) => p.allergies.kind === "recorded" && p.medications.length > 0,
    );
    const emisBundle = bundleOf(await getRecord(emis, everything(emisPatient)));
    expect(emisBundle.entry?.[0]?.resource?.resourceType).toBe("List");
    const emisStatement = resourcesIn<fhir.MedicationStatement>(emisBundle, "MedicationStatement")[0];
    expect(emisStatement?.identifier?.[0]?.system).toBe(`https://EMISWeb/${emis.practice.ods}`);
    expect(emisStatement?.id).toMatch(/^[0-9A-F-]{36}-MS$/);
    const emisAllergy = resourcesIn<fhir.AllergyIntolerance>(emisBundle, "AllergyIntolerance")[0];
    expect(emisAllergy?.code?.coding?.[0]).toMatchObject({ system: READ_V2, userSelected: true });
    expect(emisAllergy?.code?.coding?.[1]?.system).toBe("http://snomed.info/sct");
    expect(emisAllergy?.code?.text).toBeUndefined();
    // EMIS: the Practitioners, then their roles.
    const emisDirectory = typesOf(emisBundle).slice(-2 * resourcesIn(emisBundle, "Practitioner").length);
    expect(new Set(emisDirectory.slice(0, emisDirectory.length / 2))).toEqual(new Set(["Practitioner"]));

    const tppPatient = patientWith(
      tpp.practice,
      (p) =>
        p.allergies.kind === "recorded" &&
        p.medications.filter((m) => m.issues.length > 0).length >= 2 &&
        p.medications.every((m) => m.sensitive !== true && m.awaitingFiling !== true),
    );
    const tppBundle = bundleOf(await getRecord(tpp, everything(tppPatient)));
    const tppAll = resourcesIn(tppBundle);
    // The Patient; the allergies and their Lists; each medication whole (statement, plan, issues, product
    // at its first use) and the medications List; the practice and each clinician with their role last.
    const expected = ["Patient"];
    if (tppPatient.allergies.kind === "recorded")
      for (const _ of tppPatient.allergies.allergies) expected.push("AllergyIntolerance");
    expected.push("List 886921000000105", "List 1103671000000101");
    const products = new Set<string>();
    for (const m of tppPatient.medications) {
      expected.push(
        "MedicationStatement",
        "MedicationRequest plan",
        ...m.issues.map(() => "MedicationRequest order"),
      );
      if (!products.has(m.product.code)) expected.push("Medication");
      products.add(m.product.code);
    }
    expected.push("List 933361000000108", "Organization");
    for (const _ of resourcesIn(tppBundle, "Practitioner")) expected.push("Practitioner", "PractitionerRole");
    expect(typesOf(tppBundle)).toEqual(expected);
    for (const [i, resource] of tppAll.entries()) {
      if (resource.resourceType === "MedicationStatement") {
        const plan = tppAll[i + 1] as fhir.MedicationRequest;
        expect((resource as fhir.MedicationStatement).basedOn?.[0]?.reference).toBe(
          `MedicationRequest/${plan.id}`,
        );
      }
      if (
        resource.resourceType === "MedicationRequest" &&
        (resource as fhir.MedicationRequest).intent === "order"
      )
        expect((resource as fhir.MedicationRequest).basedOn?.[0]?.reference).toMatch(
          /^MedicationRequest\/.+-plan$/,
        );
      if (resource.resourceType === "PractitionerRole")
        expect((resource as fhir.PractitionerRole).practitioner?.reference).toBe(
          `Practitioner/${tppAll[i - 1]?.id}`,
        );
    }

    // Ids: 16 hex digits for the Patient and the clinicians; record ids two 16-hex halves joined with "-"
    // (real TPP joins them with "_", which STU3 ids may not hold), restored to "_" in the ccs-id value.
    expect(tppAll[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    for (const r of [
      ...resourcesIn(tppBundle, "Practitioner"),
      ...resourcesIn(tppBundle, "PractitionerRole"),
    ])
      expect(r.id).toMatch(/^[0-9a-f]{16}$/);
    expect(resourcesIn(tppBundle, "Organization")[0]?.id).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    const tppStatement = resourcesIn<fhir.MedicationStatement>(tppBundle, "MedicationStatement")[0];
    expect(tppStatement?.id).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(tppStatement?.identifier).toEqual([
      { system: "https://tpp-uk.com/Id/ccs-id", value: tppStatement?.id?.replace("-", "_") },
    ]);
    const tppPlan = resourcesIn<fhir.MedicationRequest>(tppBundle, "MedicationRequest")[0];
    expect(tppPlan?.id).toBe(`${tppStatement?.id}-plan`);
    expect(tppPlan?.identifier?.[0]?.value).toBe(`${tppStatement?.id?.replace("-", "_")}_plan`);
    expect(resourcesIn(tppBundle, "Medication")[0]?.id).toMatch(/^\d{1,7}-0$/);
    // Versions only on the Patient and the directory: 32 upper-case hex digits and when last changed.
    for (const r of tppAll) {
      if (["Patient", "Organization", "Practitioner", "PractitionerRole"].includes(r.resourceType ?? "")) {
        expect(r.meta?.versionId).toMatch(/^[0-9A-F]{32}$/);
        expect(r.meta?.lastUpdated).toBe(`${REFERENCE_DATE}T00:00:00+00:00`);
      } else {
        expect(r.meta?.versionId).toBeUndefined();
        expect(r.meta?.lastUpdated).toBeUndefined();
      }
    }
    // Authors are Practitioners; nothing references a PractitionerRole.
    expect(referencesIn(tppBundle).filter((ref) => ref.startsWith("PractitionerRole/"))).toEqual([]);
    for (const allergy of resourcesIn<fhir.AllergyIntolerance>(tppBundle, "AllergyIntolerance"))
      expect(allergy.recorder?.reference).toMatch(/^Practitioner\/[0-9a-f]{16}$/);
    expect(tppBundle.entry?.some((e) => JSON.stringify(e).includes("userSelected"))).toBe(false);

    const tppAspirinPatient = patientWith(
      tpp.practice,
      (p) =>
        p.allergies.kind === "recorded" && p.allergies.allergies.some((a) => a.code.code === "293586001"),
    );
    const tppAllergyBundle = bundleOf(await getRecord(tpp, everything(tppAspirinPatient)));
    const aspirin = resourcesIn<fhir.AllergyIntolerance>(tppAllergyBundle, "AllergyIntolerance").find(
      (a) => a.code?.coding?.[0]?.code === "293586001",
    );
    // SNOMED CT first, CTV3 beside it, neither userSelected; the clinician's CTV3 term as the text.
    expect(aspirin?.code).toEqual({
      coding: [
        { system: "http://snomed.info/sct", code: "293586001", display: aspirin?.code?.coding?.[0]?.display },
        { system: CTV3, code: "XaIpk", display: "H/O: aspirin allergy" },
      ],
      text: "H/O: aspirin allergy",
    });
  });

  it("puts each TPP area's Lists after its items, the problem headers after the Problems List, and diary entries in their own place", async () => {
    const patient = patientWith(
      tpp.practice,
      (p) =>
        p.diaryEntries.length > 0 &&
        p.problems.length >= 2 &&
        p.investigations.length > 0 &&
        p.consultations.length > 0,
    );
    const bundle = bundleOf(await getRecord(tpp, allAreas(patient)));
    const all = resourcesIn(bundle);
    const position = new Map(all.map((r, i) => [`${r.resourceType}/${r.id}`, i]));
    expect(all[0]?.resourceType).toBe("Patient");
    const directoryStart = all.findIndex((r) => r.resourceType === "Organization");
    expect(new Set(all.slice(directoryStart + 1).map((r) => r.resourceType))).toEqual(
      new Set(["Practitioner", "PractitionerRole"]),
    );
    const lists = all.flatMap((r, i) => (r.resourceType === "List" ? [[r as fhir.List, i] as const] : []));
    let checked = 0;
    for (const [l, at] of lists) {
      const items = (l.entry ?? []).map((e) => e.item.reference ?? "");
      if (items.some((ref) => ref.startsWith("Condition/"))) continue;
      // A consultation's List points at its topic List, sent next to it.
      for (const ref of items.filter((r) => !r.startsWith("List/")))
        expect(position.get(ref), `${ref} before its List`).toBeLessThan(at);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
    // The Problems List, then its problem headers, in its order.
    const problemsAt = all.findIndex((r) => (r as fhir.List).code?.coding?.[0]?.code === "717711000000103");
    const headers = (listWithCode(bundle, "717711000000103")?.entry ?? []).map((e) => e.item.reference);
    expect(headers.length).toBeGreaterThan(0);
    expect(
      all.slice(problemsAt + 1, problemsAt + 1 + headers.length).map((r) => `Condition/${r.id}`),
    ).toEqual(headers);
    // The diary List comes after the problems area and before the directory, after every entry it lists.
    const diaryAt = all.findIndex((r) => (r as fhir.List).code?.coding?.[0]?.code === "714311000000108");
    expect(diaryAt).toBeGreaterThan(problemsAt);
    expect(diaryAt).toBeLessThan(directoryStart);
  });

  it("sends EMIS diary entries after the referrals, before the practice and its clinicians", async () => {
    const patient = patientWith(emis.practice, (p) => p.diaryEntries.length > 0 && p.referrals.length > 0);
    const bundle = bundleOf(
      await getRecord(emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [{ name: "includeReferrals" }, { name: "includeDiaryEntries" }],
      }),
    );
    const types = typesOf(bundle).filter((t) => !t.startsWith("List") && t !== "Condition");
    const entries = patient.diaryEntries.map(() => "ProcedureRequest");
    expect(types).toEqual([
      "Patient",
      ...patient.referrals.map(() => "ReferralRequest"),
      ...entries,
      "Organization",
      ...resourcesIn(bundle, "Practitioner").map(() => "Practitioner"),
      ...resourcesIn(bundle, "PractitionerRole").map(() => "PractitionerRole"),
    ]);
    expect(typesOf(bundle)[0]).toMatch(/^List/);
  });

  it("codes investigation results with the supplier's legacy code beside SNOMED CT", async () => {
    for (const [target, legacy] of [
      [emis, { system: READ_V2, code: "44I5.00", display: "Serum sodium", userSelected: true }],
      [tpp, { system: CTV3, code: "XE2q0", display: "Serum sodium level" }],
    ] as const) {
      const patient = patientWith(target.practice, (p) =>
        p.investigations.some(
          (t) => t.awaitingFiling !== true && t.results.some((r) => r.code.code === "1000661000000107"),
        ),
      );
      const bundle = bundleOf(
        await getRecord(target, {
          nhsNumber: patient.nhsNumber,
          extraParameters: [{ name: "includeInvestigations" }],
        }),
      );
      const sodium = resourcesIn<fhir.Observation>(bundle, "Observation").find((o) =>
        o.code?.coding?.some((c) => c.code === "1000661000000107"),
      );
      const snomed = {
        system: "http://snomed.info/sct",
        code: "1000661000000107",
        display: "Serum sodium level",
      };
      expect(sodium?.code).toEqual(
        target === emis
          ? { coding: [legacy, snomed] }
          : { coding: [snomed, legacy], text: "Serum sodium level" },
      );
    }
  });

  it("shows outpatient tramadol as prescribed by the hospital clinic, recorded but never issued by the practice", async () => {
    for (const target of [emis, tpp]) {
      const patient = population.addPatient(target.practice.ods, ["outpatient-medication"]);
      const tramadol = patient.medications.find(
        (m) => m.product.code === TRAMADOL_50MG_CAPSULES.product.code,
      );
      const clinic =
        tramadol?.prescriber.kind === "hospital-outpatient" ? tramadol.prescriber.organisation : "";
      const body = bundleOf(await getRecord(target, everything(patient)));

      const medication = resourcesIn<fhir.Medication>(body, "Medication").find(
        (m) => m.code?.coding?.[0]?.code === "322623000",
      );
      expect(medication?.code?.coding?.[0]?.display).toBe("Tramadol 50mg capsules");
      const statements = resourcesIn<fhir.MedicationStatement>(body, "MedicationStatement");
      const statement = statements.find(
        (s) => s.medicationReference?.reference === `Medication/${medication?.id}`,
      );
      const agency = statement === undefined ? undefined : prescribingAgencyOf(statement);
      expect(agency?.coding?.[0]).toEqual({
        system: "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-PrescribingAgency-1",
        code: "prescribed-by-another-organisation",
        display: "Prescribed by another organisation",
      });
      expect(agency?.text).toBe(clinic);
      expect(clinic).toMatch(/^Pain Management Clinic, .+ General Hospital$/);
      expect(statement?.dosage?.[0]?.text).toBe("One or two capsules up to four times a day when required");

      const requests = resourcesIn<fhir.MedicationRequest>(body, "MedicationRequest").filter(
        (r) => r.medicationReference?.reference === `Medication/${medication?.id}`,
      );
      expect(requests.map((r) => r.intent)).toEqual(["plan"]);
      expect(statement?.basedOn?.[0]?.reference).toBe(`MedicationRequest/${requests[0]?.id}`);
      // The practice's own repeats are still its own.
      for (const practiceStatement of statements.filter((s) => s !== statement)) {
        expect(prescribingAgencyOf(practiceStatement)?.coding?.[0]?.code).toBe("prescribed-at-gp-practice");
      }
    }
  });

  it("adds one order per issue only when prescription issues are asked for, and honours medicationSearchFromDate", async () => {
    const patient = patientWith(emis.practice, (p) => p.medications.some((m) => m.issues.length >= 4));
    const issued = patient.medications.flatMap((m) => m.issues);
    const requestsIn = (bundle: fhir.Bundle) =>
      resourcesIn<fhir.MedicationRequest>(bundle, "MedicationRequest");

    const withIssues = bundleOf(
      await getRecord(emis, { nhsNumber: patient.nhsNumber, includeMedication: true }),
    );
    const orders = requestsIn(withIssues).filter((r) => r.intent === "order");
    expect(orders).toHaveLength(issued.length);
    for (const order of orders) {
      expect(order.basedOn?.[0]?.reference).toMatch(/^MedicationRequest\//);
      expect(order.status).toBe("completed");
    }
    const withoutIssues = bundleOf(
      await getRecord(emis, {
        nhsNumber: patient.nhsNumber,
        includeMedication: { includePrescriptionIssues: false },
      }),
    );
    expect(requestsIn(withoutIssues).every((r) => r.intent === "plan")).toBe(true);
    expect(requestsIn(withoutIssues)).toHaveLength(patient.medications.length);

    const from = [...issued].sort()[Math.floor(issued.length / 2)] as string;
    const recent = bundleOf(
      await getRecord(emis, {
        nhsNumber: patient.nhsNumber,
        includeMedication: { medicationSearchFromDate: from },
      }),
    );
    const orderDates = requestsIn(recent)
      .filter((r) => r.intent === "order")
      .map((r) => r.authoredOn ?? "");
    expect(orderDates.length).toBe(issued.filter((d) => d >= from).length);
    expect(orderDates.every((d) => d >= from)).toBe(true);
  });

  it("tells apart recorded allergies, 'no known allergies' and nothing recorded", async () => {
    const nka = patientWith(tpp.practice, (p) => p.allergies.kind === "no-known-allergies");
    const nkaBundle = bundleOf(await getRecord(tpp, { nhsNumber: nka.nhsNumber, includeAllergies: true }));
    const [statement] = resourcesIn<fhir.AllergyIntolerance>(nkaBundle, "AllergyIntolerance");
    expect(statement?.code?.coding?.[0]).toMatchObject({
      system: "http://snomed.info/sct",
      code: "716186003",
    });
    expect(listWithCode(nkaBundle, "886921000000105")?.entry).toHaveLength(1);
    expect(listWithCode(nkaBundle, "1103671000000101")).toBeUndefined();

    const nothing = patientWith(tpp.practice, (p) => p.allergies.kind === "nothing-recorded");
    const nothingBundle = bundleOf(
      await getRecord(tpp, { nhsNumber: nothing.nhsNumber, includeAllergies: true }),
    );
    expect(resourcesIn(nothingBundle, "AllergyIntolerance")).toEqual([]);
    const emptyList = listWithCode(nothingBundle, "886921000000105");
    expect(emptyList).toBeDefined();
    expect(emptyList?.entry).toBeUndefined();
    expect(emptyList?.emptyReason?.coding?.[0]).toMatchObject({ code: "no-content-recorded" });
    expect(emptyList?.note?.[0]?.text).toBe("Information not available");

    const noMeds = patientWith(tpp.practice, (p) => p.medications.length === 0);
    const noMedsBundle = bundleOf(
      await getRecord(tpp, { nhsNumber: noMeds.nhsNumber, includeMedication: true }),
    );
    expect(listWithCode(noMedsBundle, "933361000000108")?.emptyReason?.coding?.[0]?.code).toBe(
      "no-content-recorded",
    );
    expect(listWithCode(noMedsBundle, "886921000000105")).toBeUndefined();
  });

  it("answers the same request with the same bytes", async () => {
    const patient = population.patient(emis.practice.ods, 7);
    const first = await getRecord(emis, everything(patient));
    const second = await getRecord(emis, everything(patient));
    expect(second.text).toBe(first.text);
  });
});

describe("request errors", () => {
  const fine = () => population.patient(emis.practice.ods, 1);
  const body = (options: Partial<StructuredRecordRequestOptions> = {}) =>
    JSON.stringify(
      structuredRecordRequest({ nhsNumber: fine().nhsNumber, includeMedication: true, ...options }),
    );

  async function expectError(
    answer: RecordAnswer,
    status: number,
    code: string,
    diagnostics?: RegExp,
  ): Promise<void> {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.contentType).toMatch(/^application\/fhir\+json/);
    expect(spineErrorCode(answer.json)).toBe(code);
    expect(stu3Errors(answer.json)).toEqual([]);
    if (diagnostics !== undefined) {
      expect((answer.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(diagnostics);
    }
  }

  it("rejects content types other than JSON with 415", async () => {
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Content-Type": "text/plain" }),
      415,
      "BAD_REQUEST",
      /Content-Type/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Content-Type": "application/xml" }),
      415,
      "BAD_REQUEST",
    );
    const { "Content-Type": _contentType, ...withoutContentType } = headersFor(emis);
    await expectError(
      await post(emis, body(), withoutContentType),
      415,
      "BAD_REQUEST",
      /missing Content-Type/,
    );
    // Plain JSON is accepted too, as providers do.
    expect(
      (await post(emis, body(), { ...headersFor(emis), "Content-Type": "application/json" })).status,
    ).toBe(200);
  });

  it("rejects bodies that are not JSON, or not a Parameters resource, with 422 INVALID_RESOURCE", async () => {
    await expectError(await post(emis, "{not json", headersFor(emis)), 422, "INVALID_RESOURCE", /not JSON/);
    await expectError(await post(emis, "", headersFor(emis)), 422, "INVALID_RESOURCE");
    await expectError(
      await post(emis, JSON.stringify({ resourceType: "Patient" }), headersFor(emis)),
      422,
      "INVALID_RESOURCE",
    );
    await expectError(await post(emis, "[]", headersFor(emis)), 422, "INVALID_RESOURCE");
  });

  it("rejects a body over the limit with 413", async () => {
    const huge = JSON.stringify({ resourceType: "Parameters", padding: "x".repeat(70_000) });
    await expectError(await post(emis, huge, headersFor(emis)), 413, "BAD_REQUEST", /exceeds/);
  });

  it("checks the Ssp headers: 400 BAD_REQUEST naming the header", async () => {
    const without = (name: string) => {
      const headers = headersFor(emis);
      delete headers[name];
      return headers;
    };
    await expectError(await post(emis, body(), without("Ssp-TraceID")), 400, "BAD_REQUEST", /Ssp-TraceID/);
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Ssp-TraceID": "not-a-uuid" }),
      400,
      "BAD_REQUEST",
      /UUID/,
    );
    await expectError(await post(emis, body(), without("Ssp-From")), 400, "BAD_REQUEST", /Ssp-From/);
    await expectError(await post(emis, body(), without("Ssp-To")), 400, "BAD_REQUEST", /Ssp-To/);
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Ssp-To": tpp.practice.asid }),
      400,
      "BAD_REQUEST",
      /not this provider's ASID/,
    );
    await expectError(
      await post(emis, body(), {
        ...headersFor(emis),
        "Ssp-InteractionID": "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1",
      }),
      400,
      "BAD_REQUEST",
      /Ssp-InteractionID/,
    );
  });

  it("accepts the JWT the harness itself sends a gateway, as a strict gateway would check it", async () => {
    const patient = population.patient(emis.practice.ods, 1);
    const answer = await post(
      emis,
      JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
      {
        ...headersFor(emis),
        Authorization: `Bearer ${consumerJwt(emis.endpoint)}`,
      },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it("checks the JWT: unsigned, decodable, complete, five minutes long, unexpired, for this endpoint", async () => {
    const now = Math.floor(Date.now() / 1000);
    const withToken = (overrides: Partial<GpConnectHeaderOptions>) =>
      post(emis, body(), headersFor(emis, overrides));
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "" }),
      400,
      "BAD_REQUEST",
      /Authorization/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "Bearer not-a-jwt" }),
      400,
      "BAD_REQUEST",
      /three/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "Bearer !!.??." }),
      400,
      "BAD_REQUEST",
      /header/,
    );
    await expectError(
      await withToken({ jwtHeader: { alg: "HS256", typ: "JWT" } }),
      400,
      "BAD_REQUEST",
      /alg/,
    );
    await expectError(
      await withToken({ claims: { requesting_practitioner: undefined } }),
      400,
      "BAD_REQUEST",
      /requesting_practitioner/,
    );
    await expectError(await withToken({ claims: { exp: now + 600 } }), 400, "BAD_REQUEST", /iat \+ 300/);
    await expectError(await withToken({ issuedAt: now - 600 }), 400, "BAD_REQUEST", /expired/);
    await expectError(await withToken({ issuedAt: now + 120 }), 400, "BAD_REQUEST", /future/);
    await expectError(await withToken({ audience: tpp.endpoint }), 400, "BAD_REQUEST", /aud/);
    await expectError(
      await withToken({ claims: { reason_for_request: "secondaryuses" } }),
      400,
      "BAD_REQUEST",
      /reason_for_request/,
    );
    await expectError(
      await withToken({ claims: { requested_scope: "patient/*.write" } }),
      400,
      "BAD_REQUEST",
      /requested_scope/,
    );
    await expectError(await withToken({ claims: { sub: "someone-else" } }), 400, "BAD_REQUEST", /sub/);
  });

  it("answers 404 PATIENT_NOT_FOUND for unknown patients and patients registered elsewhere", async () => {
    await expectError(
      await post(emis, body({ nhsNumber: "9434765919" }), headersFor(emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    const elsewhere = population.patient(tpp.practice.ods, 0);
    await expectError(
      await post(emis, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    expect((await post(tpp, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(tpp))).status).toBe(200);
  });

  it("answers 403 NO_PATIENT_CONSENT for a patient who dissented, in both flavours", async () => {
    for (const target of [emis, tpp]) {
      const dissenting = population.addPatient(target.practice.ods, ["dissent"]);
      await expectError(
        await post(target, body({ nhsNumber: dissenting.nhsNumber }), headersFor(target)),
        403,
        "NO_PATIENT_CONSENT",
      );
    }
  });

  it("accepts the operation name with its $ percent-encoded", async () => {
    const response = await request(`${emis.endpoint}/Patient/%24gpc.getstructuredrecord`, {
      method: "POST",
      headers: headersFor(emis),
      body: body(),
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it("answers unknown operations and paths with an OperationOutcome", async () => {
    const other = await request(`${emis.endpoint}/Patient/$gpc.migratestructuredrecord`, {
      method: "POST",
      headers: headersFor(emis),
      body: body(),
    });
    expect(other.statusCode).toBe(404);
    expect(spineErrorCode(await other.body.json())).toBe("BAD_REQUEST");
    const response = await request(`${emis.endpoint}/Patient/9434765919`);
    const answer = {
      status: response.statusCode,
      contentType: String(response.headers["content-type"]),
      text: "",
      json: await response.body.json(),
    };
    await expectError(answer, 404, "BAD_REQUEST", /No such endpoint/);
  });
});

describe("metadata and journal", () => {
  it("publishes a CapabilityStatement naming the operation", async () => {
    for (const target of [emis, tpp]) {
      const response = await request(`${target.endpoint}/metadata`);
      expect(response.statusCode).toBe(200);
      const statement = (await response.body.json()) as fhir.CapabilityStatement;
      expect(stu3Errors(statement)).toEqual([]);
      expect(statement.resourceType).toBe("CapabilityStatement");
      expect(statement.fhirVersion).toBe("3.0.1");
      expect(statement.rest?.[0]?.operation?.[0]?.name).toBe("gpc.getstructuredrecord");
      expect(statement.software?.name).toBe(target.practice.system === "emis" ? "EMIS Web" : "SystmOne");
    }
  });

  it("journals each request with the practice, the NHS number, the JWT claims and the status", async () => {
    const patient = population.patient(tpp.practice.ods, 4);
    const after = journal.lastSeq;
    await getRecord(tpp, { nhsNumber: patient.nhsNumber, includeAllergies: true });
    await post(tpp, "{broken", headersFor(tpp));
    const entries = journal.list({ after });
    expect(entries).toHaveLength(2);
    const [ok, broken] = entries;
    expect(ok).toMatchObject({
      target: "practice",
      ods: tpp.practice.ods,
      method: "POST",
      nhsNumber: patient.nhsNumber,
      status: 200,
    });
    expect(ok?.path).toBe(new URL(`${tpp.endpoint}/Patient/$gpc.getstructuredrecord`).pathname);
    expect(ok?.headers["ssp-to"]).toBe(tpp.practice.asid);
    expect(ok?.jwtClaims).toMatchObject({
      aud: tpp.endpoint,
      reason_for_request: "directcare",
      requesting_practitioner: { resourceType: "Practitioner", id: "gp-harness-clinician-1" },
      requesting_organization: { identifier: [{ value: "Y99001" }] },
    });
    expect(broken).toMatchObject({ status: 422, ods: tpp.practice.ods });
    expect(broken?.nhsNumber).toBeUndefined();
  });

  it("journals each request's own headers when a consumer repeats the same request", async () => {
    // The patient other tests fetch from this practice: one it serves.
    const patient = population.patient(emis.practice.ods, 1);
    const body = JSON.stringify(
      structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true }),
    );
    const same = headersFor(emis, { traceId: randomUUID() });
    const other = headersFor(emis, { traceId: randomUUID() });
    const after = journal.lastSeq;
    for (const headers of [same, same, other, same, { ...same, "x-extra": "1" }]) {
      expect((await post(emis, body, headers)).status).toBe(200);
    }
    const entries = journal.list({ after });
    expect(entries.map((e) => e.headers["ssp-traceid"])).toEqual([
      same["Ssp-TraceID"],
      same["Ssp-TraceID"],
      other["Ssp-TraceID"],
      same["Ssp-TraceID"],
      same["Ssp-TraceID"],
    ]);
    expect(entries.map((e) => e.headers["x-extra"])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      "1",
    ]);
    expect(entries.every((e) => e.nhsNumber === patient.nhsNumber && e.jwtClaims !== undefined)).toBe(true);
    expect(entries.map((e) => e.parameters)).toEqual(
      entries.map(() => ["patientNHSNumber", "includeAllergies"]),
    );
    // Each entry is the caller's own copy.
    const [first, second] = entries;
    if (first !== undefined) first.headers["ssp-traceid"] = "changed";
    expect(second?.headers["ssp-traceid"]).toBe(same["Ssp-TraceID"]);
    expect(journal.list({ after }).map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
  });
});

describe("clinical areas and traits", () => {
  const listCodes = (bundle: fhir.Bundle) =>
    resourcesIn<fhir.List>(bundle, "List").map((l) => l.code?.coding?.[0]?.code ?? "");
  const warningsOf = (l: fhir.List | undefined) =>
    (l?.extension ?? []).filter((e) => e.url.endsWith("ListWarningCode-1")).map((e) => e.valueCode);

  it("serves every clinical area with its primary list, valid STU3 and every reference resolved, in both flavours", async () => {
    for (const target of [emis, tpp]) {
      const patients = [
        ...Array.from({ length: 12 }, (_, i) => population.patient(target.practice.ods, 40 + i)),
        population.addPatient(target.practice.ods, ["large-record"]),
        population.addPatient(target.practice.ods, [
          "sensitive-items",
          "awaiting-filing",
          "outpatient-medication",
        ]),
      ];
      for (const patient of patients) {
        const body = bundleOf(await getRecord(target, allAreas(patient)));
        expect(stu3BundleErrors(body)).toEqual([]);
        for (const code of [
          "1149501000000101",
          "717711000000103",
          "933361000000108",
          "886921000000105",
          "1102181000000102",
          "826501000000100",
          "887191000000108",
          "792931000000107",
          "714311000000108",
        ]) {
          expect(listCodes(body), `${patient.nhsNumber} list ${code}`).toContain(code);
        }
        const present = new Set(resourcesIn(body).map((r) => `${r.resourceType}/${r.id}`));
        for (const ref of referencesIn(body)) expect(present.has(ref), `${ref} is in the bundle`).toBe(true);
        for (const options of oneAreaAtATime(patient)) {
          const alone = bundleOf(await getRecord(target, options));
          expect(stu3BundleErrors(alone)).toEqual([]);
          const inAlone = new Set(resourcesIn(alone).map((r) => `${r.resourceType}/${r.id}`));
          for (const ref of referencesIn(alone))
            expect(inAlone.has(ref), `${ref} is in the bundle (${options.extraParameters?.[0]?.name})`).toBe(
              true,
            );
        }
        const ids = resourcesIn(body)
          .filter((r) => r.id !== undefined)
          .map((r) => `${r.resourceType}/${r.id}`);
        expect(new Set(ids).size).toBe(ids.length);
        expect(resourcesIn(body, "Encounter")).toHaveLength(
          patient.consultations.filter(
            (c) => c.sensitive !== true && !patient.problems.some((p) => p.id === c.problem && p.sensitive),
          ).length,
        );
      }
    }
  });

  it("gives a large record thousands of entries", async () => {
    const patient = population.addPatient(emis.practice.ods, ["large-record"]);
    const body = bundleOf(await getRecord(emis, allAreas(patient)));
    expect(body.entry?.length).toBeGreaterThan(2000);
  });

  it("links problem headers to their medications, consultations and results, and filters problems by status and significance", async () => {
    const patient = patientWith(
      emis.practice,
      (p) =>
        p.problems.some((x) => x.code.code === "44054006" && x.status === "active") &&
        p.problems.some((x) => x.status === "inactive"),
    );
    const body = bundleOf(
      await getRecord(emis, { nhsNumber: patient.nhsNumber, extraParameters: [{ name: "includeProblems" }] }),
    );
    const headers = resourcesIn<fhir.Condition>(body, "Condition");
    const diabetes = headers.find((c) => c.code?.coding?.some((x) => x.code === "44054006"));
    const related = (diabetes?.extension ?? [])
      .filter((e) => e.url.endsWith("RelatedClinicalContent-1"))
      .map((e) => e.valueReference?.reference ?? "");
    expect(related.some((r) => r.startsWith("MedicationStatement/"))).toBe(true);
    expect(related.some((r) => r.startsWith("Encounter/"))).toBe(true);
    expect(related.some((r) => r.startsWith("DiagnosticReport/"))).toBe(true);
    expect(diabetes?.extension?.find((e) => e.url.endsWith("ProblemSignificance-1"))?.valueCode).toBe(
      "major",
    );
    expect(listCodes(body)).toContain("problems-medications-related-to-problems");
    const metformin = resourcesIn<fhir.Medication>(body, "Medication").find((m) =>
      m.code?.coding?.some((c) => c.code === "325278007"),
    );
    expect(metformin).toBeDefined();

    const activeOnly = bundleOf(
      await getRecord(emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [
          { name: "includeProblems", part: [{ name: "filterStatus", valueCode: "inactive" }] },
        ],
      }),
    );
    const primary = listWithCode(activeOnly, "717711000000103");
    const inList = new Set(primary?.entry?.map((e) => e.item.reference));
    const listed = resourcesIn<fhir.Condition>(activeOnly, "Condition").filter((c) =>
      inList.has(`Condition/${c.id}`),
    );
    expect(listed.length).toBe(
      patient.problems.filter((p) => p.status === "inactive" && !p.sensitive).length,
    );
    expect(listed.every((c) => c.clinicalStatus === "inactive")).toBe(true);
  });

  it("returns the most recent consultations, newest first, each an Encounter with its consultation and topic lists", async () => {
    const patient = patientWith(tpp.practice, (p) => p.consultations.length >= 4);
    const body = bundleOf(
      await getRecord(tpp, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [
          {
            name: "includeConsultations",
            part: [{ name: "includeNumberOfMostRecent", valuePositiveInt: 2 }],
          },
        ],
      }),
    );
    const encounters = resourcesIn<fhir.Encounter>(body, "Encounter");
    expect(encounters).toHaveLength(2);
    const newest = [...patient.consultations]
      .map((c) => c.date)
      .sort()
      .reverse()
      .slice(0, 2);
    expect(
      encounters
        .map((e) => e.period?.start?.slice(0, 10))
        .sort()
        .reverse(),
    ).toEqual(newest);
    for (const encounter of encounters) {
      const own = resourcesIn<fhir.List>(body, "List").filter(
        (l) => l.encounter?.reference === `Encounter/${encounter.id}`,
      );
      expect(own.map((l) => l.code?.coding?.[0]?.code).sort()).toEqual(["25851000000105", "325851000000107"]);
    }
  });

  it("reports investigations with values, units and reference ranges, and immunisations with their procedure", async () => {
    const patient = patientWith(
      emis.practice,
      (p) => p.investigations.length > 0 && p.immunisations.length > 0,
    );
    const body = bundleOf(
      await getRecord(emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [{ name: "includeInvestigations" }, { name: "includeImmunisations" }],
      }),
    );
    const results = resourcesIn<fhir.Observation>(body, "Observation");
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.valueQuantity?.system).toBe("http://unitsofmeasure.org");
      expect(result.referenceRange?.[0]?.high?.value ?? result.referenceRange?.[0]?.low?.value).toBeDefined();
    }
    expect(resourcesIn(body, "DiagnosticReport").length).toBe(patient.investigations.length);
    expect(resourcesIn(body, "Immunization").length).toBe(patient.immunisations.length);
  });

  it("withholds sensitive items and unfiled data, and says so with confidential-items and data-awaiting-filing", async () => {
    for (const target of [emis, tpp]) {
      const patient = population.addPatient(target.practice.ods, ["sensitive-items", "awaiting-filing"]);
      const body = bundleOf(await getRecord(target, allAreas(patient)));
      const text = JSON.stringify(body);
      for (const withheld of ["105629000", "324059006", "52637005", "57797005", "93461009"]) {
        expect(text.includes(`"${withheld}"`), `${withheld} withheld`).toBe(false);
      }
      expect(warningsOf(listWithCode(body, "933361000000108"))).toEqual([
        "confidential-items",
        "data-awaiting-filing",
      ]);
      expect(warningsOf(listWithCode(body, "717711000000103"))).toEqual(["confidential-items"]);
      expect(warningsOf(listWithCode(body, "1149501000000101"))).toEqual(["confidential-items"]);
      expect(warningsOf(listWithCode(body, "887191000000108"))).toEqual(["data-awaiting-filing"]);
      expect(listWithCode(body, "933361000000108")?.note?.[0]?.text).toMatch(/confidentiality/);
      const plain = population.addPatient(target.practice.ods, []);
      const plainBody = bundleOf(await getRecord(target, allAreas(plain)));
      expect(warningsOf(listWithCode(plainBody, "933361000000108"))).toEqual([]);
    }
  });

  it("answers PATIENT_NOT_FOUND for deceased, inactive and PDS-restricted patients, and for a moved patient at the old practice", async () => {
    for (const target of [emis, tpp]) {
      for (const trait of ["deceased", "inactive-registration", "sensitive-patient"] as const) {
        const patient = population.addPatient(target.practice.ods, [trait]);
        const answer = await getRecord(target, { nhsNumber: patient.nhsNumber, includeMedication: true });
        expect(answer.status, `${trait}: ${answer.text}`).toBe(404);
        expect(spineErrorCode(answer.json)).toBe("PATIENT_NOT_FOUND");
      }
    }
    const moved = population.addPatient(tpp.practice.ods, ["moved-practice"]);
    expect(moved.previousPractice?.ods).toBe(emis.practice.ods);
    expect((await getRecord(tpp, { nhsNumber: moved.nhsNumber, includeMedication: true })).status).toBe(200);
    const atOld = await getRecord(emis, { nhsNumber: moved.nhsNumber, includeMedication: true });
    expect(atOld.status).toBe(404);
    expect(spineErrorCode(atOld.json)).toBe("PATIENT_NOT_FOUND");
    expect((atOld.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(/moved practice/);
    const held = population.findRecordAt(emis.practice.ods, moved.nhsNumber);
    expect(held?.registration).toBe("inactive");
    expect(held?.consultations.every((c) => c.date <= (moved.previousPractice?.until ?? ""))).toBe(true);
  });

  it("answers 403 ACCESS DENIED from a practice that has not enabled GP Connect sharing", async () => {
    const closed = await start(population.addPractice("emis", { sharingEnabled: false }));
    try {
      const patient = population.patient(closed.practice.ods, 0);
      const answer = await getRecord(closed, { nhsNumber: patient.nhsNumber, includeMedication: true });
      expect(answer.status).toBe(403);
      expect(spineErrorCode(answer.json)).toBe("ACCESS DENIED");
    } finally {
      await closed.close();
    }
  });

  it("shows names with apostrophes, hyphens and diacritics exactly", async () => {
    const patient = population.addPatient(emis.practice.ods, ["unusual-name"]);
    const body = bundleOf(await getRecord(emis, { nhsNumber: patient.nhsNumber, includeAllergies: true }));
    const name = resourcesIn<fhir.Patient>(body, "Patient")[0]?.name?.[0];
    expect(name?.family).toBe(patient.name.family);
    expect(`${patient.name.given.join(" ")} ${patient.name.family}`).toMatch(/['\-\u00C0-\u017F]/);
  });
});
