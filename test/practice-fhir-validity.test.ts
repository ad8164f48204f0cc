/**
 * What a practice serves is valid FHIR STU3 (checked against the official schema, resource by resource) and
 * shaped as GP Connect Access Record Structured says, for both suppliers and many patients: the collection
 * Bundle with its patient, practice, clinicians and lists, every clinical area's primary List, every reference
 * resolved, the same bytes for the same request; and the CapabilityStatement it publishes.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../gpconnect/identifiers.js";
import type { SyntheticPatient } from "../simulators/population/types.js";
import type { StructuredRecordRequestOptions } from "./support/gpconnect-request.js";
import {
  allAreas,
  everything,
  getRecord,
  REFERENCE_DATE,
  useSeededPractices,
} from "./support/seeded-practices.js";
import { bundleOf, listCodes, listWithCode, referencesIn, resourcesIn } from "./support/structured-record.js";
import { stu3BundleErrors, stu3Errors } from "./support/stu3-schema.js";

const seeded = useSeededPractices();

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
    for (const target of [seeded.emis, seeded.tpp]) {
      const patients = [
        ...Array.from({ length: 25 }, (_, i) => seeded.population.patient(target.practice.ods, i)),
        seeded.population.addPatient(target.practice.ods, ["outpatient-medication"]),
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
    for (const target of [seeded.emis, seeded.tpp]) {
      const patient = seeded.patientWith(
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
      if (target === seeded.emis) {
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

  it("serves every clinical area with its primary list, valid STU3 and every reference resolved, in both flavours", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      const patients = [
        ...Array.from({ length: 12 }, (_, i) => seeded.population.patient(target.practice.ods, 40 + i)),
        seeded.population.addPatient(target.practice.ods, ["large-record"]),
        seeded.population.addPatient(target.practice.ods, [
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

  it("answers the same request with the same bytes", async () => {
    const patient = seeded.population.patient(seeded.emis.practice.ods, 7);
    const first = await getRecord(seeded.emis, everything(patient));
    const second = await getRecord(seeded.emis, everything(patient));
    expect(second.text).toBe(first.text);
  });
});

describe("metadata", () => {
  it("publishes a CapabilityStatement naming the operation", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
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
});
