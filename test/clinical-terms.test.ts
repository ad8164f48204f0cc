import { describe, expect, it } from "vitest";
import * as clinicalTerms from "../simulators/population/clinical-terms.js";
import {
  CTV3_SYSTEM,
  EGTON_SYSTEM,
  EMIS_DRUG_SYSTEM,
  READ_V2_SYSTEM,
  SNOMED_SYSTEM,
} from "../simulators/population/clinical-terms.js";
import { ACUTE_COURSES, LONG_TERM_MEDICINES } from "../simulators/population/prescribing-terms.js";
import * as recordTerms from "../simulators/population/record-terms.js";
import * as sensitiveTerms from "../simulators/population/sensitive-terms.js";
import type { Coding } from "../simulators/population/types.js";
import { descriptionIdOf } from "../simulators/practices/chosen-term.js";

// Verhoeff tables (dihedral group D5), as the SNOMED CT identifier check digit uses them.
const MULTIPLY = [
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
const PERMUTE = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

function hasValidVerhoeffDigit(id: string): boolean {
  let check = 0;
  const digits = [...id].reverse().map(Number);
  for (let i = 0; i < digits.length; i++) {
    check = MULTIPLY[check]?.[PERMUTE[i % 8]?.[digits[i] as number] as number] as number;
  }
  return check === 0;
}

/**
 * A SNOMED CT concept id: 6 to 18 digits, no leading zero, a Verhoeff check digit, and the partition
 * identifier of a concept ("00" in the International release, "10" in a national extension such as the
 * UK's and dm+d); "01"/"11" are description ids and "02"/"12" relationship ids, which a receiver rejects.
 */
function isSnomedConceptId(id: string): boolean {
  if (!/^[1-9]\d{5,17}$/.test(id)) return false;
  const partition = id.slice(-3, -1);
  return (partition === "00" || partition === "10") && hasValidVerhoeffDigit(id);
}

/** CTV3: five characters, letters and digits, padded on the right with dots (e.g. "65E..", "XaPbt"). */
const CTV3_CODE = /^(?=.{5}$)[A-Za-z0-9]+\.*$/;
/**
 * Read v2 as EMIS carries it (the assurance records' "65M1.00"): the five-character code, padded on the
 * right with dots, then the two-digit term code.
 */
const READ_V2_CODE = /^(?=[A-Za-z0-9.]{5}\d{2}$)[A-Za-z0-9]+\.*\d{2}$/;
/**
 * An Egton code (EMIS's own, for a concept Read v2 never had), as EMIS's records and code lists carry them:
 * upper-case letters and digits, no dots ("EMISNQWI3", "ALLERGY18782NEMIS").
 */
const EGTON_CODE = /^[A-Z][A-Z0-9]{4,}$/;
/** An EMIS drug code: letters of the product's name and form, a number, and for some a suffix ("ALTA78"). */
const EMIS_DRUG_CODE = /^[A-Z]{4}\d+[A-Z]*$/;

function codingsIn(value: unknown, found: Coding[] = [], seen = new Set<unknown>()): Coding[] {
  if (value === null || typeof value !== "object" || seen.has(value)) return found;
  seen.add(value);
  const candidate = value as Partial<Coding>;
  if (typeof candidate.system === "string" && typeof candidate.code === "string") {
    found.push(value as Coding);
    return found;
  }
  for (const child of Object.values(value)) codingsIn(child, found, seen);
  return found;
}

const ALL_CODINGS = codingsIn([clinicalTerms, recordTerms, sensitiveTerms]);

/** Every term of the tables that carries legacy codes (an object with a readV2, egton or ctv3 coding). */
function codingHolders(
  value: unknown,
  found: { readV2?: Coding; egton?: Coding }[] = [],
  seen = new Set<unknown>(),
): { readV2?: Coding; egton?: Coding }[] {
  if (value === null || typeof value !== "object" || seen.has(value)) return found;
  seen.add(value);
  const term = value as { readV2?: unknown; egton?: unknown; ctv3?: unknown };
  if (term.readV2 !== undefined || term.egton !== undefined || term.ctv3 !== undefined)
    found.push(value as { readV2?: Coding; egton?: Coding });
  for (const child of Object.values(value)) codingHolders(child, found, seen);
  return found;
}
const bySystem = (system: string) => ALL_CODINGS.filter((c) => c.system === system);

describe("the clinical code tables", () => {
  it("find the codings they are checked on", () => {
    expect(bySystem(SNOMED_SYSTEM).length).toBeGreaterThan(60);
    expect(bySystem(READ_V2_SYSTEM).length).toBeGreaterThan(15);
    expect(bySystem(CTV3_SYSTEM).length).toBeGreaterThan(15);
  });

  it("tell a concept id from a mistyped one, a description id and a relationship id", () => {
    expect(isSnomedConceptId("38598009")).toBe(true);
    expect(isSnomedConceptId("39704111000001102")).toBe(true);
    expect(isSnomedConceptId("38598008")).toBe(false); // check digit wrong
    expect(isSnomedConceptId("38598090")).toBe(false); // two digits swapped
    expect(isSnomedConceptId("38598013")).toBe(false); // valid check digit, description partition
    expect(isSnomedConceptId("38598021")).toBe(false); // valid check digit, relationship partition
    expect(isSnomedConceptId("1049471000000109")).toBe(false); // an HbA1c id once copied from a phenotype list
    expect(isSnomedConceptId("0038598009")).toBe(false);
  });

  it("carry only SNOMED CT concept ids a receiving system accepts", () => {
    const bad = bySystem(SNOMED_SYSTEM).filter((c) => !isSnomedConceptId(c.code));
    expect(bad).toEqual([]);
  });

  it("give every concept a chosen-term description id SNOMED CT would accept: check digit and partition", () => {
    for (const { code } of bySystem(SNOMED_SYSTEM)) {
      const id = descriptionIdOf(code);
      expect(hasValidVerhoeffDigit(id), `${code} → ${id}`).toBe(true);
      expect(["01", "11"], `${code} → ${id}`).toContain(id.slice(-3, -1));
      expect(isSnomedConceptId(id)).toBe(false);
    }
  });

  it("carry only well-formed CTV3 codes", () => {
    const bad = bySystem(CTV3_SYSTEM).filter((c) => !CTV3_CODE.test(c.code));
    expect(bad).toEqual([]);
  });

  it("carry only well-formed Read v2 codes with their term code", () => {
    expect(READ_V2_CODE.test("65M1.00")).toBe(true);
    expect(READ_V2_CODE.test("65M1.0")).toBe(false);
    expect(READ_V2_CODE.test("65.M100")).toBe(false);
    const bad = bySystem(READ_V2_SYSTEM).filter((c) => !READ_V2_CODE.test(c.code));
    expect(bad).toEqual([]);
  });

  it("carry only well-formed Egton codes, each in place of a Read v2 code", () => {
    expect(EGTON_CODE.test("EMISNQWI3")).toBe(true);
    expect(EGTON_CODE.test("65M1.00")).toBe(false);
    expect(bySystem(EGTON_SYSTEM).length).toBeGreaterThan(0);
    expect(bySystem(EGTON_SYSTEM).filter((c) => !EGTON_CODE.test(c.code))).toEqual([]);
    const both = codingHolders([clinicalTerms, recordTerms]).filter(
      (term) => term.egton !== undefined && term.readV2 !== undefined,
    );
    expect(both).toEqual([]);
  });

  it("carry only well-formed EMIS drug codes, named as the dm+d product beside them", () => {
    expect(EMIS_DRUG_CODE.test("ETTA18971NEMIS")).toBe(true);
    expect(EMIS_DRUG_CODE.test("330062008")).toBe(false);
    const drugs: clinicalTerms.DrugTerm[] = [
      ...Object.values(clinicalTerms.DRUGS),
      ...LONG_TERM_MEDICINES.map((medicine) => medicine.drug),
      ...ACUTE_COURSES.map((course) => course.drug),
    ];
    const coded = drugs.filter((d) => d.emis !== undefined);
    expect(coded.length).toBeGreaterThan(0);
    for (const { product, emis } of coded) {
      expect(emis?.code.system).toBe(EMIS_DRUG_SYSTEM);
      expect(EMIS_DRUG_CODE.test(emis?.code.code ?? "")).toBe(true);
      expect(emis?.code.display).toBe(product.display);
    }
  });

  it("name every code in words", () => {
    expect(ALL_CODINGS.filter((c) => (c.display ?? "").trim() === "")).toEqual([]);
    expect(
      ALL_CODINGS.filter(
        (c) =>
          ![SNOMED_SYSTEM, READ_V2_SYSTEM, CTV3_SYSTEM, EGTON_SYSTEM, EMIS_DRUG_SYSTEM].includes(c.system),
      ),
    ).toEqual([]);
  });

  it("give one code one meaning within a code system", () => {
    const meaning = new Map<string, string>();
    const clashes: string[] = [];
    for (const c of ALL_CODINGS) {
      const key = `${c.system}|${c.code}`;
      const known = meaning.get(key);
      if (known !== undefined && known !== c.display) clashes.push(`${c.code}: ${known} / ${c.display}`);
      meaning.set(key, c.display ?? "");
    }
    expect(clashes).toEqual([]);
  });

  it("give SystmOne a CTV3 code and EMIS no Read v2 code for the COVID-19 doses", () => {
    for (const dose of [recordTerms.VACCINES.covidFirst, recordTerms.VACCINES.covidSecond]) {
      expect((dose as recordTerms.VaccineTerm).readV2).toBeUndefined();
      expect(dose.ctv3.system).toBe(CTV3_SYSTEM);
    }
  });

  it("give every pathology result a legacy code for at least one supplier", () => {
    const missing = Object.entries(recordTerms.ANALYTES)
      .filter(([, analyte]) => analyte.readV2 === undefined && analyte.ctv3 === undefined)
      .map(([key]) => key);
    expect(missing).toEqual([]);
  });

  it("give EMIS a Read v2 code and SystmOne a CTV3 code for every result of a urea and electrolytes test", () => {
    const missing = recordTerms.TESTS.renal.analytes
      .filter((analyte) => analyte.readV2 === undefined || analyte.ctv3 === undefined)
      .map((analyte) => analyte.code.display);
    expect(missing).toEqual([]);
    expect(recordTerms.ANALYTES.potassium.readV2).toEqual({
      system: READ_V2_SYSTEM,
      code: "44I4.00",
      display: "Serum potassium",
    });
  });
});
