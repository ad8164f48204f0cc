/**
 * A request the route schemas refuse, told in one line that names the field, in the words the region's own
 * checks use: `"areas" must be an array of clinical area parameters, got "x"`, `"colour" is not a field of
 * this request (its fields: system, sharingEnabled)`. Fastify's own text (`body/areas must be array`) names
 * the schema's view of the field; a reader of the control API wants the field as they sent it.
 */
import type { JsonSchema } from "./schemas.js";

/** What this reads of an ajv error; ajv runs with `verbose`, so the value and its schema come along. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
  readonly data?: unknown;
  readonly parentSchema?: JsonSchema;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  array: "an array",
  object: "a JSON object",
  null: "null",
};

/** The refusal of the first error ajv found (it stops at the first). */
export function validationMessage(errors: readonly SchemaError[], part: string): string {
  const error = errors[0];
  if (error === undefined) return `the request's ${part} is not valid`;
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
  const schema = error.parentSchema ?? {};
  switch (error.keyword) {
    case "additionalProperties":
      return notAField(fieldName([...path, String(error.params.additionalProperty)]), schema, part);
    case "required": {
      const missing = String(error.params.missingProperty);
      // A union's tag (a fault's kind) is described by its members, not by a property of its own.
      const description =
        schema.discriminator?.propertyName === missing
          ? `one of ${tagValues(schema, missing).join(", ")}`
          : schema.properties?.[missing]?.description;
      return `"${fieldName([...path, missing])}" is required${description ? `: ${lowerFirst(description)}` : ""}`;
    }
    case "discriminator":
      return unknownKind(path, schema, error);
  }
  if (path.length === 0) {
    return `${schema["x-expected"] ?? `the request ${part === "querystring" ? "query" : part}`} ${expectation(error)}`;
  }
  // A query parameter given twice arrives as an array.
  if (part === "querystring" && error.keyword === "type" && Array.isArray(error.data)) {
    return `"${fieldName(path)}" must be given once`;
  }
  const last = path[path.length - 1] ?? "";
  if (/^\d+$/.test(last) && path.length > 1) return badItem(path.slice(0, -1), schema, error);
  return `"${fieldName(path)}" ${expectation(error)}, got ${describe(error.data)}`;
}

/** What the value must be: the schema's own words when it has them, else the keyword's. */
function expectation(error: SchemaError): string {
  const expected = error.parentSchema?.["x-expected"];
  // At the top, a body of the wrong type is not an object whatever the object is.
  if (expected !== undefined && !(error.instancePath === "" && error.keyword === "type")) {
    return `must be ${expected}`;
  }
  if (error.keyword === "type")
    return `must be ${TYPE_WORDS[String(error.params.type)] ?? error.params.type}`;
  if (error.keyword === "enum") {
    return `must be one of ${(error.parentSchema?.enum ?? []).map(String).join(", ")}`;
  }
  return error.message ?? "is not valid";
}

function notAField(name: string, schema: JsonSchema, part: string): string {
  const fields = Object.keys(schema.properties ?? {}).join(", ");
  if (part === "querystring")
    return `"${name}" is not a query parameter of this route (its parameters: ${fields})`;
  return `"${name}" is not a field of ${schema["x-expected"] ?? "this request"} (its fields: ${fields})`;
}

/** A union told apart by a tag (`kind`) whose value is missing or names no member. */
function unknownKind(path: readonly string[], schema: JsonSchema, error: SchemaError): string {
  const tag = String(error.params.tag);
  const given = (error.data as Record<string, unknown> | undefined)?.[tag];
  return `"${fieldName([...path, tag])}" must be one of ${tagValues(schema, tag).join(", ")}, got ${describe(given)}`;
}

function tagValues(union: JsonSchema, tag: string): string[] {
  return (union.oneOf ?? []).flatMap((member) => (member.properties?.[tag]?.enum ?? []).map(String));
}

/** An array item refused: the array is named, and the item quoted. */
function badItem(arrayPath: readonly string[], itemSchema: JsonSchema, error: SchemaError): string {
  const name = fieldName(arrayPath);
  const expected = itemSchema["x-expected"];
  if (error.keyword === "enum") {
    const what = expected === undefined ? "value" : expected.replace(/^an? /, "");
    const plural = arrayPath[arrayPath.length - 1] ?? name;
    return `"${name}" holds an unknown ${what} ${describe(error.data)}; the ${plural} are: ${(itemSchema.enum ?? []).join(", ")}`;
  }
  return `"${name}" holds ${describe(error.data)}, which ${expected === undefined ? expectation(error) : `is not ${expected}`}`;
}

/** `fault.kind`, `areas[2]`: the field as the caller wrote it. */
function fieldName(path: readonly string[]): string {
  return path
    .map((segment, i) => (/^\d+$/.test(segment) ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join("");
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

/** A value as JSON, cut short: it is quoted back to a caller who may have sent 60 KiB. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
