/**
 * What a practice's record holds, area by area, for both suppliers: problems linked to what relates to them and
 * filtered, the most recent consultations, investigation results and immunisations, items withheld as sensitive
 * or awaiting filing, a large record, unusual names; medications (hospital-prescribed, prescription issues,
 * medicationSearchFromDate) and the three kinds of allergy record.
 */
import { describe, expect, it } from "vitest";
import { TRAMADOL_50MG_CAPSULES } from "../simulators/population/clinical-terms.js";
import { allAreas, everything, getRecord, useSeededPractices } from "./support/seeded-practices.js";
import { bundleOf, listCodes, listWithCode, resourcesIn } from "./support/structured-record.js";

const PRESCRIBING_AGENCY =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescribingAgency-1";

const seeded = useSeededPractices();

function prescribingAgencyOf(statement: fhir.MedicationStatement): fhir.CodeableConcept | undefined {
  return statement.extension?.find((e) => e.url === PRESCRIBING_AGENCY)?.valueCodeableConcept;
}

describe("clinical areas and traits", () => {
  const warningsOf = (l: fhir.List | undefined) =>
    (l?.extension ?? []).filter((e) => e.url.endsWith("ListWarningCode-1")).map((e) => e.valueCode);

  it("gives a large record thousands of entries", async () => {
    const patient = seeded.population.addPatient(seeded.emis.practice.ods, ["large-record"]);
    const body = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    expect(body.entry?.length).toBeGreaterThan(2000);
  });

  it("links problem headers to their medications, consultations and results, and filters problems by status and significance", async () => {
    const patient = seeded.patientWith(
      seeded.emis.practice,
      (p) =>
        p.problems.some((x) => x.code.code === "44054006" && x.status === "active") &&
        p.problems.some((x) => x.status === "inactive"),
    );
    const body = bundleOf(
      await getRecord(seeded.emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [{ name: "includeProblems" }],
      }),
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
      await getRecord(seeded.emis, {
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
    const patient = seeded.patientWith(seeded.tpp.practice, (p) => p.consultations.length >= 4);
    const body = bundleOf(
      await getRecord(seeded.tpp, {
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
    const patient = seeded.patientWith(
      seeded.emis.practice,
      (p) => p.investigations.length > 0 && p.immunisations.length > 0,
    );
    const body = bundleOf(
      await getRecord(seeded.emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [{ name: "includeInvestigations" }, { name: "includeImmunisations" }],
      }),
    );
    // A test of several results is a test group whose members are the results; the results carry the values.
    const observations = resourcesIn<fhir.Observation>(body, "Observation");
    const groups = observations.filter((o) => o.related !== undefined);
    const results = observations.filter((o) => o.related === undefined);
    expect(results.length).toBeGreaterThan(0);
    for (const group of groups) {
      for (const member of group.related ?? []) {
        expect(member.type).toBe("has-member");
        expect(results.map((r) => `Observation/${r.id}`)).toContain(member.target.reference);
      }
    }
    for (const result of results) {
      expect(result.valueQuantity?.system).toBe("http://unitsofmeasure.org");
      expect(result.referenceRange?.[0]?.high?.value ?? result.referenceRange?.[0]?.low?.value).toBeDefined();
    }
    expect(resourcesIn(body, "DiagnosticReport").length).toBe(patient.investigations.length);
    expect(resourcesIn(body, "Immunization").length).toBe(patient.immunisations.length);
  });

  it("withholds sensitive items and unfiled data, and says so with confidential-items and data-awaiting-filing", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      const patient = seeded.population.addPatient(target.practice.ods, [
        "sensitive-items",
        "awaiting-filing",
      ]);
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
      const plain = seeded.population.addPatient(target.practice.ods, []);
      const plainBody = bundleOf(await getRecord(target, allAreas(plain)));
      expect(warningsOf(listWithCode(plainBody, "933361000000108"))).toEqual([]);
    }
  });

  it("shows names with apostrophes, hyphens and diacritics exactly", async () => {
    const patient = seeded.population.addPatient(seeded.emis.practice.ods, ["unusual-name"]);
    const body = bundleOf(
      await getRecord(seeded.emis, { nhsNumber: patient.nhsNumber, includeAllergies: true }),
    );
    const name = resourcesIn<fhir.Patient>(body, "Patient")[0]?.name?.[0];
    expect(name?.family).toBe(patient.name.family);
    expect(`${patient.name.given.join(" ")} ${patient.name.family}`).toMatch(/['\-\u00C0-\u017F]/);
  });
});

describe("medications and allergies", () => {
  it("shows outpatient tramadol as prescribed by the hospital clinic, recorded but never issued by the practice", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      const patient = seeded.population.addPatient(target.practice.ods, ["outpatient-medication"]);
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
    const patient = seeded.patientWith(seeded.emis.practice, (p) =>
      p.medications.some((m) => m.issues.length >= 4),
    );
    const issued = patient.medications.flatMap((m) => m.issues);
    const requestsIn = (bundle: fhir.Bundle) =>
      resourcesIn<fhir.MedicationRequest>(bundle, "MedicationRequest");

    const withIssues = bundleOf(
      await getRecord(seeded.emis, { nhsNumber: patient.nhsNumber, includeMedication: true }),
    );
    const orders = requestsIn(withIssues).filter((r) => r.intent === "order");
    expect(orders).toHaveLength(issued.length);
    for (const order of orders) {
      expect(order.basedOn?.[0]?.reference).toMatch(/^MedicationRequest\//);
      expect(order.status).toBe("completed");
    }
    const withoutIssues = bundleOf(
      await getRecord(seeded.emis, {
        nhsNumber: patient.nhsNumber,
        includeMedication: { includePrescriptionIssues: false },
      }),
    );
    expect(requestsIn(withoutIssues).every((r) => r.intent === "plan")).toBe(true);
    expect(requestsIn(withoutIssues)).toHaveLength(patient.medications.length);

    const from = [...issued].sort()[Math.floor(issued.length / 2)] as string;
    const recent = bundleOf(
      await getRecord(seeded.emis, {
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
    const nka = seeded.patientWith(seeded.tpp.practice, (p) => p.allergies.kind === "no-known-allergies");
    const nkaBundle = bundleOf(
      await getRecord(seeded.tpp, { nhsNumber: nka.nhsNumber, includeAllergies: true }),
    );
    const [statement] = resourcesIn<fhir.AllergyIntolerance>(nkaBundle, "AllergyIntolerance");
    expect(statement?.code?.coding?.[0]).toMatchObject({
      system: "http://snomed.info/sct",
      code: "716186003",
    });
    expect(listWithCode(nkaBundle, "886921000000105")?.entry).toHaveLength(1);
    expect(listWithCode(nkaBundle, "1103671000000101")).toBeUndefined();

    const nothing = seeded.patientWith(seeded.tpp.practice, (p) => p.allergies.kind === "nothing-recorded");
    const nothingBundle = bundleOf(
      await getRecord(seeded.tpp, { nhsNumber: nothing.nhsNumber, includeAllergies: true }),
    );
    expect(resourcesIn(nothingBundle, "AllergyIntolerance")).toEqual([]);
    const emptyList = listWithCode(nothingBundle, "886921000000105");
    expect(emptyList).toBeDefined();
    expect(emptyList?.entry).toBeUndefined();
    expect(emptyList?.emptyReason?.coding?.[0]).toMatchObject({ code: "no-content-recorded" });
    expect(emptyList?.note?.[0]?.text).toBe("Information not available");

    const noMeds = seeded.patientWith(seeded.tpp.practice, (p) => p.medications.length === 0);
    const noMedsBundle = bundleOf(
      await getRecord(seeded.tpp, { nhsNumber: noMeds.nhsNumber, includeMedication: true }),
    );
    expect(listWithCode(noMedsBundle, "933361000000108")?.emptyReason?.coding?.[0]?.code).toBe(
      "no-content-recorded",
    );
    expect(listWithCode(noMedsBundle, "886921000000105")).toBeUndefined();
  });
});
