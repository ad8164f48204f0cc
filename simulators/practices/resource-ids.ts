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
 *
 * The lanes of the hash being computed live in module variables, so an id costs no allocation but its
 * text: a record's Bundle makes hundreds of ids. Feeding "kind", ":" and "item" one after the other hashes
 * exactly what feeding "kind:item" does, so keys are never concatenated to be hashed.
 */
interface HashState {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

const SEPARATOR = 0x7c; // "|"
const COLON = 0x3a; // ":"
const INITIAL: HashState = { a: 0x811c9dc5, b: 0x050c5d1f, c: 0x6b43a9b5, d: 0x1b873593 };

let laneA = 0;
let laneB = 0;
let laneC = 0;
let laneD = 0;

function begin(state: HashState): void {
  laneA = state.a;
  laneB = state.b;
  laneC = state.c;
  laneD = state.d;
}

function feedCode(code: number): void {
  laneA = Math.imul(laneA ^ code, 0x01000193);
  laneB = Math.imul(laneB ^ code, 0x9e3779b1);
  laneC = Math.imul(laneC ^ code, 0x85ebca6b);
  laneD = Math.imul(laneD ^ code, 0xc2b2ae35);
}

function feed(text: string): void {
  let a = laneA;
  let b = laneB;
  let c = laneC;
  let d = laneD;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x9e3779b1);
    c = Math.imul(c ^ code, 0x85ebca6b);
    d = Math.imul(d ^ code, 0xc2b2ae35);
  }
  laneA = a;
  laneB = b;
  laneC = c;
  laneD = d;
}

/** The state after `parts`, "|"-joined, fed to `state` (no "|" before the first part of a fresh hash). */
function extended(state: HashState, ...parts: readonly (string | number)[]): HashState {
  begin(state);
  let first = state === INITIAL;
  for (const part of parts) {
    if (!first) feedCode(SEPARATOR);
    first = false;
    feed(typeof part === "string" ? part : String(part));
  }
  return { a: laneA, b: laneB, c: laneC, d: laneD };
}

/** Starts hashing one more part of a kept state: the part's text is fed next. */
function beginPart(state: HashState): void {
  begin(state);
  feedCode(SEPARATOR);
}

function fmix32(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The four finished words of the hash just fed, each an unsigned 32-bit word. */
let wordA = 0;
let wordB = 0;
let wordC = 0;
let wordD = 0;

function finish(): void {
  let a = laneA;
  let b = laneB;
  let c = laneC;
  let d = laneD;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = fmix32(a);
  b = fmix32(b);
  c = fmix32(c);
  d = fmix32(d);
  a = (a + b + c + d) | 0;
  wordA = a >>> 0;
  wordB = (b + a) >>> 0;
  wordC = (c + a) >>> 0;
  wordD = (d + a) >>> 0;
}

/**
 * Ids are written as bytes into one scratch buffer and read back as one flat string: formatting them with
 * toString(16) and padStart, or joining per-byte strings, cost more than hashing.
 */
const scratch = Buffer.alloc(64);
const LOWER_DIGITS = Buffer.from("0123456789abcdef", "latin1");
const UPPER_DIGITS = Buffer.from("0123456789ABCDEF", "latin1");
const DASH = 0x2d;

function writeHex(digits: Buffer, word: number, count: number, at: number): number {
  let position = at + count;
  let rest = word;
  for (let i = 0; i < count; i++) {
    scratch[--position] = digits[rest & 15] as number;
    rest >>>= 4;
  }
  return at + count;
}

const scratchText = (length: number) => scratch.toString("latin1", 0, length);

/**
 * The finished hash as a GUID-shaped id (version 4 layout: "4" as the 13th digit, 8/9/A/B as the 17th),
 * upper-case as EMIS writes them, or lower-case for Bundle ids.
 */
function uuidText(upper: boolean): string {
  const digits = upper ? UPPER_DIGITS : LOWER_DIGITS;
  let at = writeHex(digits, wordA, 8, 0);
  scratch[at++] = DASH;
  at = writeHex(digits, wordB >>> 16, 4, at);
  scratch[at++] = DASH;
  at = writeHex(digits, 0x4000 | (wordB & 0xfff), 4, at);
  scratch[at++] = DASH;
  at = writeHex(digits, 0x8000 | (((wordC >>> 28) & 3) << 12) | ((wordC >>> 16) & 0xfff), 4, at);
  scratch[at++] = DASH;
  at = writeHex(digits, wordC & 0xffff, 4, at);
  at = writeHex(digits, wordD, 8, at);
  return scratchText(at);
}

/** The finished hash as 32 hex digits, or its first 16. */
function hexText(digits: Buffer, length: 16 | 32): string {
  let at = writeHex(digits, wordA, 8, 0);
  at = writeHex(digits, wordB, 8, at);
  if (length === 32) {
    at = writeHex(digits, wordC, 8, at);
    at = writeHex(digits, wordD, 8, at);
  }
  return scratchText(at);
}

/** The finished hash as TPP's two 16-hex halves joined with "-". */
function twoHalvesText(): string {
  let at = writeHex(LOWER_DIGITS, wordA, 8, 0);
  at = writeHex(LOWER_DIGITS, wordB, 8, at);
  scratch[at++] = DASH;
  at = writeHex(LOWER_DIGITS, wordC, 8, at);
  at = writeHex(LOWER_DIGITS, wordD, 8, at);
  return scratchText(at);
}

/** The finished hash as a decimal number of at most `digits` digits (7 to 19), no leading zeros. */
function decimalText(digits: number): string {
  // 53 bits: exact in a double.
  const wide = (wordA & 0x1fffff) * 0x1_0000_0000 + wordB;
  if (digits <= 15) return String(wide % 10 ** digits);
  const leading = wide % 10 ** (digits - 9);
  const trailing = wordC % 1_000_000_000;
  return leading === 0 ? String(trailing) : `${leading}${String(trailing).padStart(9, "0")}`;
}

/**
 * Finishes the hash of `state` extended with one more part: `key`, or `kind`, `joint` and `key` hashed one
 * after the other without being joined. Read it with one of the texts above.
 */
function finishPart(state: HashState, key: string, kind?: string, joint = SEPARATOR): void {
  beginPart(state);
  if (kind !== undefined) {
    feed(kind);
    feedCode(joint);
  }
  feed(key);
  finish();
}

/** The GUID of `state` extended with the part `key`, or "`kind`:`key`". */
function guid(upper: boolean, state: HashState, key: string, kind?: string): string {
  finishPart(state, key, kind, COLON);
  return uuidText(upper);
}

/** An id with its dashes taken out (EMIS's identifier values), or turned to "_" (TPP's). */
const compact = (id: string) => id.replaceAll("-", "");

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

/**
 * What a practice's ids share whatever the patient: its hash states and the ids of its Organization, site and
 * clinicians, made once per practice (and seed) and kept while the practice is.
 */
interface PracticeIds {
  readonly practiceState: HashState;
  readonly versionState: HashState;
  readonly organization: string;
  readonly location: string;
  /** The Organization's id without its dashes (EMIS's PractitionerRole ids end with it). */
  readonly organizationCompact: string;
  readonly practitioners: Map<string, string>;
  readonly practitionerRoles: Map<string, string>;
  /** TPP's Medication ids, which depend on the product alone. */
  readonly medications: Map<string, string>;
}

const practiceIdsBySeed = new WeakMap<Practice, Map<string, PracticeIds>>();

function practiceIds(system: SupplierFlavour["system"], seed: number, practice: Practice): PracticeIds {
  let bySeed = practiceIdsBySeed.get(practice);
  if (bySeed === undefined) {
    bySeed = new Map();
    practiceIdsBySeed.set(practice, bySeed);
  }
  // Keyed by the id shapes too: a practice may be rendered in the other supplier's flavour (a test does).
  const key = `${system}|${seed}`;
  let ids = bySeed.get(key);
  if (ids === undefined) {
    const practiceState = extended(INITIAL, seed, practice.ods);
    const versionState = extended(practiceState, "version");
    let organization: string;
    let location: string;
    if (system === "emis") {
      organization = guid(true, practiceState, "organization");
      location = guid(true, practiceState, "location");
    } else {
      finishPart(practiceState, "organization");
      organization = twoHalvesText();
      location = organization;
    }
    ids = {
      practiceState,
      versionState,
      organization,
      location,
      organizationCompact: compact(organization),
      practitioners: new Map(),
      practitionerRoles: new Map(),
      medications: new Map(),
    };
    bySeed.set(key, ids);
  }
  return ids;
}

/** EMIS Web: upper-case GUIDs; statements are "{request id}-MS"; identifiers join patient and item GUIDs. */
class EmisIds implements RecordIds {
  readonly patient: string;
  readonly organization: string;
  readonly location: string;
  readonly bundle: string;
  private readonly patientState: HashState;
  private readonly patientCompact: string;
  /** A medication's plan id is asked for by its statement, its plan, its orders and renewals. */
  private readonly plans = new Map<string, string>();

  constructor(
    private readonly shared: PracticeIds,
    nhsNumber: string,
    requestKey: string,
  ) {
    this.patientState = extended(shared.practiceState, nhsNumber);
    this.patient = guid(true, this.patientState, "patient");
    this.patientCompact = compact(this.patient);
    this.organization = shared.organization;
    this.location = shared.location;
    this.bundle = guid(false, this.patientState, requestKey, "bundle");
  }

  practitioner(clinicianId: string): string {
    const known = this.shared.practitioners.get(clinicianId);
    if (known !== undefined) return known;
    const id = guid(true, this.shared.practiceState, clinicianId, "practitioner");
    this.shared.practitioners.set(clinicianId, id);
    return id;
  }

  practitionerRole(clinicianId: string): string {
    const known = this.shared.practitionerRoles.get(clinicianId);
    if (known !== undefined) return known;
    const id = `${compact(this.practitioner(clinicianId))}${this.shared.organizationCompact}`;
    this.shared.practitionerRoles.set(clinicianId, id);
    return id;
  }

  medication(productCode: string): string {
    return guid(true, this.patientState, productCode, "medication");
  }

  medicationStatement(medicationId: string): string {
    return `${this.medicationPlan(medicationId)}-MS`;
  }

  medicationPlan(medicationId: string): string {
    const known = this.plans.get(medicationId);
    if (known !== undefined) return known;
    const id = guid(true, this.patientState, medicationId, "plan");
    this.plans.set(medicationId, id);
    return id;
  }

  medicationOrder(medicationId: string, issueIndex: number): string {
    beginPart(this.patientState);
    feed("order:");
    feed(medicationId);
    feedCode(COLON);
    feed(String(issueIndex));
    finish();
    return uuidText(true);
  }

  allergy(allergyId: string): string {
    return guid(true, this.patientState, allergyId, "allergy");
  }

  // EMIS marks a problem header's id with "-PROB" beside the id of the entry it heads.
  item(kind: string, itemId: string): string {
    const id = guid(true, this.patientState, itemId, kind);
    return kind === "condition" ? `${id}-PROB` : id;
  }

  versionId(resourceId: string): string {
    finishPart(this.shared.versionState, resourceId);
    return decimalText(19);
  }

  identifierValue(resourceId: string): string {
    return `${this.patientCompact}${compact(resourceId)}`;
  }
}

/**
 * SystmOne, as the captures show it: Patient, Practitioner and PractitionerRole ids of 16 hex digits; record
 * ids (and the Organization's) two 16-hex halves, which real TPP joins with "_" and the simulator with "-"
 * (STU3 ids may not hold "_"); a plan is its statement's id with "-plan"; a Medication "{7 digits}-0"; version
 * ids 32 upper-case hex digits. The ccs-id identifier value is the id with TPP's "_" restored.
 */
class TppIds implements RecordIds {
  readonly patient: string;
  readonly organization: string;
  readonly location: string;
  readonly bundle: string;
  private readonly patientState: HashState;
  /** A medication's statement id, which its plan and orders extend. */
  private readonly statements = new Map<string, string>();

  constructor(
    private readonly shared: PracticeIds,
    private readonly seed: number,
    nhsNumber: string,
    requestKey: string,
  ) {
    this.patientState = extended(shared.practiceState, nhsNumber);
    finishPart(this.patientState, "patient");
    this.patient = hexText(LOWER_DIGITS, 16);
    this.organization = shared.organization;
    this.location = shared.location;
    this.bundle = guid(false, this.patientState, requestKey, "bundle");
  }

  practitioner(clinicianId: string): string {
    return this.clinicianId(this.shared.practitioners, "practitioner", clinicianId);
  }

  practitionerRole(clinicianId: string): string {
    return this.clinicianId(this.shared.practitionerRoles, "practitioner-role", clinicianId);
  }

  /** A clinician's id of 16 hex digits for `kind`, made once per practice and kept in `known`. */
  private clinicianId(known: Map<string, string>, kind: string, clinicianId: string): string {
    let id = known.get(clinicianId);
    if (id === undefined) {
      finishPart(this.shared.practiceState, clinicianId, kind);
      id = hexText(LOWER_DIGITS, 16);
      known.set(clinicianId, id);
    }
    return id;
  }

  medication(productCode: string): string {
    const known = this.shared.medications.get(productCode);
    if (known !== undefined) return known;
    const medicationState = extended(INITIAL, this.seed, "medication");
    finishPart(medicationState, productCode);
    const id = `${decimalText(7)}-0`;
    this.shared.medications.set(productCode, id);
    return id;
  }

  medicationStatement(medicationId: string): string {
    const known = this.statements.get(medicationId);
    if (known !== undefined) return known;
    finishPart(this.patientState, medicationId, "medication");
    const id = twoHalvesText();
    this.statements.set(medicationId, id);
    return id;
  }

  medicationPlan(medicationId: string): string {
    return `${this.medicationStatement(medicationId)}-plan`;
  }

  medicationOrder(medicationId: string, issueIndex: number): string {
    return `${this.medicationStatement(medicationId)}-issue${issueIndex + 1}`;
  }

  allergy(allergyId: string): string {
    return this.item("allergy", allergyId);
  }

  item(kind: string, itemId: string): string {
    finishPart(this.patientState, itemId, kind);
    return twoHalvesText();
  }

  versionId(resourceId: string): string {
    finishPart(this.shared.versionState, resourceId);
    return hexText(UPPER_DIGITS, 32);
  }

  identifierValue(resourceId: string): string {
    return resourceId.replaceAll("-", "_");
  }
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
  const shared = practiceIds(flavour.system, seed, practice);
  return flavour.system === "emis"
    ? new EmisIds(shared, nhsNumber, requestKey)
    : new TppIds(shared, seed, nhsNumber, requestKey);
}
