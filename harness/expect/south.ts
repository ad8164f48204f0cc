/** Expectations about what the gateway did south: what it asked PDS and the practices, and with whose identity. */
import { ODS_ORGANISATION_SYSTEM, SDS_USER_ID_SYSTEM } from "../../gpconnect/identifiers.js";
import { REASON_FOR_REQUEST } from "../../gpconnect/jwt.js";
import type { JournalEntry } from "../../simulators/index.js";
import { HARNESS_CLINICIAN, HARNESS_CONSUMER } from "../north/identity.js";
import { readBearerToken } from "../oracle/gpconnect-jwt.js";
import { nhsNumbersAskedFor, requestNames } from "../oracle/structured-request.js";
import type { WorldPatient, WorldPractice } from "../world.js";
import { ClinicalExpectations } from "./clinical.js";
import { plural } from "./words.js";

/** A SMART-on-FHIR read scope as GP Connect uses them: `patient/*.read`, `organization/*.read`. */
const READ_SCOPE = /^(?:patient|organization)\/[A-Za-z*]+\.read$/;
/** A confidentiality scope a GP Connect token may add (`conf/N`). */
const CONFIDENTIALITY_SCOPE = /^conf\/[A-Z]$/;

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
    this.identityForwarded(practiceRequest, {
      check: "the clinician's identity reached the practice",
      claim: "requesting_practitioner",
      system: SDS_USER_ID_SYSTEM,
      idWords: "SDS user id",
      expected: HARNESS_CLINICIAN.sdsUserId,
      whose: "the clinician",
    });
  }

  /**
   * The practice received no more than `max` record requests in the whole scenario, once the world is
   * settled: a gateway's retries are bounded, so a struggling practice is not hammered.
   */
  async recordRequestsAtMost(practice: WorldPractice, max: number): Promise<void> {
    await this.settled();
    const requests = await this.recordRequestsAt(practice);
    this.check(
      `the practice received at most ${plural(max, "record request")}`,
      requests.length <= max,
      `the practice (${practice.ods}) received ${plural(requests.length, "record request")}` +
        (requests.length === 0 ? "" : `, answered ${requests.map((r) => r.status).join(", ")}`),
    );
  }

  /**
   * The record request that reached the practice named the consumer's organisation (its ODS code in the JWT's
   * requesting_organization), not the gateway's: the practice's audit and its sharing agreements are about the
   * organisation whose clinician asked.
   */
  organisationForwarded(practiceRequest: JournalEntry): void {
    this.identityForwarded(practiceRequest, {
      check: "the organisation's identity reached the practice",
      claim: "requesting_organization",
      system: ODS_ORGANISATION_SYSTEM,
      idWords: "ODS code",
      expected: HARNESS_CONSUMER.ods,
      whose: "the consumer's organisation",
    });
  }

  /** The practice's JWT carried `claim` with an identifier of `system` equal to `expected`. */
  private identityForwarded(
    practiceRequest: JournalEntry,
    want: {
      check: string;
      claim: string;
      system: string;
      idWords: string;
      expected: string;
      whose: string;
    },
  ): void {
    const token = readBearerToken(practiceRequest.headers.authorization);
    const holder = (token.ok ? token.claims[want.claim] : undefined) as
      | { identifier?: Array<{ system?: string; value?: string }> }
      | undefined;
    const ids = Array.isArray(holder?.identifier) ? holder.identifier : [];
    const value = ids.find((id) => id?.system === want.system)?.value;
    this.check(
      want.check,
      value === want.expected,
      !token.ok
        ? `the practice's request carried no readable JWT: ${token.problem}`
        : holder === undefined
          ? `the practice's JWT has no ${want.claim}`
          : `the practice's JWT names ${want.idWords} ${value ?? "none"} (${want.whose} is ${want.expected})`,
    );
  }

  /**
   * The record request that reached the practice says it is for direct care (reason_for_request "directcare")
   * and asks only to read (every scope in requested_scope a read scope, beside an optional confidentiality
   * scope), as GP Connect requires of a structured-record request.
   */
  readsForDirectCare(practiceRequest: JournalEntry): void {
    const token = readBearerToken(practiceRequest.headers.authorization);
    const reason = token.ok ? token.claims.reason_for_request : undefined;
    const scope = token.ok ? token.claims.requested_scope : undefined;
    const scopes = typeof scope === "string" ? scope.trim().split(/\s+/) : [];
    const reads = scopes.filter((s) => READ_SCOPE.test(s));
    const readOnly =
      reads.length > 0 && scopes.every((s) => READ_SCOPE.test(s) || CONFIDENTIALITY_SCOPE.test(s));
    this.check(
      "the practice's JWT asks to read, for direct care",
      reason === REASON_FOR_REQUEST && readOnly,
      !token.ok
        ? `the practice's request carried no readable JWT: ${token.problem}`
        : `reason_for_request ${JSON.stringify(reason)}, requested_scope ${JSON.stringify(scope)}`,
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
