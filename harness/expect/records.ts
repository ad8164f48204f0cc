/** Expectations about a record the gateway returned: valid, the patient's, GP Connect's shape, its contents. */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { ListWarning } from "../../gpconnect/profiles.js";
import type { GatewayAnswer } from "../north/consumer.js";
import { accepts, DEFAULT_AREAS } from "../north/record-request.js";
import { asBundle, namesPatient } from "../oracle/bundle.js";
import { evaluateFhirPath } from "../oracle/fhirpath.js";
import { type ListName, listMeant, listWarnings } from "../oracle/list-warnings.js";
import { structuredRecordRules, unrequestedAreas } from "../oracle/structured-record-rules.js";
import { validateStu3Bundle } from "../oracle/stu3-schema.js";
import type { WorldPatient } from "../world.js";
import { AnswerExpectations } from "./answers.js";
import { describeBody, describeWarnings, plural, statusVerdict } from "./words.js";

/** How many schema violations of one record are recorded as checks before the rest are counted. */
const VIOLATIONS_RECORDED = 20;

/**
 * What `record` checks the Bundle against: the clinical areas asked for (default: allergies and medication,
 * as the consumer asks), less those the gateway's profile does not accept.
 */
export interface RecordExpectation {
  readonly areas?: readonly ClinicalAreaParameter[];
}

export class RecordExpectations extends AnswerExpectations {
  /**
   * The gateway returned the patient's structured record: status 200 and a Bundle (preconditions), the
   * patient's, labelled FHIR JSON, valid FHIR STU3 and following GP Connect's structured-record rules for the areas asked for.
   */
  record(answer: GatewayAnswer, patient: WorldPatient, expected: RecordExpectation = {}): fhir.Bundle {
    this.precondition(...statusVerdict(answer, 200));
    this.fhirJsonContentType(answer);
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

  /** The record holds nothing of the clinical areas not asked for: no List of theirs, no resource only they hold. */
  onlyAreas(bundle: fhir.Bundle, areas: readonly ClinicalAreaParameter[]): boolean {
    const extra = unrequestedAreas(bundle, areas);
    return this.check(
      "the record holds only the clinical areas asked for",
      extra.length === 0,
      extra.length === 0
        ? `nothing beyond ${areas.join(", ")}`
        : extra
            .map(({ area, found }) => `${area} was not asked for, yet the record holds ${found}`)
            .join("; "),
    );
  }
}
