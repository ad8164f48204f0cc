/**
 * The clinician's chosen term on a SNOMED CT coding (Extension-coding-sctdescid): the description picked, by
 * its id and, where the supplier writes it, its words. Both suppliers put it on the codings of the entries a
 * clinician codes (problems, allergies, observations, immunisations, referrals, recalls); EMIS adds the
 * picked words (descriptionDisplay) where they differ from the concept's preferred term, as its records do.
 */
import { EGTON_SYSTEM } from "../population/clinical-terms.js";
import type { Coding } from "../population/types.js";
import { concept } from "./bundle-render.js";
import { deepFreeze } from "./deep-freeze.js";
import type { SupplierFlavour } from "./flavours.js";

/** Verhoeff's dihedral-group tables: SNOMED CT identifiers end in a Verhoeff check digit. */
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

export function verhoeffCheckDigit(digits: string): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = (D[c] as number[])[(P[(i + 1) % 8] as number[])[digit] as number] as number;
  }
  return INV[c] as number;
}

const descriptionIds = new Map<string, string>();

/**
 * A description id for a concept: synthetic, as the record's terms are (no release file is shipped), but
 * shaped as SNOMED CT's: the concept's item (and namespace) with a "1" appended, the description partition
 * (01 in the core, 11 in an extension's namespace) and a Verhoeff check digit. Never a concept id.
 */
export function descriptionIdOf(conceptId: string): string {
  const known = descriptionIds.get(conceptId);
  if (known !== undefined) return known;
  const stem = conceptId.slice(0, -3);
  const inNamespace = conceptId.charAt(conceptId.length - 3) === "1";
  const body = `${stem}1${inNamespace ? "11" : "01"}`;
  const id = `${body}${verhoeffCheckDigit(body)}`;
  descriptionIds.set(conceptId, id);
  return id;
}

/** The chosen-term extensions, built once per supplier, concept and picked words (never changed once built). */
const chosenTerms = new Map<string, fhir.Extension[]>();

function chosenTerm(flavour: SupplierFlavour, snomed: Coding, picked: string | undefined): fhir.Extension[] {
  const words = flavour.chosenTerm.display && picked !== undefined && picked !== snomed.display ? picked : "";
  const key = `${flavour.chosenTerm.url}|${snomed.code}|${words}`;
  const known = chosenTerms.get(key);
  if (known !== undefined) return known;
  const term: fhir.Extension[] = [{ url: "descriptionId", valueId: descriptionIdOf(snomed.code) }];
  if (words !== "") term.push({ url: "descriptionDisplay", valueString: words });
  const extension = [{ url: flavour.chosenTerm.url, extension: term }];
  chosenTerms.set(key, extension);
  return extension;
}

/**
 * `concept`, with the chosen term on its SNOMED CT coding as the supplier writes it. The words picked are the
 * legacy code's term, or `picked` where the clinician chose a synonym with no legacy code beside it. An Egton
 * code's term is EMIS's own, not a SNOMED CT description: EMIS writes no chosen words beside one.
 */
export function chosenConcept(
  snomed: Coding,
  legacy: Coding | undefined,
  flavour: SupplierFlavour,
  picked: string | undefined = legacy?.system === EGTON_SYSTEM ? undefined : legacy?.display,
): fhir.CodeableConcept {
  const byPicked = knownConcepts(flavour, snomed, legacy);
  let known = byPicked.get(picked);
  if (known === undefined) {
    known = deepFreeze(conceptWithChosenTerm(snomed, legacy, flavour, picked));
    byPicked.set(picked, known);
  }
  return known;
}

/**
 * The concepts made for a flavour, by the coding objects they were made from (the record's terms come from
 * shared tables, and are never changed) and the words picked: one frozen CodeableConcept each, shared by
 * every record that codes an entry the same way.
 */
const conceptsMade = new WeakMap<
  SupplierFlavour,
  WeakMap<Coding, Map<Coding | null, Map<string | undefined, fhir.CodeableConcept>>>
>();

function knownConcepts(
  flavour: SupplierFlavour,
  snomed: Coding,
  legacy: Coding | undefined,
): Map<string | undefined, fhir.CodeableConcept> {
  let bySnomed = conceptsMade.get(flavour);
  if (bySnomed === undefined) {
    bySnomed = new WeakMap();
    conceptsMade.set(flavour, bySnomed);
  }
  let byLegacy = bySnomed.get(snomed);
  if (byLegacy === undefined) {
    byLegacy = new Map();
    bySnomed.set(snomed, byLegacy);
  }
  let byPicked = byLegacy.get(legacy ?? null);
  if (byPicked === undefined) {
    byPicked = new Map();
    byLegacy.set(legacy ?? null, byPicked);
  }
  return byPicked;
}

function conceptWithChosenTerm(
  snomed: Coding,
  legacy: Coding | undefined,
  flavour: SupplierFlavour,
  picked: string | undefined,
): fhir.CodeableConcept {
  const snomedCoding: fhir.Coding = {
    extension: chosenTerm(flavour, snomed, picked),
    system: snomed.system,
    code: snomed.code,
    display: snomed.display,
  };
  // With no legacy code beside it, the SNOMED CT code is itself the clinician's pick: EMIS marks it so.
  if (legacy === undefined) {
    if (flavour.marksUserSelected) snomedCoding.userSelected = true;
    return { coding: [snomedCoding] };
  }
  const { coding, text } = concept(snomed, legacy, flavour);
  const withTerm = (coding ?? []).map((c) => (c.system === snomed.system ? snomedCoding : c));
  return text === undefined ? { coding: withTerm } : { coding: withTerm, text };
}
