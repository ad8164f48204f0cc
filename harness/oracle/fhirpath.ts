/**
 * FHIRPath over what a gateway answered (the `fhirpath` package, with its FHIR STU3 model so that
 * `ofType(...)` and choice types resolve as the specification says).
 */
import { evaluate } from "fhirpath";
import stu3 from "fhirpath/fhir-context/stu3";

/** What an expression gave, or why it could not be evaluated. */
export type FhirPathResult =
  | { readonly ok: true; readonly value: readonly unknown[] }
  | { readonly ok: false; readonly problem: string };

export function evaluateFhirPath(resource: unknown, expression: string): FhirPathResult {
  try {
    const value = evaluate(resource as object, expression, undefined, stu3) as unknown[];
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}
