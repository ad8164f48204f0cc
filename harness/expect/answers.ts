/** Expectations about what the gateway answered, whatever it was: its status, its error, what it leaks. */
import type { GatewayAnswer } from "../north/consumer.js";
import { outcomeExplanation } from "../oracle/bundle.js";
import { readFhirJsonContentType } from "../oracle/content-type.js";
import { LEAK_KINDS, type LeakKind, leaksIn, type PatientDetails } from "../oracle/leaks.js";
import { codesUnderOtherSystems, spineErrorCode } from "../oracle/operation-outcome.js";
import { Checks } from "./checks.js";
import { codeNote, describeBody, statusVerdict } from "./words.js";

export class AnswerExpectations extends Checks {
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
          : answer.problem !== undefined
            ? `the answer cannot be read: ${answer.problem}`
            : "the answer carries no OperationOutcome with a Spine error code",
    );
    if (answer.status !== 0) this.fhirJsonContentType(answer);
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
    this.answeredWithin(answer, budgetMs);
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

  /** The gateway answered (any HTTP answer) within the time given, measured from when the request was sent. */
  answeredWithin(answer: GatewayAnswer, budgetMs: number): boolean {
    return this.check(
      `answered within ${budgetMs} ms`,
      answer.status !== 0 && answer.elapsedMs <= budgetMs,
      answer.status === 0
        ? `no HTTP answer: ${answer.error}`
        : `answered in ${Math.round(answer.elapsedMs)} ms`,
    );
  }

  /**
   * The gateway refused the request with this status and an OperationOutcome saying why (not a crash page,
   * not an HTML page), leaking nothing.
   */
  outcome(answer: GatewayAnswer, status: number): void {
    this.status(answer, status);
    this.isOutcome(answer);
    this.errorLeaksNothing(answer);
  }

  /**
   * The gateway refused the request as the consumer's mistake (a 4xx, whichever) with an OperationOutcome
   * saying why, leaking nothing.
   */
  clientError(answer: GatewayAnswer): void {
    this.check(
      "a client error status (4xx)",
      answer.status >= 400 && answer.status <= 499,
      answer.status === 0
        ? `no HTTP answer: ${answer.error}`
        : `the gateway answered ${answer.status}${codeNote(answer)}`,
    );
    this.isOutcome(answer);
    this.errorLeaksNothing(answer);
  }

  /**
   * The answer is labelled FHIR JSON in UTF-8 (`application/fhir+json`, charset utf-8 allowed), as GP Connect
   * requires: a consumer that goes by the label may not read a record labelled anything else as one. Not
   * checked for an answer a consumer adapter made, whose headers are the gateway's own API's.
   */
  fhirJsonContentType(answer: GatewayAnswer): boolean {
    const name = "a FHIR JSON content type";
    if (answer.throughAdapter === true) {
      return this.check(name, true, "NOT RUN: the answer came through a consumer adapter", true);
    }
    const type = answer.headers["content-type"];
    const reading = readFhirJsonContentType(type);
    return this.check(name, reading.ok, reading.ok ? `Content-Type is ${type}` : reading.problem);
  }

  /** The answer is a FHIR OperationOutcome with at least one issue, labelled FHIR JSON. */
  protected isOutcome(answer: GatewayAnswer): boolean {
    const body = answer.body as { resourceType?: unknown; issue?: unknown } | undefined;
    const passed =
      body?.resourceType === "OperationOutcome" && Array.isArray(body.issue) && body.issue.length > 0;
    const type = answer.headers["content-type"];
    this.check(
      "an OperationOutcome",
      passed,
      passed
        ? `an OperationOutcome with ${(body.issue as unknown[]).length} issue(s)`
        : `the body is ${describeBody(answer)}${type ? ` (${type})` : ""}`,
    );
    if (answer.status !== 0) this.fhirJsonContentType(answer);
    return passed;
  }

  /** An error answer (an HTTP answer outside 2xx) is checked for leaks; a success or no answer is not. */
  protected errorLeaksNothing(answer: GatewayAnswer): void {
    if (answer.status !== 0 && (answer.status < 200 || answer.status > 299)) this.leaksNothing(answer);
  }
}
