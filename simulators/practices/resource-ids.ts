/**
 * Deterministic resource ids and supplier identifiers: derived from (seed, practice, patient, item), never
 * random, so the same request always gives the same bytes, and shaped as each supplier shapes them.
 */
import { createHash } from "node:crypto";
import type { Practice } from "../population/types.js";
import type { SupplierFlavour } from "./flavours.js";

function digest(...parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("|")).digest("hex");
}

/** A GUID-shaped id (version 4 layout) from a digest, upper-case as EMIS writes them. */
function upperUuid(hex: string): string {
  const h = hex.toUpperCase();
  const variant = "89AB"[Number.parseInt(h.charAt(16), 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function decimal(hex: string, digits: number): string {
  return (BigInt(`0x${hex.slice(0, 15)}`) % 10n ** BigInt(digits)).toString();
}

export interface RecordIds {
  readonly patient: string;
  readonly organization: string;
  readonly bundle: string;
  practitioner(clinicianId: string): string;
  practitionerRole(clinicianId: string): string;
  medication(productCode: string): string;
  medicationStatement(medicationId: string): string;
  medicationPlan(medicationId: string): string;
  medicationOrder(medicationId: string, issueIndex: number): string;
  allergy(allergyId: string): string;
  /** Any other clinical item: `kind` names the resource ("condition", "encounter", "observation", ...). */
  item(kind: string, itemId: string): string;
  /** meta.versionId of a resource, as the supplier reports it. */
  versionId(resourceId: string): string;
  /** The value of the supplier identifier every clinical resource carries. */
  identifierValue(resourceId: string): string;
}

/** EMIS Web: upper-case GUIDs; statements are "{request id}-MS"; identifiers join patient and item GUIDs. */
function emisIds(seed: number, practice: Practice, nhsNumber: string, requestKey: string): RecordIds {
  const practiceId = (key: string) => upperUuid(digest(seed, practice.ods, key));
  const patientId = (key: string) => upperUuid(digest(seed, practice.ods, nhsNumber, key));
  const patient = patientId("patient");
  return {
    patient,
    organization: practiceId("organization"),
    bundle: patientId(`bundle:${requestKey}`).toLowerCase(),
    practitioner: (clinicianId) => practiceId(`practitioner:${clinicianId}`),
    practitionerRole: (clinicianId) =>
      `${practiceId(`practitioner:${clinicianId}`)}${practiceId("organization")}`.replaceAll("-", ""),
    medication: (productCode) => patientId(`medication:${productCode}`),
    medicationStatement: (medicationId) => `${patientId(`plan:${medicationId}`)}-MS`,
    medicationPlan: (medicationId) => patientId(`plan:${medicationId}`),
    medicationOrder: (medicationId, issueIndex) => patientId(`order:${medicationId}:${issueIndex}`),
    allergy: (allergyId) => patientId(`allergy:${allergyId}`),
    // EMIS marks a problem header's id with "-PROB" beside the id of the entry it heads.
    item: (kind, itemId) => `${patientId(`${kind}:${itemId}`)}${kind === "condition" ? "-PROB" : ""}`,
    versionId: (resourceId) => decimal(digest(seed, practice.ods, "version", resourceId), 19),
    identifierValue: (resourceId) => `${patient}${resourceId}`.replaceAll("-", ""),
  };
}

/**
 * SystmOne: record identifiers "{16 hex}_{16 hex}" (ccs-id), numeric patient and staff ids. FHIR ids may not
 * hold "_", so a resource id joins the two halves with "-" and carries "-plan" / "-issueN" suffixes.
 */
function tppIds(seed: number, practice: Practice, nhsNumber: string, requestKey: string): RecordIds {
  const recordId = (...key: string[]) => {
    const h = digest(seed, practice.ods, nhsNumber, ...key);
    return `${h.slice(0, 16)}-${h.slice(16, 32)}`;
  };
  return {
    patient: decimal(digest(seed, practice.ods, nhsNumber, "patient"), 9),
    organization: decimal(digest(seed, practice.ods, "organization"), 9),
    bundle: upperUuid(digest(seed, practice.ods, nhsNumber, `bundle:${requestKey}`)).toLowerCase(),
    practitioner: (clinicianId) => decimal(digest(seed, practice.ods, "practitioner", clinicianId), 9),
    practitionerRole: (clinicianId) =>
      decimal(digest(seed, practice.ods, "practitioner-role", clinicianId), 9),
    medication: (productCode) => `${decimal(digest(seed, "medication", productCode), 7)}-1`,
    medicationStatement: (medicationId) => recordId("medication", medicationId),
    medicationPlan: (medicationId) => `${recordId("medication", medicationId)}-plan`,
    medicationOrder: (medicationId, issueIndex) =>
      `${recordId("medication", medicationId)}-issue${issueIndex + 1}`,
    allergy: (allergyId) => recordId("allergy", allergyId),
    item: (kind, itemId) => recordId(kind, itemId),
    versionId: (resourceId) => decimal(digest(seed, practice.ods, "version", resourceId), 12),
    identifierValue: (resourceId) => resourceId.replace("-", "_"),
  };
}

/**
 * The ids of one patient's record at one practice. `requestKey` names the request (its parameters), so the
 * bundle id differs between different questions about the same patient but not between repeats.
 */
export function recordIds(
  flavour: SupplierFlavour,
  seed: number,
  practice: Practice,
  nhsNumber: string,
  requestKey: string,
): RecordIds {
  return flavour.system === "emis"
    ? emisIds(seed, practice, nhsNumber, requestKey)
    : tppIds(seed, practice, nhsNumber, requestKey);
}
