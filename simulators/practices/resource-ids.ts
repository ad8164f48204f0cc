/**
 * Deterministic resource ids and supplier identifiers: derived from (seed, practice, patient, item), never
 * random, so the same request always gives the same bytes, and shaped as each supplier shapes them.
 */
import type { Practice } from "../population/types.js";
import type { SupplierFlavour } from "./flavours.js";

/**
 * A 128-bit non-cryptographic hash of "|"-joined parts, as four 32-bit lanes: FNV-1a-style multiplicative
 * lanes (each its own basis and odd multiplier) with a murmur3 finaliser that mixes the lanes together.
 * Ids only need to be stable and distinct within a region; a SHA-256 per id was a third of Bundle building.
 * A hash of the parts shared by a record's ids is kept and extended, so each id hashes only its own key.
 */
interface HashState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

const SEPARATOR = 0x7c; // "|"
const INITIAL: HashState = { a: 0x811c9dc5, b: 0x050c5d1f, c: 0x6b43a9b5, d: 0x1b873593 };

function extend(state: HashState, ...parts: readonly (string | number)[]): HashState {
  let { a, b, c, d } = state;
  let first = state === INITIAL;
  for (const part of parts) {
    const text = typeof part === "string" ? part : String(part);
    if (!first) {
      a = Math.imul(a ^ SEPARATOR, 0x01000193);
      b = Math.imul(b ^ SEPARATOR, 0x9e3779b1);
      c = Math.imul(c ^ SEPARATOR, 0x85ebca6b);
      d = Math.imul(d ^ SEPARATOR, 0xc2b2ae35);
    }
    first = false;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x9e3779b1);
      c = Math.imul(c ^ code, 0x85ebca6b);
      d = Math.imul(d ^ code, 0xc2b2ae35);
    }
  }
  return { a, b, c, d };
}

function fmix32(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The four finished lanes of a state, each an unsigned 32-bit word. */
function finish(state: HashState): [number, number, number, number] {
  let { a, b, c, d } = state;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = fmix32(a);
  b = fmix32(b);
  c = fmix32(c);
  d = fmix32(d);
  a = (a + b + c + d) | 0;
  return [a >>> 0, (b + a) >>> 0, (c + a) >>> 0, (d + a) >>> 0];
}

/** Two hex digits per byte, looked up: formatting ids with toString(16) and padStart cost more than hashing. */
const LOWER_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
const UPPER_HEX = LOWER_HEX.map((pair) => pair.toUpperCase());

const hex8 = (table: readonly string[], word: number) =>
  `${table[word >>> 24]}${table[(word >>> 16) & 0xff]}${table[(word >>> 8) & 0xff]}${table[word & 0xff]}`;
const hex4 = (table: readonly string[], half: number) => `${table[half >>> 8]}${table[half & 0xff]}`;

/** 32 hex digits, lower-case or (for TPP's version ids) upper-case. */
function digestHex(
  table: readonly string[],
  state: HashState,
  ...parts: readonly (string | number)[]
): string {
  const [a, b, c, d] = finish(extend(state, ...parts));
  return `${hex8(table, a)}${hex8(table, b)}${hex8(table, c)}${hex8(table, d)}`;
}

/**
 * A GUID-shaped id (version 4 layout: "4" as the 13th digit, 8/9/A/B as the 17th) from a digest, upper-case
 * as EMIS writes them, or lower-case for Bundle ids.
 */
function digestUuid(upper: boolean, state: HashState, ...parts: readonly (string | number)[]): string {
  const table = upper ? UPPER_HEX : LOWER_HEX;
  const [a, b, c, d] = finish(extend(state, ...parts));
  const version = `4${(table[(b >>> 8) & 0xff] as string).charAt(1)}${table[b & 0xff]}`;
  const variant = `${"89ab"[(c >>> 28) % 4]}${(table[(c >>> 24) & 0xff] as string).charAt(1)}${table[(c >>> 16) & 0xff]}`;
  return `${hex8(table, a)}-${hex4(table, b >>> 16)}-${version}-${upper ? variant.toUpperCase() : variant}-${hex4(table, c & 0xffff)}${hex8(table, d)}`;
}

/** A decimal number of at most `digits` digits (7 to 19), no leading zeros. */
function digestDecimal(digits: number, state: HashState, ...parts: readonly (string | number)[]): string {
  const [a, b, c] = finish(extend(state, ...parts));
  // 53 bits: exact in a double.
  const wide = (a & 0x1fffff) * 0x1_0000_0000 + b;
  if (digits <= 15) return String(wide % 10 ** digits);
  const leading = wide % 10 ** (digits - 9);
  const trailing = c % 1_000_000_000;
  return leading === 0 ? String(trailing) : `${leading}${String(trailing).padStart(9, "0")}`;
}

export interface RecordIds {
  readonly patient: string;
  readonly organization: string;
  /** The practice's main site (TPP gives its Location the Organization's own id). */
  readonly location: string;
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
  const practiceState = extend(INITIAL, seed, practice.ods);
  const patientState = extend(practiceState, nhsNumber);
  const versionState = extend(practiceState, "version");
  const practiceId = (key: string) => digestUuid(true, practiceState, key);
  const patientId = (key: string) => digestUuid(true, patientState, key);
  const patient = patientId("patient");
  const organization = practiceId("organization");
  const organizationCompact = organization.replaceAll("-", "");
  const patientCompact = patient.replaceAll("-", "");
  return {
    patient,
    organization,
    location: practiceId("location"),
    bundle: digestUuid(false, patientState, `bundle:${requestKey}`),
    practitioner: (clinicianId) => practiceId(`practitioner:${clinicianId}`),
    practitionerRole: (clinicianId) =>
      `${practiceId(`practitioner:${clinicianId}`).replaceAll("-", "")}${organizationCompact}`,
    medication: (productCode) => patientId(`medication:${productCode}`),
    medicationStatement: (medicationId) => `${patientId(`plan:${medicationId}`)}-MS`,
    medicationPlan: (medicationId) => patientId(`plan:${medicationId}`),
    medicationOrder: (medicationId, issueIndex) => patientId(`order:${medicationId}:${issueIndex}`),
    allergy: (allergyId) => patientId(`allergy:${allergyId}`),
    // EMIS marks a problem header's id with "-PROB" beside the id of the entry it heads.
    item: (kind, itemId) => `${patientId(`${kind}:${itemId}`)}${kind === "condition" ? "-PROB" : ""}`,
    versionId: (resourceId) => digestDecimal(19, versionState, resourceId),
    identifierValue: (resourceId) => `${patientCompact}${resourceId.replaceAll("-", "")}`,
  };
}

/**
 * SystmOne, as the captures show it: Patient, Practitioner and PractitionerRole ids of 16 hex digits; record
 * ids (and the Organization's) two 16-hex halves, which real TPP joins with "_" and the simulator with "-"
 * (STU3 ids may not hold "_"); a plan is its statement's id with "-plan"; a Medication "{7 digits}-0"; version
 * ids 32 upper-case hex digits. The ccs-id identifier value is the id with TPP's "_" restored.
 */
function tppIds(seed: number, practice: Practice, nhsNumber: string, requestKey: string): RecordIds {
  const practiceState = extend(INITIAL, seed, practice.ods);
  const patientState = extend(practiceState, nhsNumber);
  const versionState = extend(practiceState, "version");
  const medicationState = extend(INITIAL, seed, "medication");
  const hex16 = (state: HashState, ...parts: readonly string[]) =>
    digestHex(LOWER_HEX, state, ...parts).slice(0, 16);
  const twoHalves = (state: HashState, ...parts: readonly string[]) => {
    const h = digestHex(LOWER_HEX, state, ...parts);
    return `${h.slice(0, 16)}-${h.slice(16, 32)}`;
  };
  const organization = twoHalves(practiceState, "organization");
  return {
    patient: hex16(patientState, "patient"),
    organization,
    location: organization,
    bundle: digestUuid(false, patientState, `bundle:${requestKey}`),
    practitioner: (clinicianId) => hex16(practiceState, "practitioner", clinicianId),
    practitionerRole: (clinicianId) => hex16(practiceState, "practitioner-role", clinicianId),
    medication: (productCode) => `${digestDecimal(7, medicationState, productCode)}-0`,
    medicationStatement: (medicationId) => twoHalves(patientState, "medication", medicationId),
    medicationPlan: (medicationId) => `${twoHalves(patientState, "medication", medicationId)}-plan`,
    medicationOrder: (medicationId, issueIndex) =>
      `${twoHalves(patientState, "medication", medicationId)}-issue${issueIndex + 1}`,
    allergy: (allergyId) => twoHalves(patientState, "allergy", allergyId),
    item: (kind, itemId) => twoHalves(patientState, kind, itemId),
    versionId: (resourceId) => digestHex(UPPER_HEX, versionState, resourceId),
    identifierValue: (resourceId) => resourceId.replaceAll("-", "_"),
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
