/**
 * A small structured record made by hand, as GP Connect 1.6 describes one (the profile, a collection, one
 * Patient, the registered Organization, an allergies List with a warning and an empty medications List), and
 * answers carrying it or an error: the inputs of the expectations' own tests, independent of the simulators.
 */
import { SPINE_ERROR_SYSTEM } from "../../gpconnect/error-codes.js";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, EXTENSIONS, LIST_CODES, PROFILES } from "../../gpconnect/profiles.js";
import type { GatewayAnswer } from "../../harness/north/consumer.js";
import type { WorldPatient } from "../../harness/world.js";

const SNOMED = "http://snomed.info/sct";

export const HAND_MADE_PATIENT: WorldPatient = {
  nhsNumber: "9990000018",
  name: "Siobhán O'Brien-Smythe",
  birthDate: "1961-04-09",
  address: ["14 Quarry Lane", "LS6 2XX"],
  system: "emis",
  traits: [],
  practice: {
    ods: "Y01234",
    name: "Hand Made Surgery",
    system: "emis",
    asid: "918999198993",
    endpoint: "http://127.0.0.1:9/Y01234/STU3/1/gpconnect/structured/fhir",
  },
};

function list(id: string, area: { code: string; display: string }, extra: Partial<fhir.List>): fhir.List {
  return {
    resourceType: "List",
    id,
    meta: { profile: [PROFILES.list] },
    status: "current",
    mode: "snapshot",
    title: area.display,
    code: { coding: [{ system: SNOMED, code: area.code, display: area.display }] },
    subject: { reference: "Patient/p1" },
    ...extra,
  };
}

/** A fresh copy each time: tests break it as they please. */
export function handMadeRecord(): fhir.Bundle {
  const resources: fhir.Resource[] = [
    {
      resourceType: "Patient",
      id: "p1",
      meta: { profile: [PROFILES.patient] },
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: HAND_MADE_PATIENT.nhsNumber }],
      name: [{ use: "official", family: "O'Brien-Smythe", given: ["Siobhán"] }],
      birthDate: "1970-01-02",
      managingOrganization: { reference: "Organization/o1" },
    } as fhir.Patient,
    {
      resourceType: "Organization",
      id: "o1",
      meta: { profile: [PROFILES.organization] },
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: HAND_MADE_PATIENT.practice.ods }],
      name: HAND_MADE_PATIENT.practice.name,
    } as fhir.Organization,
    list("l1", LIST_CODES.allergies, {
      extension: [{ url: EXTENSIONS.listWarningCode, valueCode: "confidential-items" }],
      entry: [{ item: { reference: "AllergyIntolerance/a1" } }],
    }),
    {
      resourceType: "AllergyIntolerance",
      id: "a1",
      meta: { profile: [PROFILES.allergyIntolerance] },
      clinicalStatus: "active",
      verificationStatus: "confirmed",
      code: { text: "Penicillin" },
      patient: { reference: "Patient/p1" },
    } as fhir.AllergyIntolerance,
    list("l2", LIST_CODES.medications, {
      emptyReason: { coding: [{ system: CODE_SYSTEMS.listEmptyReason, code: "no-content-recorded" }] },
    }),
  ];
  return {
    resourceType: "Bundle",
    meta: { profile: [PROFILES.bundle] },
    type: "collection",
    entry: resources.map((resource) => ({ resource })),
  };
}

/** The gateway's answer carrying this body as FHIR JSON. */
export function answerWith(status: number, body: unknown): GatewayAnswer {
  const headers = { "content-type": "application/fhir+json; charset=utf-8" };
  return { status, headers, body, text: JSON.stringify(body), elapsedMs: 12 };
}

/** A GP Connect error answer whose diagnostics say `diagnostics`. */
export function errorAnswer(status: number, code: string, diagnostics: string): GatewayAnswer {
  return answerWith(status, {
    resourceType: "OperationOutcome",
    meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"] },
    issue: [
      {
        severity: "error",
        code: "forbidden",
        details: {
          coding: [
            {
              system: SPINE_ERROR_SYSTEM,
              code,
            },
          ],
        },
        diagnostics,
      },
    ],
  });
}
