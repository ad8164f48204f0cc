/**
 * Narrow FHIR R4 shapes of the Spine APIs (PDS, SDS). @types/fhir describes STU3, which GP Connect uses;
 * the Spine's national APIs speak R4, so the few shapes they answer are typed here as the specs show them.
 */

export interface R4Coding {
  readonly system?: string;
  readonly version?: string;
  readonly code: string;
  readonly display?: string;
}

export interface R4CodeableConcept {
  readonly coding: readonly R4Coding[];
  readonly text?: string;
}

export interface R4Period {
  readonly start?: string;
  readonly end?: string;
}

export interface R4Identifier {
  readonly system: string;
  readonly value: string;
  readonly period?: R4Period;
  readonly extension?: readonly R4Extension[];
}

/** A reference by business identifier, as the Spine APIs give organisations (never by URL). */
export interface R4IdentifierReference {
  readonly type?: string;
  readonly identifier: R4Identifier;
}

export interface R4Extension {
  readonly url: string;
  readonly valueCodeableConcept?: R4CodeableConcept;
  readonly valueReference?: R4IdentifierReference;
  readonly valueString?: string;
  readonly valueInteger?: number;
  readonly valueDateTime?: string;
  readonly extension?: readonly R4Extension[];
}

export interface R4Meta {
  readonly versionId?: string;
  readonly security?: readonly R4Coding[];
}

export interface R4HumanName {
  readonly use: "usual" | "official" | "temp" | "nickname" | "anonymous" | "old" | "maiden";
  readonly given?: readonly string[];
  readonly family: string;
  readonly prefix?: readonly string[];
}

export interface R4Address {
  readonly use: "home" | "work" | "temp" | "old" | "billing";
  readonly line: readonly string[];
  readonly postalCode?: string;
}

export interface R4ContactPoint {
  readonly system: "phone" | "email" | "other";
  readonly value: string;
  readonly use: "home" | "work" | "mobile";
}

export interface R4Patient {
  readonly resourceType: "Patient";
  readonly id: string;
  readonly identifier: readonly R4Identifier[];
  readonly meta: R4Meta;
  readonly name?: readonly R4HumanName[];
  readonly gender?: "male" | "female" | "other" | "unknown";
  readonly birthDate?: string;
  readonly deceasedDateTime?: string;
  readonly extension?: readonly R4Extension[];
  readonly address?: readonly R4Address[];
  readonly telecom?: readonly R4ContactPoint[];
  readonly generalPractitioner?: readonly R4IdentifierReference[];
}

export interface R4Device {
  readonly resourceType: "Device";
  readonly id: string;
  readonly identifier: readonly R4Identifier[];
  readonly extension: readonly R4Extension[];
  readonly owner: R4IdentifierReference;
}

export interface R4Endpoint {
  readonly resourceType: "Endpoint";
  readonly id: string;
  readonly status: "active";
  readonly connectionType: R4Coding;
  readonly payloadType: readonly R4CodeableConcept[];
  readonly address: string;
  readonly managingOrganization: R4IdentifierReference;
  readonly identifier: readonly R4Identifier[];
  readonly extension: readonly R4Extension[];
}

export interface R4BundleEntry<T> {
  readonly fullUrl: string;
  readonly resource: T;
  readonly search: { readonly mode: "match" };
}

export interface R4SearchsetBundle<T> {
  readonly resourceType: "Bundle";
  readonly id: string;
  readonly type: "searchset";
  readonly total: number;
  readonly link: readonly { readonly relation: "self"; readonly url: string }[];
  readonly entry: readonly R4BundleEntry<T>[];
}

export interface R4OperationOutcomeIssue {
  readonly severity: "error" | "warning" | "fatal" | "information";
  readonly code: string;
  readonly details: R4CodeableConcept;
  readonly diagnostics?: string;
}

export interface R4OperationOutcome {
  readonly resourceType: "OperationOutcome";
  readonly id?: string;
  readonly issue: readonly R4OperationOutcomeIssue[];
}
