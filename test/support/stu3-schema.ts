/**
 * Validation against the official HL7 FHIR STU3 JSON Schema (../shared/reference/fhir-stu3/fhir.schema.json).
 * The schema's root is a oneOf over every resource type, which makes ajv's errors unreadable; so each resource
 * is validated against its own type's definition, and a Bundle's shell and entries separately.
 * The schema compiles once per process (about 1.5 s), on first use.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";

export const STU3_SCHEMA_PATH = fileURLToPath(
  new URL("../../../shared/reference/fhir-stu3/fhir.schema.json", import.meta.url),
);

const SCHEMA_KEY = "fhir-stu3";
let ajv: Ajv | undefined;
/** Names of the schema's definitions: resource types are the capitalised ones. */
let definitionNames: ReadonlySet<string> = new Set();
const validators = new Map<string, ValidateFunction>();

function schemaCompiler(): Ajv {
  if (ajv !== undefined) return ajv;
  const schema = JSON.parse(readFileSync(STU3_SCHEMA_PATH, "utf8")) as {
    definitions: Record<string, unknown>;
  };
  // draft-06 schema: validateSchema off (ajv 8 ships draft-07 meta-schemas), strict off (it uses "discriminator").
  const compiler = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  compiler.addSchema(schema, SCHEMA_KEY);
  definitionNames = new Set(Object.keys(schema.definitions));
  ajv = compiler;
  return compiler;
}

function validatorFor(resourceType: string): ValidateFunction | undefined {
  const cached = validators.get(resourceType);
  if (cached !== undefined) return cached;
  const compiler = schemaCompiler();
  if (!definitionNames.has(resourceType) || !/^[A-Z]/.test(resourceType)) return undefined;
  const validate = compiler.compile({ $ref: `${SCHEMA_KEY}#/definitions/${resourceType}` });
  validators.set(resourceType, validate);
  return validate;
}

function label(resource: unknown): string {
  const r = resource as { resourceType?: unknown; id?: unknown } | null;
  return `${String(r?.resourceType ?? "?")}/${String(r?.id ?? "(no id)")}`;
}

/** Problems with one resource, each "Type/id /path message"; empty when it is valid STU3. */
export function stu3Errors(resource: unknown): string[] {
  const resourceType = (resource as { resourceType?: unknown } | null)?.resourceType;
  if (typeof resourceType !== "string") return [`${label(resource)}: no resourceType`];
  const validate = validatorFor(resourceType);
  if (validate === undefined) return [`${label(resource)}: "${resourceType}" is not an STU3 resource type`];
  if (validate(resource)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${label(resource)} ${e.instancePath || "/"} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`,
  );
}

/** Problems with a Bundle: its own elements, then every entry's resource in isolation. */
export function stu3BundleErrors(bundle: fhir.Bundle): string[] {
  const shell = { ...bundle, entry: (bundle.entry ?? []).map(({ resource: _resource, ...entry }) => entry) };
  return [...stu3Errors(shell), ...(bundle.entry ?? []).flatMap((entry) => stu3Errors(entry.resource))];
}
