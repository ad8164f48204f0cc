/**
 * Each supplier's flavour of the same GP Connect record, as EMIS Web and SystmOne (TPP) serve it: their
 * identifiers, ids and versions, legacy codes (Read v2, CTV3) beside SNOMED CT, and the order of the Bundle's
 * entries, area by area.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SyntheticPatient } from "../simulators/population/types.js";
import {
  allAreas,
  everything,
  getRecord,
  REFERENCE_DATE,
  useSeededPractices,
} from "./support/seeded-practices.js";
import { bundleOf, listWithCode, referencesIn, resourcesIn } from "./support/structured-record.js";
import { stu3BundleErrors } from "./support/stu3-schema.js";

const READ_V2 = "http://read.info/readv2";
const CTV3 = "http://read.info/ctv3";

const seeded = useSeededPractices();

/** The bundle's entries as "Type" (a List with its code, a MedicationRequest with its intent). */
function typesOf(bundle: fhir.Bundle): string[] {
  return resourcesIn(bundle).map((r) => {
    if (r.resourceType === "List") return `List ${(r as fhir.List).code?.coding?.[0]?.code}`;
    if (r.resourceType === "MedicationRequest")
      return `MedicationRequest ${(r as fhir.MedicationRequest).intent}`;
    return r.resourceType ?? "";
  });
}

describe("EMIS Web", () => {
  /** The record of a patient with allergies and medications. */
  let emisBundle: fhir.Bundle;

  beforeAll(async () => {
    const emisPatient = seeded.patientWith(
      seeded.emis.practice,
      (p) => p.allergies.kind === "recorded" && p.medications.length > 0,
    );
    emisBundle = bundleOf(await getRecord(seeded.emis, everything(emisPatient)));
  });

  it("starts with a List, and identifies records as EMIS Web does: https://EMISWeb/<ODS>, GUID ids", () => {
    expect(emisBundle.entry?.[0]?.resource?.resourceType).toBe("List");
    const emisStatement = resourcesIn<fhir.MedicationStatement>(emisBundle, "MedicationStatement")[0];
    expect(emisStatement?.identifier?.[0]?.system).toBe(`https://EMISWeb/${seeded.emis.practice.ods}`);
    expect(emisStatement?.id).toMatch(/^[0-9A-F-]{36}-MS$/);
  });

  it("codes an allergy in Read v2 as the clinician chose it, SNOMED CT beside it, with no text", () => {
    const emisAllergy = resourcesIn<fhir.AllergyIntolerance>(emisBundle, "AllergyIntolerance")[0];
    expect(emisAllergy?.code?.coding?.[0]).toMatchObject({ system: READ_V2, userSelected: true });
    expect(emisAllergy?.code?.coding?.[1]?.system).toBe("http://snomed.info/sct");
    expect(emisAllergy?.code?.text).toBeUndefined();
  });

  it("sends the Practitioners, then their roles", () => {
    const emisDirectory = typesOf(emisBundle).slice(-2 * resourcesIn(emisBundle, "Practitioner").length);
    expect(new Set(emisDirectory.slice(0, emisDirectory.length / 2))).toEqual(new Set(["Practitioner"]));
  });

  it("sends EMIS diary entries after the referrals, before the practice and its clinicians", async () => {
    const patient = seeded.patientWith(
      seeded.emis.practice,
      (p) => p.diaryEntries.length > 0 && p.referrals.length > 0,
    );
    const bundle = bundleOf(
      await getRecord(seeded.emis, {
        nhsNumber: patient.nhsNumber,
        extraParameters: [{ name: "includeReferrals" }, { name: "includeDiaryEntries" }],
      }),
    );
    const types = typesOf(bundle).filter((t) => !t.startsWith("List") && t !== "Condition");
    const entries = patient.diaryEntries.map(() => "ProcedureRequest");
    expect(types).toEqual([
      "Patient",
      ...patient.referrals.map(() => "ReferralRequest"),
      // The service each referral went to, then each referral's letter, its supporting information.
      ...patient.referrals.map(() => "HealthcareService"),
      ...patient.referrals.map(() => "DocumentReference"),
      ...entries,
      "Organization",
      "Location",
      ...resourcesIn(bundle, "Practitioner").map(() => "Practitioner"),
      ...resourcesIn(bundle, "PractitionerRole").map(() => "PractitionerRole"),
    ]);
    expect(typesOf(bundle)[0]).toMatch(/^List/);
  });
});

describe("SystmOne (TPP)", () => {
  /** A patient with allergies and at least two issued medications, none withheld. */
  let tppPatient: SyntheticPatient;
  let tppBundle: fhir.Bundle;
  let tppAll: fhir.Resource[];

  beforeAll(async () => {
    tppPatient = seeded.patientWith(
      seeded.tpp.practice,
      (p) =>
        p.allergies.kind === "recorded" &&
        p.medications.filter((m) => m.issues.length > 0).length >= 2 &&
        p.medications.every((m) => m.sensitive !== true && m.awaitingFiling !== true),
    );
    tppBundle = bundleOf(await getRecord(seeded.tpp, everything(tppPatient)));
    tppAll = resourcesIn(tppBundle);
  });

  it("sends the Patient, the allergies and their Lists, each medication whole, the practice, each clinician with their role", () => {
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
    expected.push("List 933361000000108", "Organization", "Location");
    for (const _ of resourcesIn(tppBundle, "Practitioner")) expected.push("Practitioner", "PractitionerRole");
    expect(typesOf(tppBundle)).toEqual(expected);
  });

  it("bases each statement on the plan sent after it and each issue on a plan; each role follows its clinician", () => {
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
  });

  it("gives the Patient and clinicians 16-hex-digit ids, records two halves joined by '-' and '_' in the ccs-id", () => {
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
  });

  it("versions only the Patient and the directory: 32 upper-case hex digits and when last changed", () => {
    for (const r of tppAll) {
      if (
        ["Patient", "Organization", "Location", "Practitioner", "PractitionerRole"].includes(
          r.resourceType ?? "",
        )
      ) {
        expect(r.meta?.versionId).toMatch(/^[0-9A-F]{32}$/);
        expect(r.meta?.lastUpdated).toBe(`${REFERENCE_DATE}T00:00:00+00:00`);
      } else {
        expect(r.meta?.versionId).toBeUndefined();
        expect(r.meta?.lastUpdated).toBeUndefined();
      }
    }
  });

  it("makes Practitioners the authors: nothing references a PractitionerRole", () => {
    expect(referencesIn(tppBundle).filter((ref) => ref.startsWith("PractitionerRole/"))).toEqual([]);
    for (const allergy of resourcesIn<fhir.AllergyIntolerance>(tppBundle, "AllergyIntolerance"))
      expect(allergy.recorder?.reference).toMatch(/^Practitioner\/[0-9a-f]{16}$/);
  });

  it("marks no code userSelected", () => {
    expect(tppBundle.entry?.some((e) => JSON.stringify(e).includes("userSelected"))).toBe(false);
  });

  it("codes an allergy in SNOMED CT with CTV3 beside it, the clinician's CTV3 term as its text", async () => {
    const tppAspirinPatient = seeded.patientWith(
      seeded.tpp.practice,
      (p) =>
        p.allergies.kind === "recorded" && p.allergies.allergies.some((a) => a.code.code === "293586001"),
    );
    const tppAllergyBundle = bundleOf(await getRecord(seeded.tpp, everything(tppAspirinPatient)));
    const aspirin = resourcesIn<fhir.AllergyIntolerance>(tppAllergyBundle, "AllergyIntolerance").find(
      (a) => a.code?.coding?.[0]?.code === "293586001",
    );
    // SNOMED CT first, with the chosen description's id alone (TPP's extension URL), CTV3 beside it, neither
    // userSelected; the clinician's CTV3 term as the text.
    expect(aspirin?.code).toEqual({
      coding: [
        {
          extension: [
            {
              url: "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid",
              extension: [{ url: "descriptionId", valueId: expect.stringMatching(/^\d{6,18}$/) }],
            },
          ],
          system: "http://snomed.info/sct",
          code: "293586001",
          display: aspirin?.code?.coding?.[0]?.display,
        },
        { system: CTV3, code: "XaIpk", display: "H/O: aspirin allergy" },
      ],
      text: "H/O: aspirin allergy",
    });
  });

  it("puts each TPP area's Lists after its items, the problem headers after the Problems List, and diary entries in their own place", async () => {
    const patient = seeded.patientWith(
      seeded.tpp.practice,
      (p) =>
        p.diaryEntries.length > 0 &&
        p.problems.length >= 2 &&
        p.investigations.length > 0 &&
        p.consultations.length > 0,
    );
    const bundle = bundleOf(await getRecord(seeded.tpp, allAreas(patient)));
    const all = resourcesIn(bundle);
    const position = new Map(all.map((r, i) => [`${r.resourceType}/${r.id}`, i]));
    expect(all[0]?.resourceType).toBe("Patient");
    // The practice's Organization (a vaccine's maker, also an Organization, goes with its immunisation).
    const directoryStart = all.findIndex(
      (r) => r.resourceType === "Organization" && (r as fhir.Organization).identifier !== undefined,
    );
    expect(new Set(all.slice(directoryStart + 1).map((r) => r.resourceType))).toEqual(
      new Set(["Location", "Practitioner", "PractitionerRole"]),
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
});

describe("legacy codes beside SNOMED CT", () => {
  it("codes investigation results with the supplier's legacy code beside SNOMED CT", async () => {
    for (const [target, legacy] of [
      [seeded.emis, { system: READ_V2, code: "44I5.00", display: "Serum sodium", userSelected: true }],
      [seeded.tpp, { system: CTV3, code: "XE2q0", display: "Serum sodium level" }],
    ] as const) {
      const patient = seeded.patientWith(target.practice, (p) =>
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
      // The chosen description: EMIS names the picked words where they differ from the preferred term.
      const chosen =
        target === seeded.emis
          ? {
              url: "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-coding-sctdescid",
              extension: [
                { url: "descriptionId", valueId: expect.stringMatching(/^\d+$/) },
                { url: "descriptionDisplay", valueString: "Serum sodium" },
              ],
            }
          : {
              url: "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-coding-sctdescid",
              extension: [{ url: "descriptionId", valueId: expect.stringMatching(/^\d+$/) }],
            };
      const snomed = {
        extension: [chosen],
        system: "http://snomed.info/sct",
        code: "1000661000000107",
        display: "Serum sodium level",
      };
      expect(sodium?.code).toEqual(
        target === seeded.emis
          ? { coding: [legacy, snomed] }
          : { coding: [snomed, legacy], text: "Serum sodium level" },
      );
    }
  });
});

describe("a request naming the patient and no clinical area", () => {
  const STRUCTURE = "https://fhir.nhs.uk/STU3/StructureDefinition";

  it("is answered 200 by both suppliers with the Patient, their practice and their usual GP, and no List", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      const patient = seeded.population.patient(target.practice.ods, 2);
      const bundle = bundleOf(await getRecord(target, { nhsNumber: patient.nhsNumber }));
      expect(bundle.meta?.profile).toEqual([`${STRUCTURE}/GPConnect-StructuredRecord-Bundle-1`]);
      expect(typesOf(bundle)).toEqual([
        "Patient",
        "Organization",
        "Location",
        "Practitioner",
        "PractitionerRole",
      ]);
      expect(stu3BundleErrors(bundle)).toEqual([]);

      const [subject] = resourcesIn<fhir.Patient>(bundle, "Patient");
      expect(subject?.meta?.profile).toEqual([`${STRUCTURE}/CareConnect-GPC-Patient-1`]);
      expect(subject?.identifier?.find((i) => i.system === "https://fhir.nhs.uk/Id/nhs-number")?.value).toBe(
        patient.nhsNumber,
      );
      const [practice] = resourcesIn<fhir.Organization>(bundle, "Organization");
      expect(practice?.identifier?.[0]).toEqual({
        system: "https://fhir.nhs.uk/Id/ods-organization-code",
        value: target.practice.ods,
      });
      const [usualGp] = resourcesIn<fhir.Practitioner>(bundle, "Practitioner");
      expect(usualGp?.name?.[0]?.family).toBe(patient.usualGp.family);
      // The Patient's references resolve within the Bundle: its usual GP and its practice.
      expect(subject?.generalPractitioner).toEqual([{ reference: `Practitioner/${usualGp?.id}` }]);
      expect(subject?.managingOrganization).toEqual({ reference: `Organization/${practice?.id}` });
      const [role] = resourcesIn<fhir.PractitionerRole>(bundle, "PractitionerRole");
      expect(role?.practitioner).toEqual({ reference: `Practitioner/${usualGp?.id}` });
    }
  });
});
