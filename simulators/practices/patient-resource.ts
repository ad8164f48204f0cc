/**
 * The Patient of a structured record: identity, NHS number (verified), registration, contact details, and
 * the usual GP and practice, who are described in the Bundle's directory.
 */
import { NHS_NUMBER_SYSTEM } from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from "../../gpconnect/profiles.js";
import type { SyntheticPatient } from "../population/types.js";
import { author, meta, type Render, reference } from "./bundle-render.js";
import { deepFreeze } from "./deep-freeze.js";

/** Registration type "Regular" (CareConnect-RegistrationType-1), as TPP codes a GMS registration. */
const REGULAR: fhir.CodeableConcept = deepFreeze({
  coding: [
    {
      system: "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationType-1",
      code: "R",
      display: "Regular",
    },
  ],
});

export function patientResource(render: Render): fhir.Patient {
  const { patient } = render.input;
  const id = render.ids.patient;
  const emis = render.input.flavour.patientStyle === "emis";
  author(render, patient.usualGp.id);
  return {
    resourceType: "Patient",
    id,
    meta: meta(render, PROFILES.patient, id, true),
    extension: [
      {
        url: EXTENSIONS.registrationDetails,
        extension: [
          { url: "registrationPeriod", valuePeriod: { start: patient.registeredSince } },
          ...(emis ? [] : [{ url: "registrationType", valueCodeableConcept: REGULAR }]),
          // The site the patient usually attends: the practice's main Location, sent in the directory.
          { url: "preferredBranchSurgery", valueReference: reference("Location", render.ids.location) },
        ],
      },
    ],
    identifier: [
      {
        extension: [
          {
            url: EXTENSIONS.nhsNumberVerificationStatus,
            valueCodeableConcept: {
              coding: [
                {
                  system: CODE_SYSTEMS.nhsNumberVerificationStatus,
                  code: "01",
                  display: "Number present and verified",
                },
              ],
              ...(emis ? { text: "Number present and verified" } : {}),
            },
          },
        ],
        system: NHS_NUMBER_SYSTEM,
        value: patient.nhsNumber,
      },
    ],
    active: true,
    name: [
      {
        use: "official",
        family: patient.name.family,
        given: [...patient.name.given],
        ...(patient.name.prefix === "" ? {} : { prefix: [patient.name.prefix] }),
      },
    ],
    ...telecomOf(patient, emis),
    gender: patient.gender,
    birthDate: patient.birthDate,
    address: [
      {
        use: "home",
        type: "physical",
        line: [...patient.address.line],
        city: patient.address.city,
        ...(patient.address.district === undefined ? {} : { district: patient.address.district }),
        postalCode: patient.address.postalCode,
      },
    ],
    generalPractitioner: [reference("Practitioner", render.ids.practitioner(patient.usualGp.id))],
    managingOrganization: reference("Organization", render.ids.organization),
  };
}

/** The patient's mobile number (as the practice writes it, without spaces) and email address, when held. */
/** The patient's mobile (EMIS ranks it first) and email. */
function telecomOf(patient: SyntheticPatient, emis: boolean): { telecom?: fhir.ContactPoint[] } {
  const telecom: fhir.ContactPoint[] = [];
  if (patient.telecom !== undefined) {
    telecom.push({
      system: "phone",
      value: patient.telecom.replaceAll(" ", ""),
      use: "mobile",
      ...(emis ? { rank: 1 } : {}),
    });
  }
  if (patient.email !== undefined) telecom.push({ system: "email", value: patient.email, use: "home" });
  return telecom.length === 0 ? {} : { telecom };
}
