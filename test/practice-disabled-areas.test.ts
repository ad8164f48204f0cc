/**
 * Clinical areas switched off at a practice at run time, as GP Connect 1.6 "Configuration for supported
 * clinical areas" requires a provider can: the practice answers 200 with the record of the other areas and one
 * OperationOutcome in the Bundle warning "<parameter> has been disabled" for each switched-off area asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { CLINICAL_AREA_PARAMETERS, type ClinicalAreaParameter } from "../gpconnect/parameters.js";
import { ControlClient } from "../simulators/control/client.js";
import { type PracticeInfo, type Region, startRegion } from "../simulators/index.js";
import type { SyntheticPatient } from "../simulators/population/types.js";
import { RegionError } from "../simulators/region/errors.js";
import { gpConnectHeaders } from "./support/gpconnect-request.js";
import {
  bundleOf,
  notImplementedWarning,
  outcomesIn,
  postStructuredRecord,
  type RecordAnswer,
  recordOf,
  resourcesIn,
  unrecognisedWarning,
} from "./support/structured-record.js";
import { stu3BundleErrors } from "./support/stu3-schema.js";

/** SNOMED CT codes of the primary Lists GP Connect names for these areas. */
const ALLERGIES_LIST = "886921000000105";
const MEDICATIONS_LIST = "933361000000108";

let region: Region;
let control: ControlClient;
let practice: PracticeInfo;
let otherPractice: PracticeInfo;
let patient: SyntheticPatient;

beforeAll(async () => {
  region = await startRegion({
    seed: 47,
    practices: 2,
    patientsPerPractice: 300,
    referenceDate: "2025-06-01",
  });
  control = new ControlClient(region.info().control);
  practice = region.info().practices[0]!;
  otherPractice = region.info().practices[1]!;
  // A patient with something in both areas, so "left out" cannot pass by there being nothing to leave.
  const list = Array.from({ length: 300 }, (_, index) => region.population.patient(practice.ods, index));
  const fit = list.find(
    (p) =>
      p.traits.length === 0 &&
      p.registration === "active" &&
      p.deceasedDate === undefined &&
      !p.dissent &&
      !p.restricted &&
      p.medications.length > 0 &&
      p.allergies.kind === "recorded" &&
      p.allergies.allergies.length > 0,
  );
  if (fit === undefined) throw new Error("no patient of the list has both medications and allergies");
  patient = fit;
}, 30_000);

afterAll(async () => {
  await region?.close();
});

/** Each clinical area's parameter with the parts it needs, and no filter (so any two may be combined). */
const AREA_REQUESTS: Record<ClinicalAreaParameter, fhir.ParametersParameter> = {
  includeAllergies: {
    name: "includeAllergies",
    part: [{ name: "includeResolvedAllergies", valueBoolean: true }],
  },
  includeMedication: {
    name: "includeMedication",
    part: [{ name: "includePrescriptionIssues", valueBoolean: true }],
  },
  includeConsultations: { name: "includeConsultations" },
  includeProblems: { name: "includeProblems" },
  includeImmunisations: { name: "includeImmunisations" },
  includeUncategorisedData: { name: "includeUncategorisedData" },
  includeInvestigations: { name: "includeInvestigations" },
  includeReferrals: { name: "includeReferrals" },
  includeDiaryEntries: { name: "includeDiaryEntries" },
};
const allergies = AREA_REQUESTS.includeAllergies;
const medication = AREA_REQUESTS.includeMedication;

async function send(
  parameters: readonly fhir.ParametersParameter[],
  to: PracticeInfo = practice,
  nhsNumber: string = patient.nhsNumber,
): Promise<RecordAnswer> {
  return postStructuredRecord(
    to.endpoint,
    gpConnectHeaders({ fromAsid: region.info().consumer.asid, toAsid: to.asid, audience: to.endpoint }),
    JSON.stringify({
      resourceType: "Parameters",
      parameter: [
        { name: "patientNHSNumber", valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
        ...parameters,
      ],
    }),
  );
}

const issuesIn = (bundle: fhir.Bundle) => outcomesIn(bundle).flatMap((outcome) => outcome.issue);
const typesIn = (bundle: fhir.Bundle) => new Set(resourcesIn(bundle).map((r) => r.resourceType));
const listCodesIn = (bundle: fhir.Bundle) =>
  resourcesIn<fhir.List>(bundle, "List").flatMap(
    (list) => list.code?.coding?.map((coding) => coding.code) ?? [],
  );

/** The warning of GP Connect 1.6 "Configuration for supported clinical areas" for one area switched off. */
const disabledWarning = (area: ClinicalAreaParameter) =>
  notImplementedWarning(`${area} has been disabled`, area);

describe("a clinical area switched off at a practice (GP Connect 1.6 clinical area configuration)", () => {
  it("is left out of the record, with the warning, and is back once switched on again", async () => {
    const before = await send([allergies, medication]);
    const full = bundleOf(before);
    expect(typesIn(full).has("AllergyIntolerance")).toBe(true);
    expect(listCodesIn(full)).toContain(ALLERGIES_LIST);
    expect(issuesIn(full)).toEqual([]);

    expect(await control.setDisabledAreas(practice.ods, ["includeAllergies"])).toEqual(["includeAllergies"]);
    expect(await control.disabledAreas(practice.ods)).toEqual(["includeAllergies"]);

    const answer = bundleOf(await send([allergies, medication]));
    expect(typesIn(answer).has("AllergyIntolerance")).toBe(false);
    expect(listCodesIn(answer)).not.toContain(ALLERGIES_LIST);
    expect(listCodesIn(answer)).toContain(MEDICATIONS_LIST);
    expect(typesIn(answer).has("MedicationStatement")).toBe(true);
    const outcomes = outcomesIn(answer);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.issue).toEqual([disabledWarning("includeAllergies")]);
    expect(outcomes[0]?.meta?.profile).toEqual([
      "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1",
    ]);
    // The record is the one a request that never asked for allergies gets.
    expect(recordOf(answer)).toEqual(bundleOf(await send([medication])));
    expect(stu3BundleErrors(answer)).toEqual([]);

    await control.clearDisabledAreas(practice.ods);
    expect(await control.disabledAreas(practice.ods)).toEqual([]);
    // Not a stale cached answer: byte for byte what it was before.
    expect((await send([allergies, medication])).text).toBe(before.text);
  });

  it("serves each area switched off as if it had not been asked for, whatever links the others bring", async () => {
    const everything = CLINICAL_AREA_PARAMETERS.map((area) => AREA_REQUESTS[area]);
    try {
      for (const area of CLINICAL_AREA_PARAMETERS) {
        region.setDisabledAreas(practice.ods, [area]);
        const answer = bundleOf(await send(everything));
        expect(issuesIn(answer), area).toEqual([disabledWarning(area)]);
        const others = CLINICAL_AREA_PARAMETERS.filter((other) => other !== area);
        region.setDisabledAreas(practice.ods, []);
        const withoutArea = bundleOf(await send(others.map((other) => AREA_REQUESTS[other])));
        expect(recordOf(answer), area).toEqual(withoutArea);
      }
    } finally {
      region.setDisabledAreas(practice.ods, []);
    }
  });

  it("puts unknown parameters and switched-off areas in one OperationOutcome", async () => {
    await control.setDisabledAreas(practice.ods, ["includeMedication", "includeAllergies"]);
    try {
      const answer = bundleOf(
        await send([
          {
            ...allergies,
            part: [...(allergies.part ?? []), { name: "includeFuturePart", valueBoolean: true }],
          },
          medication,
          { name: "includeFutureArea" },
          AREA_REQUESTS.includeImmunisations,
        ]),
      );
      const outcomes = outcomesIn(answer);
      expect(outcomes).toHaveLength(1);
      // The unknown part of a switched-off parameter is not reported: only a supported parameter's are.
      expect(outcomes[0]?.issue).toEqual([
        unrecognisedWarning("includeFutureArea"),
        disabledWarning("includeAllergies"),
        disabledWarning("includeMedication"),
      ]);
      expect(typesIn(answer).has("Immunization")).toBe(
        typesIn(bundleOf(await send([AREA_REQUESTS.includeImmunisations]))).has("Immunization"),
      );
      expect(stu3BundleErrors(answer)).toEqual([]);
    } finally {
      await control.clearDisabledAreas(practice.ods);
    }
  });

  it("answers a request for switched-off areas only with 200, the Patient and the warning, not 422", async () => {
    await control.setDisabledAreas(practice.ods, ["includeAllergies", "includeMedication"]);
    try {
      const answer = bundleOf(await send([allergies, medication]));
      expect(typesIn(answer).has("Patient")).toBe(true);
      expect(listCodesIn(answer)).toEqual([]);
      for (const type of ["AllergyIntolerance", "MedicationStatement", "MedicationRequest", "Medication"]) {
        expect(typesIn(answer).has(type), type).toBe(false);
      }
      expect(issuesIn(answer)).toEqual([
        disabledWarning("includeAllergies"),
        disabledWarning("includeMedication"),
      ]);
      expect(stu3BundleErrors(answer)).toEqual([]);
      // Areas switched off but not asked for are not mentioned.
      expect(issuesIn(bundleOf(await send([AREA_REQUESTS.includeReferrals])))).toEqual([]);
    } finally {
      await control.clearDisabledAreas(practice.ods);
    }
  });

  it("is switched off at the one practice only, and the request is still checked in full", async () => {
    await control.setDisabledAreas(practice.ods, ["includeAllergies"]);
    try {
      const elsewhere = region.population
        .samplePatients()
        .find((p) => p.practiceOds === otherPractice.ods && p.traits.length === 0)!;
      expect(issuesIn(bundleOf(await send([allergies], otherPractice, elsewhere.nhsNumber)))).toEqual([]);
      // A bad value in a switched-off area is still a bad request.
      const bad = await send([
        { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueString: "yes" }] },
        medication,
      ]);
      expect(bad.status, bad.text).toBe(422);
    } finally {
      await control.clearDisabledAreas(practice.ods);
    }
  });

  it("can be switched off at a practice added at run time", async () => {
    const added = await control.addPractice("tpp");
    const addedPatient = await control.addPatient(added.ods, []);
    expect(await control.setDisabledAreas(added.ods, ["includeProblems"])).toEqual(["includeProblems"]);
    const answer = bundleOf(
      await send([AREA_REQUESTS.includeProblems, medication], added, addedPatient.nhsNumber),
    );
    expect(issuesIn(answer)).toEqual([disabledWarning("includeProblems")]);
    expect(stu3BundleErrors(answer)).toEqual([]);
  });
});

describe("the in-process disabled-areas API", () => {
  it("replaces the setting, answers it in the specification's order, and clears with []", () => {
    expect(
      region.setDisabledAreas(practice.ods, ["includeReferrals", "includeAllergies", "includeReferrals"]),
    ).toEqual(["includeAllergies", "includeReferrals"]);
    expect(region.setDisabledAreas(practice.ods, ["includeProblems"])).toEqual(["includeProblems"]);
    expect(region.disabledAreas(practice.ods)).toEqual(["includeProblems"]);
    expect(region.setDisabledAreas(practice.ods, [])).toEqual([]);
    expect(region.disabledAreas(practice.ods)).toEqual([]);
  });

  it("refuses an unknown practice or area with a RegionError naming it", () => {
    region.setDisabledAreas(practice.ods, ["includeReferrals"]);
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error as RegionError;
      }
      throw new Error("expected a RegionError");
    };
    const unknownPractice = thrown(() => region.setDisabledAreas("Z99999", ["includeAllergies"]));
    expect(unknownPractice).toBeInstanceOf(RegionError);
    expect(unknownPractice.code).toBe("UNKNOWN_PRACTICE");
    expect(unknownPractice.message).toContain('"Z99999"');
    expect(thrown(() => region.disabledAreas("Z99999")).code).toBe("UNKNOWN_PRACTICE");

    const unknownArea = thrown(() =>
      region.setDisabledAreas(practice.ods, [
        "includeAllergies",
        "includeDocuments" as ClinicalAreaParameter,
      ]),
    );
    expect(unknownArea.code).toBe("INVALID_REQUEST");
    expect(unknownArea.message).toContain('unknown clinical area "includeDocuments"');
    const notAList = thrown(() =>
      region.setDisabledAreas(practice.ods, "includeAllergies" as unknown as ClinicalAreaParameter[]),
    );
    expect(notAList.code).toBe("INVALID_REQUEST");
    // A refused change changes nothing.
    expect(region.disabledAreas(practice.ods)).toEqual(["includeReferrals"]);
    region.setDisabledAreas(practice.ods, []);
  });
});
