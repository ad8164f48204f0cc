/**
 * Named expectations, as Inferno's assertions: each records a check with what was seen. Scenario files call
 * these and never look at HTTP plumbing themselves. What the gateway answered and what it sent south are read
 * with the harness's own code (./oracle), never the simulators'.
 *
 * Every check runs and is reported: a failed check is recorded and the scenario carries on, so one run shows
 * everything that is wrong; the scenario fails when any check failed. The exception is a **precondition**: a
 * check whose failure makes the checks after it meaningless, because they need what it established. A failed
 * precondition stops the scenario. The rule: a check is a precondition exactly when the expectation goes on
 * to read, or hands back to the scenario, something that only exists when the check passed —
 * - `record`: "HTTP status 200" and "a FHIR Bundle" (the Bundle is read and returned);
 * - `medicationListed`: the medication is found (its statement is returned);
 * - `recordRequestedFrom`: the practice was asked (the request is returned).
 * Everything else is soft, `error`'s and `refused`'s status included: the error code and what the answer
 * leaks are worth reporting whatever the status was.
 *
 * Checks made on every record (`record`): valid FHIR STU3 (the official schema, one failed check per
 * violation) and the GP Connect structured-record rules. Checks made on every error answer (`error`,
 * `refused`, `unavailable`): it leaks no stack trace, file path, internal address or patient detail
 * (`leaksNothing`). Checks that something did not happen south first wait until the world is settled.
 */

import { SDS_USER_ID_SYSTEM } from "../gpconnect/identifiers.js";
import type { ClinicalAreaParameter } from "../gpconnect/parameters.js";
import type { ListWarning } from "../gpconnect/profiles.js";
import type { ControlClient, JournalEntry, JournalTargetKind } from "../simulators/index.js";
import type { GatewayAnswer } from "./north/consumer.js";
import { HARNESS_CLINICIAN } from "./north/identity.js";
import { accepts, DEFAULT_AREAS } from "./north/record-request.js";
import { asBundle, listedMedications, namesPatient, outcomeExplanation } from "./oracle/bundle.js";
import { evaluateFhirPath } from "./oracle/fhirpath.js";
import { readBearerToken } from "./oracle/gpconnect-jwt.js";
import { LEAK_KINDS, type LeakKind, leaksIn, type PatientDetails } from "./oracle/leaks.js";
import { type ListName, listMeant, listWarnings } from "./oracle/list-warnings.js";
import { codesUnderOtherSystems, spineErrorCode } from "./oracle/operation-outcome.js";
import { structuredRecordRules } from "./oracle/structured-record-rules.js";
import {
  nhsNumbersAskedFor,
  requestNames,
  STRUCTURED_RECORD_OPERATION_PATH,
} from "./oracle/structured-request.js";
import { validateStu3Bundle } from "./oracle/stu3-schema.js";
import type { CheckResult } from "./run-result.js";
import type { WorldPatient, WorldPractice } from "./world.js";

/** Thrown by a failed precondition: the scenario stops and fails with this message. */
export class ExpectationFailure extends Error {}

/** How many failed checks a scenario's message names before "and N more". */
const FAILURES_NAMED = 3;
/** How many schema violations of one record are recorded as checks before the rest are counted. */
const VIOLATIONS_RECORDED = 20;

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
  /**
   * Resolves when the world is settled: every request the scenario sent answered and the south journal quiet
   * about the world (harness/world/settle.ts). Without it, a fixed wait of `settleMs`.
   */
  readonly settled?: () => Promise<void>;
  /** When the scenario began (ISO): south requests before it belong to other scenarios. */
  readonly since: string;
  /** Base URLs of the services behind the gateway (PDS, SDS, practices): an error answer must not name them. */
  readonly internalUrls?: readonly string[];
  /** The scenario's patient, whose details an error answer must not carry. */
  readonly patient?: PatientDetails;
  /**
   * The parameters the gateway's profile accepts (default "all"): an area it cannot be asked for is never
   * asked, so its List is not expected.
   */
  readonly acceptedParameters?: "all" | readonly string[];
  /** The FHIR STU3 JSON Schema file (default: GP_HARNESS_FHIR_SCHEMA, then ../shared/reference/). */
  readonly fhirSchema?: string;
}

/**
 * What `record` checks the Bundle against: the clinical areas asked for (default: allergies and medication,
 * as the consumer asks), less those the gateway's profile does not accept.
 */
export interface RecordExpectation {
  readonly areas?: readonly ClinicalAreaParameter[];
}

export class Expect {
  readonly checks: CheckResult[] = [];

  constructor(private readonly options: ExpectOptions) {}

  /** Waits until nothing more can arrive south for the scenario (see ExpectOptions.settled). */
  private settled(): Promise<void> {
    return this.options.settled?.() ?? delay(this.options.settleMs);
  }

  /**
   * The gateway returned the patient's structured record: status 200 and a Bundle (preconditions), the
   * patient's, valid FHIR STU3 and following GP Connect's structured-record rules for the areas asked for.
   */
  record(answer: GatewayAnswer, patient: WorldPatient, expected: RecordExpectation = {}): fhir.Bundle {
    this.precondition(...statusVerdict(answer, 200));
    const bundle = asBundle(answer.body);
    this.precondition(
      "a FHIR Bundle",
      bundle !== undefined,
      bundle !== undefined ? "the body is a Bundle" : `the body is ${describeBody(answer)}`,
    );
    const named = namesPatient(bundle!, patient.nhsNumber);
    this.check(
      "the record is the patient's",
      named,
      named
        ? `the bundle's Patient carries NHS number ${patient.nhsNumber}`
        : `no Patient in the bundle carries NHS number ${patient.nhsNumber}`,
    );
    this.validStu3(bundle!);
    const accepted = this.options.acceptedParameters ?? "all";
    const areas = (expected.areas ?? DEFAULT_AREAS).filter((area) => accepts(accepted, area));
    const request = { nhsNumber: patient.nhsNumber, ods: patient.practice.ods, areas };
    for (const rule of structuredRecordRules(bundle!, request))
      this.check(rule.name, rule.passed, rule.detail);
    return bundle!;
  }

  /** The record is valid against the official FHIR STU3 schema: one failed check per violation. */
  validStu3(bundle: fhir.Bundle): void {
    const name = "the record is valid FHIR STU3";
    const validation = validateStu3Bundle(bundle, this.options.fhirSchema);
    if (!validation.ran) {
      this.check(name, true, `NOT RUN: ${validation.reason}`, true);
      return;
    }
    const { violations } = validation;
    if (violations.length === 0) {
      this.check(name, true, `${bundle.entry?.length ?? 0} entries, all valid against the STU3 schema`);
      return;
    }
    for (const violation of violations.slice(0, VIOLATIONS_RECORDED)) this.check(name, false, violation);
    const more = violations.length - VIOLATIONS_RECORDED;
    if (more > 0) this.check(name, false, `and ${plural(more, "more violation")}`);
  }

  /** The FHIRPath expression, evaluated over the resource (STU3 model), is true. */
  fhirpath(resource: fhir.Resource, expression: string, description: string): boolean {
    const result = evaluateFhirPath(resource, expression);
    const passed = result.ok && result.value.length === 1 && result.value[0] === true;
    return this.check(
      description,
      passed,
      result.ok
        ? `${expression} gave ${JSON.stringify(result.value)}`
        : `${expression} could not be evaluated: ${result.problem}`,
    );
  }

  /** The List of a clinical area (`includeAllergies`, or its SNOMED CT code) carries this warning. */
  warning(bundle: fhir.Bundle, list: ListName, warning: ListWarning): boolean {
    const { label } = listMeant(list);
    const lists = listWarnings(bundle, list);
    return this.check(
      `the ${label} warns ${warning}`,
      lists.some((codes) => codes.includes(warning)),
      describeWarnings(lists),
    );
  }

  /** The List of a clinical area carries no warning (of this code, when one is given). */
  noWarning(bundle: fhir.Bundle, list: ListName, warning?: ListWarning): boolean {
    const { label } = listMeant(list);
    const lists = listWarnings(bundle, list);
    const unwanted = lists.flat().filter((code) => warning === undefined || code === warning);
    return this.check(
      `the ${label} carries no ${warning ?? "warning"}`,
      lists.length > 0 && unwanted.length === 0,
      describeWarnings(lists),
    );
  }

  /** The gateway answered with this HTTP status. */
  status(answer: GatewayAnswer, expected: number): boolean {
    return this.check(...statusVerdict(answer, expected));
  }

  /** The gateway refused, with the GP Connect error code given (403), leaking nothing. */
  refused(answer: GatewayAnswer, code: string): void {
    this.error(answer, 403, code);
  }

  /** The gateway answered an OperationOutcome with this status and Spine error code, leaking nothing. */
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
    this.errorLeaksNothing(answer);
  }

  /**
   * The answer carries no stack trace, file path, internal address (the services behind the gateway, any
   * loopback host:port) or detail of the patient (name, date of birth, address; the NHS number the consumer
   * sent may be echoed). One check per kind of leak.
   */
  leaksNothing(answer: GatewayAnswer, patient: PatientDetails | undefined = this.options.patient): boolean {
    const found = leaksIn(answer.text, {
      ...(this.options.internalUrls ? { internalUrls: this.options.internalUrls } : {}),
      ...(patient ? { patient } : {}),
    });
    let clean = true;
    for (const kind of Object.keys(LEAK_KINDS) as LeakKind[]) {
      const seen = found[kind];
      clean =
        this.check(
          `the answer leaks ${LEAK_KINDS[kind]}`,
          seen === undefined,
          seen === undefined ? "none found in the body" : `the body carries "${seen}"`,
        ) && clean;
    }
    return clean;
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
    this.errorLeaksNothing(answer);
  }

  /** An error answer (an HTTP answer outside 2xx) is checked for leaks; a success or no answer is not. */
  private errorLeaksNothing(answer: GatewayAnswer): void {
    if (answer.status !== 0 && (answer.status < 200 || answer.status > 299)) this.leaksNothing(answer);
  }

  /** A medication matching `name` is in the returned record; the MedicationStatement is returned. */
  medicationListed(bundle: fhir.Bundle, name: RegExp): fhir.MedicationStatement {
    const listed = listedMedications(bundle);
    const found = listed.find((medication) => name.test(medication.name));
    const names = listed.map((medication) => medication.name).filter((n) => n !== "");
    this.precondition(
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

  /** The failed checks in words, the first few then "and N more"; undefined when none failed. */
  failures(): string | undefined {
    const failed = this.checks.filter((c) => !c.passed);
    if (failed.length === 0) return undefined;
    const named = failed.slice(0, FAILURES_NAMED).map((c) => `${c.name}: ${c.detail}`);
    const more = failed.length - named.length;
    return `${named.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
  }

  /** Records a check; a failed one is reported and the scenario carries on. */
  private check(name: string, passed: boolean, detail: string, notRun = false): boolean {
    this.checks.push({ name, passed, detail, precondition: false, ...(notRun ? { notRun } : {}) });
    return passed;
  }

  /** Records a check the rest depends on: a failed one stops the scenario. */
  private precondition(name: string, passed: boolean, detail: string): void {
    this.checks.push({ name, passed, detail, precondition: true });
    if (!passed) throw new ExpectationFailure(this.failures());
  }
}

/** The "HTTP status N" check's verdict, as check arguments. */
function statusVerdict(answer: GatewayAnswer, expected: number): [string, boolean, string] {
  return [
    `HTTP status ${expected}`,
    answer.status === expected,
    answer.status === 0
      ? `no HTTP answer: ${answer.error}`
      : `the gateway answered ${answer.status}${codeNote(answer)}`,
  ];
}

function describeWarnings(lists: readonly string[][]): string {
  if (lists.length === 0) return "the record holds no such List";
  return lists
    .map((codes) => (codes.length === 0 ? "no warning" : `warnings: ${codes.join(", ")}`))
    .join("; ");
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
