/** Expectations about what the gateway did south: what it asked PDS and the practices, and with whose identity. */
import { SDS_USER_ID_SYSTEM } from "../../gpconnect/identifiers.js";
import type { JournalEntry } from "../../simulators/index.js";
import { HARNESS_CLINICIAN } from "../north/identity.js";
import { readBearerToken } from "../oracle/gpconnect-jwt.js";
import { nhsNumbersAskedFor, requestNames } from "../oracle/structured-request.js";
import type { WorldPatient, WorldPractice } from "../world.js";
import { ClinicalExpectations } from "./clinical.js";
import { plural } from "./words.js";

export class SouthExpectations extends ClinicalExpectations {
  /** The practice was never asked for the patient's record. */
  async noRecordRequestTo(practice: WorldPractice, patient: WorldPatient): Promise<void> {
    await this.settled();
    // The practice is the scenario's own: any record request reaching it is one too many, whoever it names.
    const requests = await this.recordRequestsAt(practice);
    const forPatient = requests.filter((e) => nhsNumbersAskedFor(e.body).includes(patient.nhsNumber));
    const others = requests.length - forPatient.length;
    this.check(
      `no record request reached the practice (${practice.ods})`,
      requests.length === 0,
      requests.length === 0
        ? "the practice's journal holds no record request for the patient"
        : `the practice received ${plural(forPatient.length, "record request")} for the patient` +
            (others === 0 ? "" : ` and ${plural(others, "other record request")}`),
    );
  }

  /** The practice was asked for the patient's record (so the answer did come from it). */
  async recordRequestedFrom(practice: WorldPractice, patient: WorldPatient): Promise<JournalEntry> {
    const requests = (await this.recordRequestsAt(practice)).filter((e) =>
      nhsNumbersAskedFor(e.body).includes(patient.nhsNumber),
    );
    this.precondition(
      `the record was requested from the practice (${practice.ods})`,
      requests.length > 0,
      requests.length > 0
        ? `${requests.length} record request${requests.length === 1 ? "" : "s"}, answered ${requests.map((r) => r.status).join(", ")}`
        : "the practice's journal holds no record request for the patient",
    );
    return requests[0]!;
  }

  /**
   * The record request that reached the practice named the clinician who asked (their SDS user id in the
   * JWT's requesting_practitioner), so the practice's audit trail shows a person, not just a gateway.
   */
  practitionerForwarded(practiceRequest: JournalEntry): void {
    const token = readBearerToken(practiceRequest.headers.authorization);
    const practitioner = (token.ok ? token.claims.requesting_practitioner : undefined) as
      | { identifier?: Array<{ system?: string; value?: string }> }
      | undefined;
    const ids = Array.isArray(practitioner?.identifier) ? practitioner.identifier : [];
    const sdsUserId = ids.find((id) => id?.system === SDS_USER_ID_SYSTEM)?.value;
    this.check(
      "the clinician's identity reached the practice",
      sdsUserId === HARNESS_CLINICIAN.sdsUserId,
      !token.ok
        ? `the practice's request carried no readable JWT: ${token.problem}`
        : practitioner === undefined
          ? "the practice's JWT has no requesting_practitioner"
          : `the practice's JWT names SDS user id ${sdsUserId ?? "none"} (the clinician is ${HARNESS_CLINICIAN.sdsUserId})`,
    );
  }

  /** No request naming this NHS number reached PDS. */
  async noPdsLookup(nhsNumber: string): Promise<void> {
    await this.settled();
    // Every PDS request since the scenario began that names the number anywhere in its path or query.
    const lookups = (await this.journal("pds")).filter((e) => requestNames(e, nhsNumber));
    this.check(
      "PDS was not asked about the number",
      lookups.length === 0,
      lookups.length === 0
        ? "PDS's journal holds no request for it"
        : `PDS received ${lookups.length} request${lookups.length === 1 ? "" : "s"} for ${nhsNumber}`,
    );
  }

  /**
   * No record request naming the patient reached the practice they left (`patient.previousPractice`, one of the
   * region's, shared with other scenarios: only requests naming the patient count).
   */
  async noRecordRequestFor(patient: WorldPatient, practice: { readonly ods: string }): Promise<void> {
    await this.settled();
    const forPatient = (await this.recordRequestsAt(practice)).filter((e) =>
      nhsNumbersAskedFor(e.body).includes(patient.nhsNumber),
    );
    this.check(
      `no record request for the patient reached the practice they left (${practice.ods})`,
      forPatient.length === 0,
      forPatient.length === 0
        ? "its journal holds no record request for the patient"
        : `it received ${plural(forPatient.length, "record request")} for the patient, answered ${forPatient.map((r) => r.status).join(", ")}`,
    );
  }

  /** The practice was asked for the patient's record exactly once: a refusal it gave was not asked again. */
  async recordRequestedOnce(practice: WorldPractice, patient: WorldPatient): Promise<void> {
    await this.settled();
    const forPatient = (await this.recordRequestsAt(practice)).filter((e) =>
      nhsNumbersAskedFor(e.body).includes(patient.nhsNumber),
    );
    this.check(
      `the practice (${practice.ods}) was asked for the record exactly once`,
      forPatient.length === 1,
      forPatient.length === 0
        ? "the practice's journal holds no record request for the patient"
        : `${plural(forPatient.length, "record request")}, answered ${forPatient.map((r) => r.status).join(", ")}`,
    );
  }
}
