/**
 * Entries from the sensitive exclusion sets a GP Connect provider must never share (RCGP/NHS England
 * "sensitive data exclusion" code sets): assisted fertilisation, sexually transmitted infection,
 * termination of pregnancy, gender reassignment. A record holding one shares everything else and marks the
 * list it was withheld from with the `confidential-items` warning.
 *
 * Where the codes were confirmed ("GM-SDE" is UoM-Data-Science-Platforms/gm-sde, shared/clinical-code-sets):
 * - chlamydial infection 105629000 (HL7 FHIR implementation guide examples, e.g. the US birth and fetal
 *   death reporting guide's Condition examples) with Read v2 A78A.00 and CTV3 A78A. (GM-SDE
 *   conditions/genital-tract-infections);
 * - "Test tube ovum fertilization" 52637005 (HL7 FHIR Consent examples, coded for in vitro fertilisation);
 * - "Induced termination of pregnancy" 57797005 (Genomics England's FHIR mapping guidance; OHDSI concept
 *   4240605), which the exclusion sets name by that concept;
 * - Doxycycline 100mg capsules, VMP 324059006 (opensafely/amr-uom-brit
 *   codelists/user-rriefu-antibiotics_dmd.csv, BNF 0501030I0AAABAB);
 * - "Gender dysphoria" 93461009: the International Patient Summary generator of
 *   HealthIntersections/fhirserver (library/fhir4/fhir4_ips.pas), which codes a functional-status condition
 *   with it.
 * No one-to-one Read v2 or CTV3 code could be confirmed for in vitro fertilisation, termination of pregnancy
 * (the legacy lists hold only narrower procedures and legal or illegal abortion) or gender dysphoria (no
 * public legacy list for it was found), so those carry SNOMED CT alone.
 */

import type { DrugTerm } from "./clinical-terms.js";
import { CTV3_SYSTEM, READ_V2_SYSTEM, SNOMED_SYSTEM } from "./clinical-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });

export interface SensitiveTerm {
  readonly key:
    | "assisted-fertilisation"
    | "sexually-transmitted-infection"
    | "termination-of-pregnancy"
    | "gender-reassignment";
  readonly problem: Coding;
  /** Read v2 code EMIS Web carries beside the problem, where one could be confirmed. */
  readonly readV2?: Coding;
  /** CTV3 code SystmOne carries beside the problem, where one could be confirmed. */
  readonly ctv3?: Coding;
  /** Only women are offered it (IVF, termination). */
  readonly femaleOnly: boolean;
  readonly drug?: DrugTerm;
}

export const SENSITIVE_TERMS: readonly SensitiveTerm[] = [
  {
    key: "assisted-fertilisation",
    problem: snomed("52637005", "Test tube ovum fertilization"),
    femaleOnly: true,
  },
  {
    key: "sexually-transmitted-infection",
    problem: snomed("105629000", "Chlamydial infection"),
    readV2: { system: READ_V2_SYSTEM, code: "A78A.00", display: "Chlamydial infection" },
    ctv3: { system: CTV3_SYSTEM, code: "A78A.", display: "Chlamydial infection" },
    femaleOnly: false,
    drug: {
      product: snomed("324059006", "Doxycycline 100mg capsules"),
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
