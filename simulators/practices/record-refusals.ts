/**
 * Why a practice will not share the record it is asked for: no data-sharing agreement with the organisation
 * asking, or what it knows of the patient (unknown, deceased, inactive, sensitive, dissenting).
 */
import { ODS_ORGANISATION_SYSTEM } from "../../gpconnect/identifiers.js";
import type { Practice, SyntheticPatient } from "../population/types.js";
import type { GpcFailure } from "./failure.js";
import type { SupplierFlavour } from "./flavours.js";
import type { JwtClaims } from "./request-headers.js";

/**
 * Why a practice will not share the record it was asked for, as GP Connect says a provider answers:
 * unknown, deceased, inactive (including a patient who left) or sensitive → PATIENT_NOT_FOUND (so a
 * sensitive patient's existence is not disclosed); dissent → NO_PATIENT_CONSENT.
 */
export function refusalFor(
  practice: Practice,
  patient: SyntheticPatient | undefined,
  nhsNumber: string,
  flavour: SupplierFlavour,
): GpcFailure | undefined {
  const notFound = (why: string): GpcFailure => ({
    code: "PATIENT_NOT_FOUND",
    diagnostics: `No patient with NHS number ${nhsNumber} is registered at ${practice.ods}${why}`,
  });
  if (patient === undefined) return notFound("");
  // The same answer for every reason, as real providers give it; the reason is only in the diagnostics.
  if (patient.deceasedDate !== undefined) return notFound(" (deceased)");
  if (patient.restricted) return notFound("");
  if (patient.registration !== "active") {
    const moved =
      (patient.traits.includes("moved-practice") || patient.traits.includes("record-in-transit")) &&
      !patient.traits.includes("inactive-registration");
    return notFound(moved ? " any more (the patient has moved practice)" : " (registration inactive)");
  }
  if (patient.dissent) {
    return {
      code: "NO_PATIENT_CONSENT",
      diagnostics: `The patient has dissented from sharing their record (${flavour.sharingModel})`,
    };
  }
  return undefined;
}

/** The ODS code of the JWT's requesting_organization (checkRequestHeaders has made sure there is one). */
function requestingOrganisationOds(claims: JwtClaims): string | undefined {
  const organization = claims.requesting_organization as { identifier?: unknown } | undefined;
  const identifiers = Array.isArray(organization?.identifier) ? (organization.identifier as unknown[]) : [];
  for (const identifier of identifiers) {
    const { system, value } = (identifier ?? {}) as { system?: unknown; value?: unknown };
    if (system === ODS_ORGANISATION_SYSTEM && typeof value === "string") return value;
  }
  return undefined;
}

/**
 * NO_ORGANISATION_CONSENT when the practice has no data-sharing agreement with the organisation the JWT
 * says is asking. That is the end consumer even behind a gateway, which passes its consumer's
 * requesting_organization on. ODS codes are compared in upper case, as ODS treats them.
 */
export function organisationRefusal(
  practice: Practice,
  claims: JwtClaims,
  withoutAgreement: ReadonlySet<string>,
): GpcFailure | undefined {
  if (withoutAgreement.size === 0) return undefined;
  const consumerOds = requestingOrganisationOds(claims);
  if (consumerOds === undefined || !withoutAgreement.has(consumerOds.toUpperCase())) return undefined;
  return {
    code: "NO_ORGANISATION_CONSENT",
    diagnostics: `There is no data-sharing agreement between the requesting organisation ${consumerOds} and the practice ${practice.ods}`,
  };
}
