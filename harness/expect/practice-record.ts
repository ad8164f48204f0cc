/**
 * Expectations that set the gateway's record beside the practice's own: the harness asks the practice itself
 * (../north/practice-request.ts) and compares, so a gateway that loses part of a record is caught however
 * well-formed what it kept is.
 */

import { requestFromPractice } from "../north/practice-request.js";
import { accepts, DEFAULT_AREAS } from "../north/record-request.js";
import { asBundle, resourceCounts } from "../oracle/bundle.js";
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
}
