/**
 * The specification clauses scenarios check, in one place: each a page and section of GP Connect (Access
 * Record Structured 1.6), or of its integration guidance for PDS, SDS and the Spine. A scenario names the ones
 * it checks (`specification: [SPEC.recordErrors, ...]`) and every report links them, so a reviewer can go from a
 * result to the requirement.
 */
import type { SpecificationClause } from "./run-result.js";

const GP_CONNECT = "https://developer.nhs.uk/apis/gpconnect";

function clause(title: string, page: string, section?: string): SpecificationClause {
  return { title, url: `${GP_CONNECT}/${page}${section === undefined ? "" : `#${section}`}` };
}

const RECORD = "accessrecord_structured_development_retrieve_patient_record.html";
const ERRORS = "development_fhir_error_handling_guidance.html";
const AUDIT = "integration_cross_organisation_audit_and_provenance.html";

export const SPEC = {
  recordRequest: clause(
    "Retrieve a patient's structured record: request operation",
    RECORD,
    "request-operation",
  ),
  recordErrors: clause("Retrieve a patient's structured record: error handling", RECORD, "error-handling"),
  recordResponse: clause(
    "Retrieve a patient's structured record: payload response body",
    RECORD,
    "payload-response-body",
  ),
  allergiesInRecord: clause("Retrieve a patient's structured record: allergies", RECORD, "allergies"),
  medicationsInRecord: clause("Retrieve a patient's structured record: medications", RECORD, "medications"),
  securityErrors: clause(
    "FHIR error handling guidance: security validation errors",
    ERRORS,
    "security-validation-errors",
  ),
  identityErrors: clause(
    "FHIR error handling guidance: identity validation errors",
    ERRORS,
    "identity-validation-errors",
  ),
  resourceErrors: clause(
    "FHIR error handling guidance: resource validation errors",
    ERRORS,
    "resource-validation-errors",
  ),
  errorHandling: clause("FHIR error handling guidance", ERRORS),
  malformedRequestErrors: clause(
    "FHIR error handling guidance: malformed request errors (a JWT claim null or invalid is BAD_REQUEST)",
    ERRORS,
    "malformed-request-errors",
  ),
  jwtBearerToken: clause(
    "Cross-organisation audit and provenance: the bearer token (exp, iat, aud of the JWT)",
    AUDIT,
    "bearer-token",
  ),
  auditTrail: clause(
    "Cross-organisation audit and provenance: the audit trail (rejected requests, who, when, no means to alter it)",
    AUDIT,
    "audit-trail",
  ),
  contentTypes: clause(
    "FHIR API guidance: content types (application/fhir+json, UTF-8)",
    "development_fhir_api_guidance.html",
    "content-types",
  ),
  auditAndProvenance: clause("Cross-organisation audit and provenance (the JWT)", AUDIT),
  pds: clause("Integration: Personal Demographics Service", "integration_personal_demographics_service.html"),
  sds: clause("Integration: Spine Directory Service", "integration_spine_directory_service.html"),
  spineSecurityProxy: clause("Integration: Spine Security Proxy", "integration_spine_security_proxy.html"),
  lists: clause(
    "Access Record Structured: List (warnings, empty lists)",
    "accessrecord_structured_development_list.html",
  ),
  confidentialItems: clause(
    "Access Record Structured: confidential items",
    "accessrecord_structured_development_confidentialitems.html",
  ),
  allergiesGuidance: clause(
    "Access Record Structured: allergies guidance",
    "accessrecord_structured_development_allergies_guidance.html",
  ),
  medicationStatement: clause(
    "Access Record Structured: MedicationStatement (prescribing agency)",
    "accessrecord_structured_development_medicationstatement.html",
  ),
  clinicalAreaConfig: clause(
    "Access Record Structured: configuration of clinical areas",
    "accessrecord_structured_development_clinical_area_config.html",
  ),
  fhirApiGuidance: clause(
    "FHIR API guidance (content types, resource paths)",
    "development_fhir_api_guidance.html",
  ),
  securityGuidance: clause("API security guidance", "development_api_security_guidance.html"),
  nonFunctional: clause(
    "API non-functional requirements",
    "development_api_non_functional_requirements.html",
  ),
  bundle: clause(
    "Access Record Structured: the structured record Bundle",
    "accessrecord_structured_development_bundle.html",
  ),
  fhirExtensibility: {
    title:
      "FHIR STU3: extensibility (extensions a system does not know are kept and may be ignored, not refused)",
    url: "https://hl7.org/fhir/STU3/extensibility.html#exchange",
  },
} as const satisfies Record<string, SpecificationClause>;
