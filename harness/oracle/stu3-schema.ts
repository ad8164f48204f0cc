/**
 * Validation of a Bundle against the official HL7 FHIR STU3 JSON Schema, with the harness's own validator.
 *
 * No well-kept npm package ships the official STU3 schema (the FHIR validators on npm carry R4, or an old
 * ajv 6 copy), so it is read from a file: the path given by the caller, else `GP_HARNESS_FHIR_SCHEMA`, else
 * the project's sibling `../shared/reference/fhir-stu3/fhir.schema.json` (found from this module's own place,
 * in the sources or in dist/). When none is found the validation is reported as not run, never as passed.
 *
 * The schema's root is a oneOf over every resource type, which makes ajv's errors unreadable; so the Bundle's
 * shell and each entry's resource are validated against their own type's definition. Compiling costs over a
 * second, so it happens once per process, on first use, and every validator is kept.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

export const FHIR_SCHEMA_ENV = "GP_HARNESS_FHIR_SCHEMA";

const SIBLING_SCHEMA = "shared/reference/fhir-stu3/fhir.schema.json";
const SCHEMA_KEY = "fhir-stu3";

/** The outcome of validating one Bundle: its violations, or why it could not be validated. */
export type Stu3Validation =
  | { readonly ran: true; readonly violations: readonly string[] }
  | { readonly ran: false; readonly reason: string };

/**
 * Where the schema is looked for: the path given, else the environment's — either of which is authoritative,
 * so a wrong one is reported rather than quietly replaced — else the project's sibling reference folder.
 */
export function schemaCandidates(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = explicit || env[FHIR_SCHEMA_ENV];
  if (chosen) return [chosen];
  // harness/oracle/ in the sources, dist/harness/oracle/ once built: the project's parent is 3 or 4 levels up.
  return ["../../../", "../../../../"].map((up) =>
    fileURLToPath(new URL(`${up}${SIBLING_SCHEMA}`, import.meta.url)),
  );
}

interface Compiled {
  readonly ajv: Ajv;
  readonly resourceTypes: ReadonlySet<string>;
  readonly validators: Map<string, ValidateFunction>;
}

const compiled = new Map<string, Compiled | string>();

/** The compiler for the schema at the first existing candidate, or why there is none (cached per path). */
function compilerFor(explicit?: string): Compiled | string {
  const candidates = schemaCandidates(explicit);
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    return `the FHIR STU3 schema was not found (set ${FHIR_SCHEMA_ENV}; looked at ${candidates.join(", ")})`;
  }
  const known = compiled.get(path);
  if (known !== undefined) return known;
  let made: Compiled | string;
  try {
    const schema = JSON.parse(readFileSync(path, "utf8")) as { definitions: Record<string, unknown> };
    // draft-06 schema: validateSchema off (ajv 8 ships draft-07 meta-schemas), strict off ("discriminator").
    const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
    ajv.addSchema(schema, SCHEMA_KEY);
    const resourceTypes = new Set(Object.keys(schema.definitions).filter((name) => /^[A-Z]/.test(name)));
    made = { ajv, resourceTypes, validators: new Map() };
  } catch (error) {
    made = `the FHIR STU3 schema at ${path} could not be read: ${(error as Error).message}`;
  }
  compiled.set(path, made);
  return made;
}

function validatorFor(compiler: Compiled, resourceType: string): ValidateFunction | undefined {
  if (!compiler.resourceTypes.has(resourceType)) return undefined;
  let validate = compiler.validators.get(resourceType);
  if (validate === undefined) {
    validate = compiler.ajv.compile({ $ref: `${SCHEMA_KEY}#/definitions/${resourceType}` });
    compiler.validators.set(resourceType, validate);
  }
  return validate;
}

/** A JSON pointer (/entry/3/resource/status) as a FHIR path (entry[3].resource.status). */
function fhirPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("");
}

/** An ajv error in words: "status must be equal to one of the allowed values: active, completed". */
function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "enum") return `must be one of ${(params.allowedValues as unknown[]).join(", ")}`;
  if (error.keyword === "additionalProperties")
    return `has an unknown element "${params.additionalProperty}"`;
  if (error.keyword === "required") return `lacks the required element "${params.missingProperty}"`;
  return error.message ?? "is invalid";
}

function resourceViolations(compiler: Compiled, resource: unknown, at: string): string[] {
  const resourceType = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resourceType !== "string") return [`${at}: has no resourceType`];
  const validate = validatorFor(compiler, resourceType);
  if (validate === undefined) return [`${at}: "${resourceType}" is not an STU3 resource type`];
  if (validate(resource)) return [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // A oneOf/anyOf failing repeats its branches' errors; the deepest, plainest ones say enough.
    if (error.keyword === "oneOf" || error.keyword === "anyOf") continue;
    seen.add(`${at} (${resourceType})${fhirPath(error.instancePath)}: ${describeError(error)}`);
  }
  return [...seen];
}

/**
 * Validates a Bundle: its own elements (entries without their resources), then each entry's resource.
 * Violations read "Bundle.entry[3].resource (MedicationStatement).status: must be one of active, …".
 */
export function validateStu3Bundle(bundle: unknown, schemaPath?: string): Stu3Validation {
  const compiler = compilerFor(schemaPath);
  if (typeof compiler === "string") return { ran: false, reason: compiler };
  const entries: unknown[] = Array.isArray((bundle as { entry?: unknown }).entry)
    ? ((bundle as { entry: unknown[] }).entry as unknown[])
    : [];
  const shell = {
    ...(bundle as object),
    ...(entries.length === 0 ? {} : { entry: entries.map((entry) => withoutResource(entry)) }),
  };
  const violations = [
    ...resourceViolations(compiler, shell, "Bundle").map((v) => v.replace(/^Bundle \(Bundle\)/, "Bundle")),
    ...entries.flatMap((entry, i) =>
      entry !== null && typeof entry === "object" && "resource" in entry
        ? resourceViolations(
            compiler,
            (entry as { resource: unknown }).resource,
            `Bundle.entry[${i}].resource`,
          )
        : [],
    ),
  ];
  return { ran: true, violations };
}

function withoutResource(entry: unknown): unknown {
  if (entry === null || typeof entry !== "object") return entry;
  const { resource: _resource, ...rest } = entry as Record<string, unknown>;
  return rest;
}

/** The resource types a structured record holds (Access Record Structured 1.6), compiled before a run begins. */
const STRUCTURED_RECORD_TYPES = [
  "Bundle",
  "Patient",
  "Organization",
  "Practitioner",
  "PractitionerRole",
  "List",
  "AllergyIntolerance",
  "Medication",
  "MedicationStatement",
  "MedicationRequest",
  "Condition",
  "Encounter",
  "Composition",
  "Observation",
  "DiagnosticReport",
  "Specimen",
  "ProcedureRequest",
  "ReferralRequest",
  "Immunization",
  "Location",
  "DocumentReference",
  "QuestionnaireResponse",
  "OperationOutcome",
];

/**
 * Compiles the schema and the validators of a structured record's resource types now, so the two seconds it
 * takes are spent before the first scenario rather than while a gateway's answer is being timed.
 */
export function warmStu3Validator(schemaPath?: string): void {
  const compiler = compilerFor(schemaPath);
  if (typeof compiler === "string") return;
  for (const type of STRUCTURED_RECORD_TYPES) validatorFor(compiler, type);
}
