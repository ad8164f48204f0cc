/**
 * Expectations that set the gateway's record beside the practice's own: the harness asks the practice itself
 * (../north/practice-request.ts) and compares, so a gateway that loses part of a record is caught however
 * well-formed what it kept is.
 */

import { requestFromPractice } from "../north/practice-request.js";
import { accepts, DEFAULT_AREAS } from "../north/record-request.js";
import { asBundle, resourceCounts } from "../oracle/bundle.js";
import { recordIntact } from "../oracle/record-intact.js";
import type { WorldPatient } from "../world.js";
import { ScenarioSkipped } from "./checks.js";
import type { RecordExpectation } from "./records.js";
import { SouthExpectations } from "./south.js";
import { plural } from "./words.js";

export class PracticeRecordExpectations extends SouthExpectations {
  /**
   * The record holds everything the practice's record holds for the same request: as many resources of each
   * type as the practice answers the harness directly. Skipped when the practice will not answer the harness.
   */
  async wholeRecord(
    bundle: fhir.Bundle,
    patient: WorldPatient,
    expected: RecordExpectation = {},
  ): Promise<void> {
    const held = await this.practiceRecord(patient, expected);
    const practiceCounts = resourceCounts(held);
    const gatewayCounts = resourceCounts(bundle);
    const missing = [...practiceCounts]
      .filter(([type, count]) => (gatewayCounts.get(type) ?? 0) < count)
      .map(([type, count]) => `${count - (gatewayCounts.get(type) ?? 0)} of ${count} ${type}`);
    const total = [...practiceCounts.values()].reduce((sum, count) => sum + count, 0);
    this.check(
      "the record holds everything the practice's record holds",
      missing.length === 0,
      missing.length === 0
        ? `all ${plural(total, "resource")} of the practice's record, type for type`
        : `the practice's record holds ${plural(total, "resource")}; missing from the gateway's: ${missing.join(", ")}`,
    );
  }

  /**
   * Every resource of the practice's record is in the gateway's unchanged, element for element (extensions,
   * codings and notes it may not know included), unless the gateway's Bundle says in an OperationOutcome what it
   * left out. Skipped when the practice will not answer the harness.
   */
  async recordIntact(
    bundle: fhir.Bundle,
    patient: WorldPatient,
    expected: RecordExpectation = {},
  ): Promise<void> {
    const report = recordIntact(await this.practiceRecord(patient, expected), bundle);
    const shown = report.differences
      .slice(0, 3)
      .map(
        (d) =>
          `${d.resource}${d.path === "" ? "" : ` ${d.path}`}: the practice's ${d.practice}, the gateway's ${d.gateway}`,
      );
    const more = report.differences.length > 3 ? `; and ${report.differences.length - 3} more` : "";
    const declared =
      report.declared.length === 0
        ? ""
        : `; ${plural(report.declared.length, "resource")} left out, as the gateway said`;
    this.check(
      "the record passed through intact",
      report.differences.length === 0,
      report.differences.length === 0
        ? `${plural(report.compared, "resource")} of the practice's record compared, element for element${declared}`
        : `${plural(report.differences.length, "resource")} of ${report.compared} changed without a word: ${shown.join("; ")}${more}`,
    );
  }

  /** The practice's own record for the same request, asked by the harness directly. */
  private async practiceRecord(patient: WorldPatient, expected: RecordExpectation): Promise<fhir.Bundle> {
    const accepted = this.options.acceptedParameters ?? "all";
    const areas = (expected.areas ?? DEFAULT_AREAS).filter((area) => accepts(accepted, area));
    const reply = await requestFromPractice(patient.practice, patient.nhsNumber, areas);
    const held = reply.status === 200 ? asBundle(reply.body) : undefined;
    if (held === undefined) {
      throw new ScenarioSkipped(
        `the practice ${patient.practice.ods} did not give the harness the record to compare with (${
          reply.status === 0 ? reply.error : `HTTP ${reply.status}`
        })`,
      );
    }
    return held;
  }
}
