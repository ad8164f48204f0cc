/** Identifier systems and interaction ids of GP Connect and Spine, named once. */

export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
export const ODS_ORGANISATION_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
export const ODS_SITE_SYSTEM = "https://fhir.nhs.uk/Id/ods-site-code";
export const ASID_SYSTEM = "https://fhir.nhs.uk/Id/nhsSpineASID";
export const PARTY_KEY_SYSTEM = "https://fhir.nhs.uk/Id/nhsMhsPartyKey";
export const INTERACTION_ID_SYSTEM = "https://fhir.nhs.uk/Id/nhsServiceInteractionId";
export const SDS_USER_ID_SYSTEM = "https://fhir.nhs.uk/Id/sds-user-id";
export const SDS_ROLE_PROFILE_SYSTEM = "https://fhir.nhs.uk/Id/sds-role-profile-id";

/** Interaction id of Access Record Structured (the Ssp-InteractionID header and the SDS search). */
export const STRUCTURED_RECORD_INTERACTION =
  "urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1";

/** FHIR media type of GP Connect (STU3). */
export const FHIR_JSON = "application/fhir+json";
