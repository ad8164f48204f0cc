/**
 * Whether a gateway passed a practice's record through intact: each resource of the practice's record, found
 * in the gateway's by type and id, with the same content, element for element — extensions it does not know,
 * codings beside SNOMED CT, long notes included. A gateway may leave out what it cannot show only by saying so:
 * an OperationOutcome in its Bundle naming the resource (in an issue's diagnostics, expression or location).
 */
import { isObject as isRecord } from "./bundle.js";

export interface RecordDifference {
  /** `Condition/abc`. */
  readonly resource: string;
  /** The first element that differs, e.g. `note[0].text` or `extension[2]`. */
  readonly path: string;
  readonly practice: string;
  readonly gateway: string;
}

export interface IntactReport {
  readonly compared: number;
  /** Different or missing, and not named by an OperationOutcome. */
  readonly differences: readonly RecordDifference[];
  /** Different or missing, but named by an OperationOutcome in the gateway's Bundle. */
  readonly declared: readonly string[];
}

function resourcesOf(bundle: fhir.Bundle): fhir.Resource[] {
  return (Array.isArray(bundle.entry) ? bundle.entry : []).flatMap((entry) =>
    isRecord(entry) && isRecord(entry.resource) ? [entry.resource as fhir.Resource] : [],
  );
}

/**
 * How a resource is found in the other record: by type and id; one without an id (a clinical area's List) by
 * type, first code, and its place among those alike.
 */
function keysOf(resources: readonly fhir.Resource[]): Map<string, fhir.Resource> {
  const seen = new Map<string, number>();
  const keys = new Map<string, fhir.Resource>();
  for (const resource of resources) {
    if (typeof resource.id === "string") {
      keys.set(`${resource.resourceType}/${resource.id}`, resource);
      continue;
    }
    const code = (resource as { code?: fhir.CodeableConcept }).code?.coding?.[0]?.code;
    const alike = `${resource.resourceType}${code === undefined ? "" : ` coded ${code}`}`;
    const n = (seen.get(alike) ?? 0) + 1;
    seen.set(alike, n);
    keys.set(n === 1 ? alike : `${alike} (${n})`, resource);
  }
  return keys;
}

/** Text of every OperationOutcome issue in the Bundle: where a gateway says what it could not show. */
function declaredText(resources: readonly fhir.Resource[]): string {
  return resources
    .filter((r) => r.resourceType === "OperationOutcome")
    .flatMap((r) => ((r as fhir.OperationOutcome).issue ?? []).filter(isRecord))
    .map((issue) => JSON.stringify([issue.diagnostics, issue.expression, issue.location]))
    .join("\n");
}

export function recordIntact(practice: fhir.Bundle, gateway: fhir.Bundle): IntactReport {
  const theirs = resourcesOf(gateway);
  const byKey = keysOf(theirs);
  const said = declaredText(theirs);
  const differences: RecordDifference[] = [];
  const declared: string[] = [];
  const ours = keysOf(resourcesOf(practice));
  for (const [key, resource] of ours) {
    const found = byKey.get(key);
    const difference =
      found === undefined
        ? { resource: key, path: "", practice: "present", gateway: "missing" }
        : firstDifference(resource, found, "", key);
    if (difference === undefined) continue;
    if (said.includes(key)) declared.push(key);
    else differences.push(difference);
  }
  return { compared: ours.size, differences, declared };
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "string")
    return value.length > 40 ? `${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? "" : "s"}`;
  if (isRecord(value)) return "an element";
  return JSON.stringify(value);
}

/** The first place the two differ, depth first in the practice's order; undefined when equal. */
function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
  resource: string,
): RecordDifference | undefined {
  const at = (key: string | number) =>
    typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], at(i), resource);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], at(key), resource);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.is(a, b)) return undefined;
  return { resource, path, practice: describe(a), gateway: describe(b) };
}
