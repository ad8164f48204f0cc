/**
 * Named expectations, as Inferno's assertions: each records a check with what was seen, and a failed one
 * stops the scenario. Scenario files call these and never look at HTTP plumbing themselves. What the gateway
 * answered and what it sent south are read with the harness's own code (./oracle), never the simulators'.
 */

import { SDS_USER_ID_SYSTEM } from "../gpconnect/identifiers.js";
import type { ControlClient, JournalEntry, JournalTargetKind } from "../simulators/index.js";
import type { GatewayAnswer } from "./north/consumer.js";
import { HARNESS_CLINICIAN } from "./north/identity.js";
import { asBundle, listedMedications, namesPatient, outcomeExplanation } from "./oracle/bundle.js";
import { readBearerToken } from "./oracle/gpconnect-jwt.js";
import { codesUnderOtherSystems, spineErrorCode } from "./oracle/operation-outcome.js";
import {
  nhsNumbersAskedFor,
  requestNames,
  STRUCTURED_RECORD_OPERATION_PATH,
} from "./oracle/structured-request.js";
import type { CheckResult } from "./run-result.js";
import type { WorldPatient, WorldPractice } from "./world.js";

/** Thrown by a failed expectation: the scenario fails with this message. */
export class ExpectationFailure extends Error {}

/** Thrown when a scenario cannot be checked (the result is `skip`, not `fail`). */
export class ScenarioSkipped extends Error {}

const PRESCRIBING_AGENCY_URL =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescribingAgency-1";

export interface ExpectOptions {
  readonly control: ControlClient;
  /**
   * How long to wait before concluding that something did NOT happen on the south side: a gateway that
   * answers first and fetches afterwards must still be caught.
   */
  readonly settleMs: number;
  /** When the scenario began (ISO): south requests before it belong to other scenarios. */
  readonly since: string;
}

export class Expect {
  readonly checks: CheckResult[] = [];

  constructor(private readonly options: ExpectOptions) {}

  /** The gateway returned the patient's structured record. */
  record(answer: GatewayAnswer, patient: WorldPatient): fhir.Bundle {
    this.status(answer, 200);
    const bundle = this.bundleOf(answer);
    const named = namesPatient(bundle, patient.nhsNumber);
    this.check(
      "the record is the patient's",
      named,
      named
        ? `the bundle's Patient carries NHS number ${patient.nhsNumber}`
        : `no Patient in the bundle carries NHS number ${patient.nhsNumber}`,
    );
    return bundle;
  }

  /** The gateway answered with this HTTP status. */
  status(answer: GatewayAnswer, expected: number): void {
    this.check(
      `HTTP status ${expected}`,
      answer.status === expected,
      answer.status === 0
        ? `no HTTP answer: ${answer.error}`
        : `the gateway answered ${answer.status}${codeNote(answer)}`,
    );
  }

  /** The gateway refused, with the GP Connect error code given (403). */
  refused(answer: GatewayAnswer, code: string): void {
    this.error(answer, 403, code);
  }

  /** The gateway answered an OperationOutcome with this status and Spine error code. */
  error(answer: GatewayAnswer, status: number, code: string): void {
    this.status(answer, status);
    const seen = spineErrorCode(answer.body);
    const misplaced = codesUnderOtherSystems(answer.body);
    this.check(
      `error code ${code}`,
      seen === code,
      seen !== undefined
        ? `the error code is ${seen}`
        : misplaced.length > 0
          ? `the answer carries no Spine error code (Spine-ErrorOrWarningCode-1), only ${misplaced.join("; ")}`
          : "the answer carries no OperationOutcome with a Spine error code",
    );
  }

  /**
   * The gateway reported a failure it could not get past (5xx with an OperationOutcome explaining it),
   * within the time budget, rather than hanging or pretending.
   */
  unavailable(answer: GatewayAnswer, budgetMs: number): void {
    const elapsed = Math.round(answer.elapsedMs);
    this.check(
      `answered within ${budgetMs} ms`,
      answer.status !== 0 && answer.elapsedMs <= budgetMs,
      answer.status === 0 ? `no HTTP answer: ${answer.error}` : `answered in ${elapsed} ms`,
    );
    this.check(
      "a server-side error status (5xx)",
      answer.status >= 500 && answer.status <= 599,
      `the gateway answered ${answer.status}${codeNote(answer)}`,
    );
    const diagnostics = outcomeExplanation(answer.body);
    this.check(
      "an OperationOutcome that says what went wrong",
      diagnostics !== undefined && diagnostics.trim().length > 0,
      diagnostics === undefined
        ? "no OperationOutcome with diagnostics or details text"
        : `it says: "${diagnostics}"`,
    );
  }

  /** A medication matching `name` is in the returned record; the MedicationStatement is returned. */
  medicationListed(bundle: fhir.Bundle, name: RegExp): fhir.MedicationStatement {
    const listed = listedMedications(bundle);
    const found = listed.find((medication) => name.test(medication.name));
    const names = listed.map((medication) => medication.name).filter((n) => n !== "");
    this.check(
      `a medication matching ${name} is listed`,
      found !== undefined,
      found
        ? `found "${found.name}"`
        : `medications listed: ${names.length === 0 ? "none" : names.join("; ")}`,
    );
    return found!.statement;
  }

  /** The medication carries the prescribing-agency extension: prescribed by another organisation. */
  prescribedElsewhere(statement: fhir.MedicationStatement): void {
    const agency = (statement.extension ?? []).find((e) => e.url === PRESCRIBING_AGENCY_URL);
    const concept = agency?.valueCodeableConcept;
    const code = concept?.coding?.[0]?.code;
    this.check(
      "it is marked as prescribed by another organisation",
      code === "prescribed-by-another-organisation",
      agency === undefined
        ? "the MedicationStatement has no prescribing agency extension"
        : `prescribing agency: ${code ?? "no code"}${concept?.text ? ` (${concept.text})` : ""}`,
    );
  }

  /** The practice was never asked for the patient's record. */
  async noRecordRequestTo(practice: WorldPractice, patient: WorldPatient): Promise<void> {
    await delay(this.options.settleMs);
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
    this.check(
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
    await delay(this.options.settleMs);
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

  private bundleOf(answer: GatewayAnswer): fhir.Bundle {
    const bundle = asBundle(answer.body);
    this.check(
      "a FHIR Bundle",
      bundle !== undefined,
      bundle !== undefined ? "the body is a Bundle" : `the body is ${describeBody(answer)}`,
    );
    return bundle!;
  }

  /** The requests a simulator received since the scenario began (a practice's: the scenario's own). */
  private journal(target: JournalTargetKind, ods?: string): Promise<JournalEntry[]> {
    return this.options.control.journal({ target, since: this.options.since, ...(ods ? { ods } : {}) });
  }

  /** Structured-record requests (POST .../Patient/$gpc.getstructuredrecord) the practice received. */
  private async recordRequestsAt(practice: WorldPractice): Promise<JournalEntry[]> {
    return (await this.journal("practice", practice.ods)).filter(
      (e) => e.method === "POST" && STRUCTURED_RECORD_OPERATION_PATH.test(e.path),
    );
  }

  private check(name: string, passed: boolean, detail: string): void {
    this.checks.push({ name, passed, detail });
    if (!passed) throw new ExpectationFailure(`${name}: ${detail}`);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function codeNote(answer: GatewayAnswer): string {
  const code = spineErrorCode(answer.body);
  return code === undefined ? "" : ` (${code})`;
}

function describeBody(answer: GatewayAnswer): string {
  if (answer.status === 0) return `missing: ${answer.error}`;
  const type = (answer.body as { resourceType?: unknown } | undefined)?.resourceType;
  if (typeof type === "string") return `a ${type}${codeNote(answer)}`;
  return answer.text === "" ? "empty" : "not FHIR JSON";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
