/**
 * Checks a parsed manifest against gateway-manifest.schema.json and says what is wrong the way a person fixes
 * it: the field's path (`launch.ready.timeoutMs`), what it must be, and the nearest valid name for a typo.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schema from "./gateway-manifest.schema.json" with { type: "json" };
import { nearestName } from "./suggest.js";
import type { GatewayManifest } from "./types.js";

/** The values a discriminating field may take, for the message when it holds another. */
const DISCRIMINATORS: Readonly<Record<string, readonly string[]>> = {
  kind: ["url", "command", "image"],
  in: ["headers", "parameter"],
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strictRequired: false });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** The manifest's problems, one line each (empty when it is valid). */
export function manifestProblems(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  const lines = (validate.errors ?? []).map(describe).filter((line): line is string => line !== undefined);
  const missing = new Set(
    lines.filter((l) => l.endsWith(": missing (required)")).map((l) => l.split(": ")[0]),
  );
  // A discriminator that is absent is also reported as missing by "required": say it once.
  return [...new Set(lines)].filter(
    (l) => !(l.endsWith(": missing or not a string") && missing.has(l.split(": ")[0])),
  );
}

export function isManifestShape(value: unknown): value is GatewayManifest {
  return validator()(value) === true;
}

/** `/launch/argv/0` → `launch.argv[0]`; names that are not identifiers are quoted. */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath === "" ? [] : instancePath.slice(1).split("/");
  if (child !== undefined) parts.push(child);
  let path = "";
  for (const raw of parts) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) path += path === "" ? part : `.${part}`;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path === "" ? "the manifest" : path;
}

function describe(error: ErrorObject): string | undefined {
  const at = fieldPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "if":
      return undefined; // the branch's own errors say what is wrong
    case "additionalProperties":
      return unknownField(error, String(params.additionalProperty));
    case "required":
      return `${fieldPath(error.instancePath, String(params.missingProperty))}: missing (required)`;
    case "discriminator":
      return badDiscriminator(error, params);
    case "enum":
      return notOneOf(at, error.data, (params.allowedValues as unknown[]) ?? []);
    case "const":
      return notOneOf(at, error.data, [params.allowedValue]);
    case "type":
      return `${at}: must be ${article(String(params.type))}`;
    case "pattern":
      return badPattern(error, at);
    case "propertyNames":
      return undefined; // reported by the pattern error of the name itself
    default:
      return `${at}: ${error.message ?? "is not valid"}`;
  }
}

function unknownField(error: ErrorObject, name: string): string {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const valid = Object.keys(parent?.properties ?? {}).filter((k) => k !== "$schema");
  const near = nearestName(name, valid);
  const hint = near !== undefined ? `did you mean "${near}"?` : `the fields here are: ${valid.join(", ")}`;
  return `${fieldPath(error.instancePath, name)}: unknown field (${hint})`;
}

function badDiscriminator(error: ErrorObject, params: Record<string, unknown>): string {
  const tag = String(params.tag);
  if (params.error === "tag") return `${fieldPath(error.instancePath, tag)}: missing or not a string`;
  return notOneOf(fieldPath(error.instancePath, tag), params.tagValue, DISCRIMINATORS[tag] ?? []);
}

function notOneOf(at: string, value: unknown, allowed: readonly unknown[]): string {
  const names = allowed.map((v) => JSON.stringify(v)).join(", ");
  const near = typeof value === "string" ? nearestName(value, allowed.map(String)) : undefined;
  const hint = near !== undefined ? ` (did you mean "${near}"?)` : "";
  if (allowed.length === 1) return `${at}: must be ${names}, not ${JSON.stringify(value)}${hint}`;
  return `${at}: ${JSON.stringify(value)} is not one of ${names}${hint}`;
}

function badPattern(error: ErrorObject, at: string): string {
  const name = (error as ErrorObject & { propertyName?: string }).propertyName;
  if (name !== undefined) return `${fieldPath(error.instancePath, name)}: "${name}" is not a valid name here`;
  const pattern = String((error.params as { pattern?: string }).pattern);
  if (pattern === "^https?://") return `${at}: must be an http:// or https:// URL`;
  if (pattern === "^/") return `${at}: must start with "/"`;
  if (pattern === "^[A-Z][0-9]{4}$") return `${at}: must be an SDS job role code such as "R8000"`;
  return `${at}: ${error.message ?? "is not valid"}`;
}

function article(type: string): string {
  if (type.includes(",")) return `one of: ${type}`;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
