/**
 * The directory of a structured record: the practice's Organization, its main Location, and the Practitioners (with their
 * PractitionerRoles) the Bundle's entries reference, in the supplier's order.
 */
import { SDS_USER_ID_SYSTEM } from "../../gpconnect/identifiers.js";
import { CODE_SYSTEMS, PROFILES } from "../../gpconnect/profiles.js";
import type { Clinician, Practice } from "../population/types.js";
import { meta, type Render, reference } from "./bundle-render.js";
import { deepFreeze } from "./deep-freeze.js";
import type { SupplierFlavour } from "./flavours.js";
import { practiceLocation, practiceOrganization } from "./practice-site.js";

/**
 * A practice's directory resources as one (seed, supplier flavour, reference date) renders them: the same in
 * every record of the practice, so each is rendered once and shared, frozen.
 */
interface PracticeDirectory {
  readonly organization: fhir.Organization;
  readonly location: fhir.Location;
  readonly practitioners: Map<string, fhir.Practitioner>;
  readonly roles: Map<string, fhir.PractitionerRole>;
}

const directories = new WeakMap<Practice, WeakMap<SupplierFlavour, Map<string, PracticeDirectory>>>();

function practiceDirectory(render: Render): PracticeDirectory {
  const { practice, flavour, seed, asOf } = render.input;
  let byFlavour = directories.get(practice);
  if (byFlavour === undefined) {
    byFlavour = new WeakMap();
    directories.set(practice, byFlavour);
  }
  let byDay = byFlavour.get(flavour);
  if (byDay === undefined) {
    byDay = new Map();
    byFlavour.set(flavour, byDay);
  }
  const key = `${seed}|${asOf}`;
  let directory = byDay.get(key);
  if (directory === undefined) {
    directory = {
      organization: deepFreeze(practiceOrganization(render)),
      location: deepFreeze(practiceLocation(render)),
      practitioners: new Map(),
      roles: new Map(),
    };
    byDay.set(key, directory);
  }
  return directory;
}

function practitioner(render: Render, clinician: Clinician): fhir.Practitioner {
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
}

function practitionerRole(render: Render, clinician: Clinician): fhir.PractitionerRole {
  const id = render.ids.practitionerRole(clinician.id);
  return {
    resourceType: "PractitionerRole",
    id,
    meta: meta(render, PROFILES.practitionerRole, id, true),
    practitioner: reference("Practitioner", render.ids.practitioner(clinician.id)),
    organization: reference("Organization", render.ids.organization),
    code: [{ coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: "R0260", display: clinician.role }] }],
  };
}

/** The resource rendered for `clinician` in `rendered`, rendered (and kept, frozen) when first asked for. */
function kept<T extends object>(rendered: Map<string, T>, clinician: Clinician, render: () => T): T {
  let resource = rendered.get(clinician.id);
  if (resource === undefined) {
    resource = deepFreeze(render());
    rendered.set(clinician.id, resource);
  }
  return resource;
}

/** Rendered after every other section: it describes the clinicians they referenced (`render.authors`). */
export function directoryResources(render: Render): fhir.Resource[] {
  const directory = practiceDirectory(render);
  // Clinicians in the order of the practice's staff list, so the bytes do not depend on rendering order.
  const clinicians = render.input.practice.clinicians.filter((c) => render.authors.has(c.id));
  const practitioners = clinicians.map((c) =>
    kept(directory.practitioners, c, () => practitioner(render, c)),
  );
  const roles = clinicians.map((c) => kept(directory.roles, c, () => practitionerRole(render, c)));
  const resources: fhir.Resource[] = [directory.organization, directory.location];
  if (render.input.flavour.practitionerRolesPaired) {
    for (const [i, person] of practitioners.entries()) resources.push(person, roles[i] as fhir.Resource);
  } else {
    resources.push(...practitioners, ...roles);
  }
  return resources;
}
