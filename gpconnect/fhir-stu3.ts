/// <reference types="fhir" />
/** Names for the FHIR STU3 shapes the simulators and gateway exchange (@types/fhir is STU3). */
export type Bundle = fhir.Bundle;
export type BundleEntry = fhir.BundleEntry;
export type OperationOutcome = fhir.OperationOutcome;
export type Parameters = fhir.Parameters;
export type ParametersParameter = fhir.ParametersParameter;
export type Resource = fhir.Resource;
export type DomainResource = fhir.DomainResource;
