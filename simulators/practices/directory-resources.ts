/**
 * The directory of a structured record: the practice's Organization, its main Location, and the Practitioners (with their
 * PractitionerRoles) the Bundle's entries reference, in the supplier's order.
 */
import { SDS_USER_ID_SYSTEM } from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, PROFILES } from "../../gpconnect/profiles.js";
import { meta, type Render, reference } from "./bundle-render.js";
import { practiceLocation, practiceOrganization } from "./practice-site.js";

/** Rendered after every other section: it describes the clinicians they referenced (`render.authors`). */
export function directoryResources(render: Render): fhir.Resource[] {
  const { practice } = render.input;
  const organizationId = render.ids.organization;
  const organization = practiceOrganization(render);
  const location = practiceLocation(render);
  // Clinicians in the order of the practice's staff list, so the bytes do not depend on rendering order.
  const clinicians = practice.clinicians.filter((c) => render.authors.has(c.id));
  const practitioners = clinicians.map((clinician): fhir.Practitioner => {
    const id = render.ids.practitioner(clinician.id);
    return {
      resourceType: "Practitioner",
      id,
      meta: meta(render, PROFILES.practitioner, id, true),
      identifier: [{ system: SDS_USER_ID_SYSTEM, value: clinician.sdsUserId }],
      name: [
        { use: "official", family: clinician.family, given: [clinician.given], prefix: [clinician.prefix] },
      ],
      // The simulated clinicians' sex is not modelled; TPP's capture says "unknown" of its own.
      gender: "unknown",
    };
  });
  const roles = clinicians.map((clinician): fhir.PractitionerRole => {
    const id = render.ids.practitionerRole(clinician.id);
    return {
      resourceType: "PractitionerRole",
      id,
      meta: meta(render, PROFILES.practitionerRole, id, true),
      practitioner: reference("Practitioner", render.ids.practitioner(clinician.id)),
      organization: reference("Organization", organizationId),
      code: [{ coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: "R0260", display: clinician.role }] }],
    };
  });
  return render.input.flavour.practitionerRolesPaired
    ? [
        organization,
        location,
        ...practitioners.flatMap((practitioner, i) => [practitioner, roles[i] as fhir.Resource]),
      ]
    : [organization, location, ...practitioners, ...roles];
}
