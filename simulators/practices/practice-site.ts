/**
 * The practice's Organization and its main site (Location), as each supplier writes them: the Organization
 * names its main Location (Extension-CareConnect-GPC-MainLocation-1) and its telephone; EMIS's Location has a
 * type ("Main Surgery"), a ranked telephone and its managing Organization's name, TPP's the ODS site code.
 */
import { ODS_ORGANISATION_SYSTEM, ODS_SITE_SYSTEM } from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, EXTENSIONS, PROFILES } from "../../gpconnect/profiles.js";
import type { Practice } from "../population/types.js";
import { meta, type Render, reference } from "./bundle-render.js";

/**
 * The practice's telephone: in Ofcom's drama range for Leeds (0113 496 0000 to 0999), never a real line.
 * Derived from the practice's place in the region, so it is the same in every record.
 */
export function practiceTelephone(practice: Practice): string {
  return `01134960${String(practice.ordinal % 1000).padStart(3, "0")}`;
}

function address(practice: Practice, emis: boolean): fhir.Address {
  const { line, city, district, postalCode } = practice.address;
  return {
    ...(emis ? { use: "work", type: "physical" } : {}),
    line: [...line],
    city,
    ...(district === undefined ? {} : { district }),
    postalCode,
  } as fhir.Address;
}

export function practiceOrganization(render: Render): fhir.Organization {
  const { practice } = render.input;
  const emis = render.input.flavour.siteStyle === "emis";
  const id = render.ids.organization;
  const telephone = practiceTelephone(practice);
  return {
    resourceType: "Organization",
    id,
    meta: meta(render, PROFILES.organization, id, true),
    extension: [{ url: EXTENSIONS.mainLocation, valueReference: reference("Location", render.ids.location) }],
    identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: practice.ods }],
    ...(emis ? {} : { active: true }),
    type: [
      emis
        ? { coding: [{ system: CODE_SYSTEMS.organisationType, code: "gp-practice" }], text: "GP Practice" }
        : {
            coding: [{ system: CODE_SYSTEMS.organisationType, code: "gp-practice", display: "gp-practice" }],
          },
    ],
    name: practice.name,
    telecom: [
      emis
        ? { system: "phone", value: telephone, use: "work", rank: 1 }
        : { system: "phone", use: "work", value: telephone },
    ],
    address: [address(practice, emis)],
  };
}

export function practiceLocation(render: Render): fhir.Location {
  const { practice } = render.input;
  const emis = render.input.flavour.siteStyle === "emis";
  const id = render.ids.location;
  const telephone = practiceTelephone(practice);
  const managingOrganization = reference("Organization", render.ids.organization);
  if (emis) {
    return {
      resourceType: "Location",
      id,
      meta: meta(render, PROFILES.location, id, true),
      status: "active",
      name: practice.name,
      type: { text: "Main Surgery" },
      telecom: [{ system: "phone", value: telephone, use: "work", rank: 1 }],
      address: address(practice, true),
      managingOrganization: { ...managingOrganization, display: practice.name },
    };
  }
  return {
    resourceType: "Location",
    id,
    meta: meta(render, PROFILES.location, id, true),
    identifier: [{ system: ODS_SITE_SYSTEM, value: practice.ods }],
    name: practice.name,
    address: address(practice, false),
    status: "active",
    telecom: [{ system: "phone", use: "work", value: telephone }],
    managingOrganization,
  };
}
