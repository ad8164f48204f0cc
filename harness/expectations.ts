/**
 * Named expectations, as Inferno's assertions: each records a check with what was seen, and a failed one
 * stops the scenario. Scenario files call these and never look at HTTP plumbing themselves.
 */

import { NHS_NUMBER_SYSTEM, SDS_USER_ID_SYSTEM } from "../gpconnect/identifiers.js";
import type { ControlClient, JournalEntry } from "../simulators/index.js";
import { type GatewayAnswer, HARNESS_CLINICIAN } from "./consumer.js";
import { spineErrorCode } from "./oracle/operation-outcome.js";
import type { CheckResult } from "./run-result.js";
import type { WorldPatient, WorldPractice } from "./world.js";

/** Thrown by a failed expectation: the scenario fails with this message. */
export class ExpectationFailure extends Error {}

/** Thrown when a scenario cannot be checked (the result is `skip`, not `fail`). */
export class ScenarioSkipped extends Error {}

const STRUCTURED_RECORD_PATH = /\/Patient\/\$gpc\.getstructuredrecord$/i;
const PRESCRIBING_AGENCY_URL =
  "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-PrescribingAgency-1";

export interface ExpectOptions {
  readonly control: ControlClient;
  /**
   * How long to wait before concluding that something did NOT happen on the south side: a gateway that
   * answers first and fetches afterwards must still be caught.
   */
  readonly settleMs: number;
}

export class Expect {
  readonly checks: CheckResult[] = [];

  constructor(private readonly options: ExpectOptions) {}

  /** The gateway returned the patient's structured record. */
  record(answer: GatewayAnswer, patient: WorldPatient): fhir.Bundle {
    this.status(answer, 200);
    const bundle = this.bundleOf(answer);
    const patients = resources(bundle, "Patient") as fhir.Patient[];
    const named = patients.some((p) =>
      (p.identifier ?? []).some((id) => id.system === NHS_NUMBER_SYSTEM && id.value === patient.nhsNumber),
    );
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
    this.check(
      `error code ${code}`,
      seen === code,
      seen === undefined
        ? "the answer carries no OperationOutcome with a Spine error code"
        : `the error code is ${seen}`,
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
    const diagnostics = diagnosticsOf(answer.body);
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
    const medications = new Map<string, fhir.Medication>();
    for (const m of resources(bundle, "Medication") as fhir.Medication[]) {
      if (m.id) medications.set(`Medication/${m.id}`, m);
    }
    const statements = resources(bundle, "MedicationStatement") as fhir.MedicationStatement[];
    const found = statements.find((s) => name.test(medicationName(s, medications)));
    const names = statements.map((s) => medicationName(s, medications)).filter((n) => n !== "");
    this.check(
      `a medication matching ${name} is listed`,
      found !== undefined,
      found
        ? `found "${medicationName(found, medications)}"`
        : `medications listed: ${names.length === 0 ? "none" : names.join("; ")}`,
    );
    return found!;
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
    const requests = (await this.journal({ target: "practice", ods: practice.ods })).filter(
      (e) => e.method === "POST" && STRUCTURED_RECORD_PATH.test(e.path) && e.nhsNumber === patient.nhsNumber,
    );
    this.check(
      `no record request reached the practice (${practice.ods})`,
      requests.length === 0,
      requests.length === 0
        ? "the practice's journal holds no record request for the patient"
        : `the practice received ${requests.length} record request${requests.length === 1 ? "" : "s"} for the patient`,
    );
  }

  /** The practice was asked for the patient's record (so the answer did come from it). */
  async recordRequestedFrom(practice: WorldPractice, patient: WorldPatient): Promise<JournalEntry> {
    const requests = (await this.journal({ target: "practice", ods: practice.ods })).filter(
      (e) => e.method === "POST" && STRUCTURED_RECORD_PATH.test(e.path) && e.nhsNumber === patient.nhsNumber,
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
    const practitioner = practiceRequest.jwtClaims?.requesting_practitioner as
      | { identifier?: Array<{ system?: string; value?: string }> }
      | undefined;
    const ids = Array.isArray(practitioner?.identifier) ? practitioner.identifier : [];
    const sdsUserId = ids.find((id) => id?.system === SDS_USER_ID_SYSTEM)?.value;
    this.check(
      "the clinician's identity reached the practice",
      sdsUserId === HARNESS_CLINICIAN.sdsUserId,
      practiceRequest.jwtClaims === undefined
        ? "the practice's request carried no readable JWT"
        : practitioner === undefined
          ? "the practice's JWT has no requesting_practitioner"
          : `the practice's JWT names SDS user id ${sdsUserId ?? "none"} (the clinician is ${HARNESS_CLINICIAN.sdsUserId})`,
    );
  }

  /** No request naming this NHS number reached PDS. */
  async noPdsLookup(nhsNumber: string): Promise<void> {
    await delay(this.options.settleMs);
    const lookups = await this.journal({ target: "pds", nhsNumber });
    this.check(
      "PDS was not asked about the number",
      lookups.length === 0,
      lookups.length === 0
        ? "PDS's journal holds no request for it"
        : `PDS received ${lookups.length} request${lookups.length === 1 ? "" : "s"} for ${nhsNumber}`,
    );
  }

  private bundleOf(answer: GatewayAnswer): fhir.Bundle {
    const body = answer.body as { resourceType?: unknown } | undefined;
    const isBundle = body?.resourceType === "Bundle";
    this.check(
      "a FHIR Bundle",
      isBundle,
      isBundle ? "the body is a Bundle" : `the body is ${describeBody(answer)}`,
    );
    return body as fhir.Bundle;
  }

  private async journal(filter: { target: "pds" | "sds" | "practice"; ods?: string; nhsNumber?: string }) {
    return this.options.control.journal(filter);
  }

  private check(name: string, passed: boolean, detail: string): void {
    this.checks.push({ name, passed, detail });
    if (!passed) throw new ExpectationFailure(`${name}: ${detail}`);
  }
}

function resources(bundle: fhir.Bundle, type: string): fhir.Resource[] {
  return (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is fhir.Resource => r?.resourceType === type);
}

function medicationName(
  statement: fhir.MedicationStatement,
  medications: Map<string, fhir.Medication>,
): string {
  const concept =
    statement.medicationCodeableConcept ??
    medications.get(statement.medicationReference?.reference ?? "")?.code;
  return concept?.text ?? concept?.coding?.[0]?.display ?? "";
}

function diagnosticsOf(body: unknown): string | undefined {
  const outcome = body as fhir.OperationOutcome | undefined;
  if (outcome?.resourceType !== "OperationOutcome") return undefined;
  const issue = outcome.issue?.[0];
  return issue?.diagnostics ?? issue?.details?.text ?? issue?.details?.coding?.[0]?.display;
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
