/**
 * What a structured record says about the patient's allergies, read with the harness's own code from GP Connect
 * 1.6 ("Allergies and adverse reactions", "List"): three different statements a clinician must never confuse —
 * allergies recorded; "no known allergies" asserted (the SNOMED CT concept 716186003 recorded as an
 * AllergyIntolerance in the active allergies List, or, as earlier guidance allowed, an empty List whose
 * emptyReason is `nilknown`); and nothing recorded (an empty List whose emptyReason is `no-content-recorded`,
 * which "SHALL be used if a query returns no results"). An emptyReason counts only under GP Connect's
 * CareConnect-ListEmptyReasonCode-1 or FHIR's list-empty-reason system.
 */
import { CODE_SYSTEMS, LIST_CODES } from "../../gpconnect/profiles.js";
import { resourcesOfType } from "./bundle.js";
import { listsCoded, SNOMED_SYSTEM } from "./structured-record-rules.js";

/** "No known allergy (situation)": asserting it is a positive statement, unlike an empty list. */
export const NO_KNOWN_ALLERGY_CODE = "716186003";

/** The emptyReason of a List that is empty because nothing was recorded (CareConnect-ListEmptyReasonCode-1). */
export const NOTHING_RECORDED_REASON = "no-content-recorded";

/** The emptyReason codes that assert "nil known" (FHIR's list-empty-reason, as GP Connect's guidance spells it). */
const NIL_KNOWN_REASONS = new Set(["nilknown", "nil-known"]);

export type AllergyStatement =
  | { readonly kind: "no-list" }
  | { readonly kind: "several-lists"; readonly count: number }
  | { readonly kind: "allergies"; readonly names: readonly string[] }
  | { readonly kind: "no-known-allergies"; readonly how: "entry" | "empty-reason" }
  | { readonly kind: "empty"; readonly emptyReason: string | undefined };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function codings(concept: unknown): Array<Record<string, unknown>> {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter(isObject);
}

/** Whether an AllergyIntolerance records "no known allergy" (716186003 under SNOMED CT). */
function assertsNoKnownAllergy(allergy: fhir.AllergyIntolerance): boolean {
  return codings(allergy.code).some((c) => c.system === SNOMED_SYSTEM && c.code === NO_KNOWN_ALLERGY_CODE);
}

function nameOf(allergy: fhir.AllergyIntolerance): string {
  const concept = allergy.code;
  return concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? "an uncoded allergy";
}

/** The List's items resolved to the AllergyIntolerances of the Bundle (or contained in the List). */
function listedAllergies(bundle: fhir.Bundle, list: fhir.List): (fhir.AllergyIntolerance | undefined)[] {
  const byReference = new Map<string, fhir.AllergyIntolerance>();
  for (const allergy of resourcesOfType<fhir.AllergyIntolerance>(bundle, "AllergyIntolerance")) {
    if (typeof allergy.id === "string") byReference.set(`AllergyIntolerance/${allergy.id}`, allergy);
  }
  for (const contained of Array.isArray(list.contained) ? list.contained : []) {
    if (
      isObject(contained) &&
      contained.resourceType === "AllergyIntolerance" &&
      typeof contained.id === "string"
    )
      byReference.set(`#${contained.id}`, contained as unknown as fhir.AllergyIntolerance);
  }
  const entries = Array.isArray(list.entry) ? list.entry : [];
  return entries.map((entry) => byReference.get(String(entry?.item?.reference ?? "")));
}

/** The code systems an emptyReason is read under: GP Connect's, and FHIR's own list-empty-reason. */
const EMPTY_REASON_SYSTEMS = new Set([CODE_SYSTEMS.listEmptyReason, "http://hl7.org/fhir/list-empty-reason"]);

/** The List's emptyReason code; a code under another system is named with it, so it matches nothing. */
function emptyReasonOf(list: fhir.List): string | undefined {
  const [coding] = codings(list.emptyReason);
  if (coding === undefined || typeof coding.code !== "string") return undefined;
  if (EMPTY_REASON_SYSTEMS.has(String(coding.system))) return coding.code;
  return `${coding.code} under ${typeof coding.system === "string" ? coding.system : "no system"}`;
}

/** What the record's active allergies List states. */
export function allergyStatement(bundle: fhir.Bundle): AllergyStatement {
  const lists = listsCoded(bundle, LIST_CODES.allergies.code);
  if (lists.length === 0) return { kind: "no-list" };
  if (lists.length > 1) return { kind: "several-lists", count: lists.length };
  const list = lists[0] as fhir.List;
  const items = listedAllergies(bundle, list);
  if (items.length === 0) {
    const emptyReason = emptyReasonOf(list);
    if (emptyReason !== undefined && NIL_KNOWN_REASONS.has(emptyReason.toLowerCase()))
      return { kind: "no-known-allergies", how: "empty-reason" };
    return { kind: "empty", emptyReason };
  }
  if (items.every((item) => item !== undefined && assertsNoKnownAllergy(item)))
    return { kind: "no-known-allergies", how: "entry" };
  return {
    kind: "allergies",
    names: items.map((item) =>
      item === undefined ? "an entry that names no AllergyIntolerance of the record" : nameOf(item),
    ),
  };
}

/** The statement in a reader's words, for a check's detail. */
export function describeAllergyStatement(statement: AllergyStatement): string {
  switch (statement.kind) {
    case "no-list":
      return "the record holds no allergies List";
    case "several-lists":
      return `the record holds ${statement.count} active allergies Lists`;
    case "allergies":
      return `the allergies List holds ${statement.names.join("; ")}`;
    case "no-known-allergies":
      return statement.how === "entry"
        ? `the allergies List holds "no known allergy" (SNOMED CT ${NO_KNOWN_ALLERGY_CODE})`
        : "the allergies List is empty with emptyReason nilknown";
    case "empty":
      return statement.emptyReason === undefined
        ? "the allergies List is empty and gives no emptyReason"
        : `the allergies List is empty with emptyReason ${statement.emptyReason}`;
  }
}
