/**
 * Entries from the sensitive exclusion sets a GP Connect provider must never share (RCGP/NHS England
 * "sensitive data exclusion" code sets): assisted fertilisation, sexually transmitted infection,
 * termination of pregnancy, gender reassignment. A record holding one shares everything else and marks the
 * list it was withheld from with the `confidential-items` warning.
 *
 * The SNOMED CT ids are International-release concepts written from the published release, not re-checked
 * here; the doxycycline VMP likewise. SNOMED CT only: the exclusion sets are keyed on it.
 */

import type { DrugTerm } from "./clinical-terms.js";
import { SNOMED_SYSTEM } from "./clinical-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });

export interface SensitiveTerm {
  readonly key:
    | "assisted-fertilisation"
    | "sexually-transmitted-infection"
    | "termination-of-pregnancy"
    | "gender-reassignment";
  readonly problem: Coding;
  /** Only women are offered it (IVF, termination). */
  readonly femaleOnly: boolean;
  readonly drug?: DrugTerm;
}

export const SENSITIVE_TERMS: readonly SensitiveTerm[] = [
  { key: "assisted-fertilisation", problem: snomed("52637005", "In vitro fertilization"), femaleOnly: true },
  {
    key: "sexually-transmitted-infection",
    problem: snomed("105629000", "Chlamydial infection"),
    femaleOnly: false,
    drug: {
      product: snomed("324357002", "Doxycycline 100mg capsules"),
      dosage: "One capsule twice a day for seven days",
      quantity: { value: 14, unit: "capsule" },
      supplyDays: 7,
    },
  },
  {
    key: "termination-of-pregnancy",
    problem: snomed("57797005", "Induced termination of pregnancy"),
    femaleOnly: true,
  },
  { key: "gender-reassignment", problem: snomed("93461009", "Gender dysphoria"), femaleOnly: false },
];
