/**
 * What EMIS Web's records show of how it codes a record, as the simulated EMIS practice serves it (and where
 * SystmOne differs): blood pressure as its template records it, referrals and recalls with the term picked,
 * allergies recorded in a consultation, Egton codes where Read v2 has none, its drug codes, the vaccine's maker
 * and a template's group joined by a QuestionnaireResponse. Every record served is checked against STU3.
 */
import { describe, expect, it } from "vitest";
import type { SyntheticPatient } from "../simulators/population/types.js";
import { allAreas, getRecord, useSeededPractices } from "./support/seeded-practices.js";
import { bundleOf as okBundle, type RecordAnswer, resourcesIn } from "./support/structured-record.js";
import { stu3BundleErrors } from "./support/stu3-schema.js";

const READ_V2 = "http://read.info/readv2";
const CTV3 = "http://read.info/ctv3";
const SNOMED = "http://snomed.info/sct";
const EGTON = "https://fhir.hl7.org.uk/Id/egton-codes";
const EMIS_DRUG = "https://fhir.hl7.org.uk/Id/emis-drug-codes";
const CHOSEN_TERM = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-coding-sctdescid";
const ASSOCIATED_ENCOUNTER = "http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter";
const TOPIC_LIST = "25851000000105";

const seeded = useSeededPractices();

function bundleOf(answer: RecordAnswer): fhir.Bundle {
  const bundle = okBundle(answer);
  expect(stu3BundleErrors(bundle)).toEqual([]);
  return bundle;
}

const emisPatient = (predicate: (p: SyntheticPatient) => boolean) =>
  seeded.patientWith(seeded.emis.practice, predicate);
const tppPatient = (predicate: (p: SyntheticPatient) => boolean) =>
  seeded.patientWith(seeded.tpp.practice, predicate);

/** The words EMIS wrote beside a SNOMED CT coding as the term picked (descriptionDisplay), if any. */
function pickedWords(coding: fhir.Coding | undefined): string | undefined {
  const term = coding?.extension?.find((e) => e.url === CHOSEN_TERM);
  return term?.extension?.find((e) => e.url === "descriptionDisplay")?.valueString;
}

const withCode = <T extends { code?: fhir.CodeableConcept }>(resources: T[], code: string): T[] =>
  resources.filter((r) => r.code?.coding?.some((c) => c.code === code));

const ids = (bundle: fhir.Bundle) => new Set(resourcesIn(bundle).map((r) => `${r.resourceType}/${r.id}`));

describe("EMIS Web's codes, as its records show them", () => {
  it("records a blood pressure as its template does: Read v2 on the reading and its parts, each part labelled", async () => {
    const patient = emisPatient((p) => p.uncategorised.some((u) => u.components !== undefined));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const [reading] = withCode(resourcesIn<fhir.Observation>(bundle, "Observation"), "163020007");
    expect(reading?.code.coding?.[0]).toEqual({
      system: READ_V2,
      code: "246..00",
      display: "O/E - blood pressure reading",
      userSelected: true,
    });
    const parts = reading?.component ?? [];
    expect(parts.map((c) => c.code.coding?.[0]?.code)).toEqual(["2469.00", "246A.00"]);
    expect(parts.map((c) => c.code.text)).toEqual(["Systolic blood pressure", "Diastolic blood pressure"]);
    // The picked Read term differs from SNOMED CT's, yet EMIS names no chosen words on a template's parts.
    expect(parts.map((c) => pickedWords(c.code.coding?.[1]))).toEqual([undefined, undefined]);

    const tpp = tppPatient((p) => p.uncategorised.some((u) => u.components !== undefined));
    const tppBundle = bundleOf(await getRecord(seeded.tpp, allAreas(tpp)));
    const [tppReading] = withCode(resourcesIn<fhir.Observation>(tppBundle, "Observation"), "163020007");
    expect(tppReading?.component?.map((c) => c.code.coding?.map((coding) => coding.system))).toEqual([
      [SNOMED, CTV3],
      [SNOMED, CTV3],
    ]);
  });

  it("codes an orthopaedic referral with Read v2 picked, and the Read term as the chosen words", async () => {
    const patient = emisPatient((p) => p.referrals.some((r) => r.service.code === "183545006"));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const referral = resourcesIn<fhir.ReferralRequest>(bundle, "ReferralRequest").find((r) =>
      r.reasonCode?.[0]?.coding?.some((c) => c.code === "183545006"),
    );
    const [read, snomed] = referral?.reasonCode?.[0]?.coding ?? [];
    expect(read).toEqual({
      system: READ_V2,
      code: "8H54.00",
      display: "Orthopaedic referral",
      userSelected: true,
    });
    expect(snomed?.display).toBe("Referral to orthopaedic service");
    expect(pickedWords(snomed)).toBe("Orthopaedic referral");
  });

  it("codes the influenza recall as the vaccination, picked as Influenza vaccination", async () => {
    const patient = emisPatient((p) => p.diaryEntries.some((d) => d.code.code === "86198006"));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const [recall] = withCode(resourcesIn<fhir.ProcedureRequest>(bundle, "ProcedureRequest"), "86198006");
    expect(recall?.code.coding?.[0]?.userSelected).toBe(true);
    expect(pickedWords(recall?.code.coding?.[0])).toBe("Influenza vaccination");
  });

  it("names the consultation an allergy was recorded in, and the consultation lists the allergy", async () => {
    const patient = emisPatient(
      (p) =>
        p.allergies.kind === "recorded" && p.allergies.allergies.some((a) => a.consultation !== undefined),
    );
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const sent = ids(bundle);
    const allergy = resourcesIn<fhir.AllergyIntolerance>(bundle, "AllergyIntolerance").find((a) =>
      a.extension?.some((e) => e.url === ASSOCIATED_ENCOUNTER),
    );
    const encounter = allergy?.extension?.find((e) => e.url === ASSOCIATED_ENCOUNTER)?.valueReference
      ?.reference;
    expect(sent.has(encounter ?? "")).toBe(true);
    const topic = resourcesIn<fhir.List>(bundle, "List").find(
      (l) => l.code?.coding?.[0]?.code === TOPIC_LIST && l.encounter?.reference === encounter,
    );
    expect(topic?.entry?.map((e) => e.item.reference)).toContain(`AllergyIntolerance/${allergy?.id}`);

    // Asked for the allergies alone, the consultation is not sent, and the allergy does not name it.
    const alone = bundleOf(
      await getRecord(seeded.emis, { nhsNumber: patient.nhsNumber, includeAllergies: true }),
    );
    for (const a of resourcesIn<fhir.AllergyIntolerance>(alone, "AllergyIntolerance"))
      expect(a.extension?.some((e) => e.url === ASSOCIATED_ENCOUNTER) ?? false).toBe(false);
  });

  it("carries its Egton code where Read v2 has none, as the pick, with no chosen words beside SNOMED CT", async () => {
    const patient = emisPatient(
      (p) =>
        p.allergies.kind === "recorded" &&
        p.allergies.allergies.some((a) => a.legacyCode?.code === "ALLERGY18782NEMIS"),
    );
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const [allergy] = withCode(
      resourcesIn<fhir.AllergyIntolerance>(bundle, "AllergyIntolerance"),
      "1016891000006106",
    );
    const [egton, snomed] = allergy?.code?.coding ?? [];
    expect(egton).toEqual({
      system: EGTON,
      code: "ALLERGY18782NEMIS",
      display: "Adverse reaction to Paracetamol And Dihydrocodeine",
      userSelected: true,
    });
    expect(snomed?.system).toBe(SNOMED);

    const suspected = emisPatient((p) => p.uncategorised.some((u) => u.code.code === "1240761000000102"));
    const covid = bundleOf(await getRecord(seeded.emis, allAreas(suspected)));
    const [observation] = withCode(resourcesIn<fhir.Observation>(covid, "Observation"), "1240761000000102");
    expect(observation?.code.coding?.[0]).toMatchObject({ system: EGTON, code: "EMISNQSU106" });
    expect(pickedWords(observation?.code.coding?.[1])).toBeUndefined();

    const tpp = tppPatient((p) => p.uncategorised.some((u) => u.code.code === "1240761000000102"));
    const tppBundle = bundleOf(await getRecord(seeded.tpp, allAreas(tpp)));
    const [tppObservation] = withCode(
      resourcesIn<fhir.Observation>(tppBundle, "Observation"),
      "1240761000000102",
    );
    expect(tppObservation?.code.coding?.map((c) => [c.system, c.code])).toEqual([
      [SNOMED, "1240761000000102"],
      [CTV3, "Y20cf"],
    ]);
  });

  it("carries its drug code beside dm+d, and the name the prescriber saw where dm+d names it otherwise", async () => {
    const patient = emisPatient((p) => p.medications.some((m) => m.productTerm !== undefined));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const [pill] = withCode(resourcesIn<fhir.Medication>(bundle, "Medication"), "326324002");
    expect(pill?.code?.coding?.[0]).toEqual({
      system: EMIS_DRUG,
      code: "ETTA18971NEMIS",
      display: "Ethinylestradiol 30microgram / Levonorgestrel 150microgram tablets",
      userSelected: true,
    });
    expect(pill?.code?.text).toBe("Levonorgestrel 150microgram / Ethinylestradiol 30microgram tablets");

    const tpp = tppPatient((p) => p.medications.some((m) => m.product.code === "326324002"));
    const tppBundle = bundleOf(await getRecord(seeded.tpp, allAreas(tpp)));
    const [tppPill] = withCode(resourcesIn<fhir.Medication>(tppBundle, "Medication"), "326324002");
    expect(tppPill?.code).toEqual({
      coding: [
        {
          system: SNOMED,
          code: "326324002",
          display: "Ethinylestradiol 30microgram / Levonorgestrel 150microgram tablets",
        },
      ],
    });
  });

  it("names the vaccine's maker as an Organization sent with the dose", async () => {
    const patient = emisPatient((p) => p.immunisations.some((i) => i.manufacturer !== undefined));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const organisations = new Map(
      resourcesIn<fhir.Organization>(bundle, "Organization").map((o) => [`Organization/${o.id}`, o]),
    );
    const given = resourcesIn<fhir.Immunization>(bundle, "Immunization").filter((i) => !i.notGiven);
    expect(given.length).toBeGreaterThan(0);
    for (const dose of given) {
      const maker = organisations.get(dose.manufacturer?.reference ?? "");
      expect(maker?.name, dose.manufacturer?.reference).toBeTruthy();
      expect(patient.immunisations.map((i) => i.manufacturer)).toContain(maker?.name);
      expect(maker?.identifier).toBeUndefined();
    }
  });

  it("joins a template's group with a QuestionnaireResponse; SystmOne sends the entries side by side", async () => {
    const patient = emisPatient((p) => p.uncategorised.some((u) => u.templateItems !== undefined));
    const bundle = bundleOf(await getRecord(seeded.emis, allAreas(patient)));
    const sent = ids(bundle);
    const observations = new Map(
      resourcesIn<fhir.Observation>(bundle, "Observation").map((o) => [`Observation/${o.id}`, o]),
    );
    const [response] = resourcesIn<fhir.QuestionnaireResponse>(bundle, "QuestionnaireResponse");
    const responseRef = `QuestionnaireResponse/${response?.id}`;
    const header = observations.get(response?.parent?.[0]?.reference ?? "");
    expect(header?.code.coding?.[0]).toMatchObject({ system: READ_V2, code: "66YJ.00" });
    expect(header?.related).toEqual([{ type: "has-member", target: { reference: responseRef } }]);
    expect(response?.item?.[0]?.linkId).toBe("Asthma annual review");
    const answers = response?.item?.[0]?.answer?.map((a) => a.valueReference?.reference ?? "") ?? [];
    expect(answers.length).toBe(2);
    for (const answer of answers) {
      const item = observations.get(answer);
      expect(item?.related).toEqual([{ type: "derived-from", target: { reference: responseRef } }]);
      expect(item?.code.coding?.[0]?.code).toBe("196411000000103");
      expect(item?.code.text).toBeTruthy();
    }
    expect(sent.has(response?.context?.reference ?? "")).toBe(true);

    const tpp = tppPatient((p) =>
      p.problems.some((pr) => pr.code.code === "195967001" && pr.status === "active"),
    );
    const tppBundle = bundleOf(await getRecord(seeded.tpp, allAreas(tpp)));
    expect(resourcesIn(tppBundle, "QuestionnaireResponse")).toEqual([]);
  });
});
