/**
 * The run-time settings a region keeps per practice, read by the practice on every request: the clinical
 * areas switched off, and the consumer organisations it has no data-sharing agreement with. A practice
 * without a setting has the default (every area on, every organisation agreed).
 */
import { CLINICAL_AREA_PARAMETERS, type ClinicalAreaParameter } from "../../gpconnect/parameters.js";

const NOTHING: ReadonlySet<never> = new Set();

/** One setting: a set per practice, replaced whole on every change (the practice keys its cached answers by it). */
class PerPractice<T> {
  private readonly byPractice = new Map<string, ReadonlySet<T>>();

  /** The practice's set now; the same object until the next change. */
  of(ods: string): ReadonlySet<T> {
    return this.byPractice.get(ods) ?? NOTHING;
  }

  forget(ods: string): void {
    this.byPractice.delete(ods);
  }

  replace(ods: string, values: readonly T[]): void {
    if (values.length === 0) this.byPractice.delete(ods);
    else this.byPractice.set(ods, new Set(values));
  }
}

export class PracticeSettings {
  private readonly disabled = new PerPractice<ClinicalAreaParameter>();
  private readonly withoutAgreement = new PerPractice<string>();

  disabledAreas(ods: string): ReadonlySet<ClinicalAreaParameter> {
    return this.disabled.of(ods);
  }

  /** The areas switched off, in the specification's order. */
  disabledAreaList(ods: string): ClinicalAreaParameter[] {
    const disabled = this.disabled.of(ods);
    return CLINICAL_AREA_PARAMETERS.filter((area) => disabled.has(area));
  }

  setDisabledAreas(ods: string, areas: readonly ClinicalAreaParameter[]): void {
    this.disabled.replace(ods, areas);
  }

  organisationsWithoutAgreement(ods: string): ReadonlySet<string> {
    return this.withoutAgreement.of(ods);
  }

  setOrganisationsWithoutAgreement(ods: string, codes: readonly string[]): void {
    this.withoutAgreement.replace(ods, codes);
  }

  /** Drops every setting of a practice that has gone. */
  forget(ods: string): void {
    this.disabled.forget(ods);
    this.withoutAgreement.forget(ods);
  }
}
