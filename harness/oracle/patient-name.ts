/**
 * The patient's name as a clinician's system shows it from a structured record (CareConnect-GPC-Patient-1:
 * the `official` name, else the `usual`, else the first): given names then family name, space-separated.
 * Compared in Unicode normal form C, so only a change a reader could see counts (a folded diacritic, a lost
 * apostrophe or hyphen, a changed case), not how the same letters are encoded.
 */
import { resourcesOfType } from "./bundle.js";

const USES_IN_ORDER = ["official", "usual"];

/** The name shown for the record's Patient, or undefined when it carries none. */
export function nameShown(bundle: fhir.Bundle): string | undefined {
  const [patient] = resourcesOfType<fhir.Patient>(bundle, "Patient");
  const names = Array.isArray(patient?.name) ? patient.name : [];
  const name = USES_IN_ORDER.map((use) => names.find((n) => n?.use === use)).find((n) => n) ?? names[0];
  if (name === undefined) return undefined;
  const given = Array.isArray(name.given) ? name.given.filter((g) => typeof g === "string") : [];
  const parts = [...given, ...(typeof name.family === "string" ? [name.family] : [])];
  return parts.length === 0 ? (typeof name.text === "string" ? name.text : undefined) : parts.join(" ");
}

/** Whether two names read the same (the same characters, in normal form C). */
export function sameName(a: string, b: string): boolean {
  return a.normalize("NFC") === b.normalize("NFC");
}
