/**
 * Generated malformed requests (fast-check) for any HTTP interface: a valid request's method, path, headers or
 * body made wrong in one or several ways. `fuzzInterface` throws them at an interface and counts its answers,
 * failing on the first 500; the fuzz test and the fuzz benchmark share it.
 */
import fc from "fast-check";
import { Client } from "undici";
import { consumerJwt } from "../../harness/north/identity.js";
import { structuredRecordParameters } from "../../harness/north/record-request.js";
import type { RegionInfo } from "../../simulators/index.js";
import { gpConnectHeaders } from "./gpconnect-request.js";

export interface Template {
  /** The valid request sent after the storm (default: the first path, with the body when there is one). */
  readonly health?: { readonly method: string; readonly path: string };
  /** Scheme, host and port: every generated path is sent to it raw, as a client would. */
  readonly origin: string;
  /** Absolute paths (with any query) of valid requests. */
  readonly paths: readonly string[];
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  /** What a 200 must be besides not a 500, given the body sent (as sent: text or undefined). */
  readonly checkSuccess?: (sentBody: string | undefined, answer: string) => void;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;
const CONTENT_TYPES = [
  "application/fhir+json",
  "application/fhir+json;charset=utf-8",
  "application/json",
  "text/plain",
  "application/xml",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "",
  "application/fhir+json; charset=latin1",
  "*/*",
];

/** A malformed variant of a valid request: a wrong method, path, header or body, or several at once. */
export function malformed(template: Template) {
  const validBody = template.body === undefined ? undefined : JSON.stringify(template.body);
  const body = fc.oneof(
    fc.constant(validBody),
    fc.constant(undefined),
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
      "{",
      "[]",
      "null",
      '{"resourceType":"Parameters"}',
      '{"resourceType":"Parameters","parameter":{}}',
    ),
    // Valid JSON with one value replaced anywhere in the document.
    fc
      .tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 }))
      .map(([at, value]) => mutateJson(template.body, at, value)),
    fc.constant("x".repeat(200_000)),
    // The valid body with one more parameter of any name, sometimes with parts: unknown to the practice
    // unless the name happens to be one it knows.
    fc
      .tuple(
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("includeFutureArea", "includeProblems")),
        fc.option(fc.array(fc.record({ name: fc.string({ maxLength: 12 }) }), { maxLength: 3 })),
      )
      .map(([name, part]) => withExtraParameter(template.body, part === null ? { name } : { name, part })),
  );
  const path = fc.oneof(
    { arbitrary: fc.constantFrom(...template.paths), weight: 12 },
    fc.tuple(fc.constantFrom(...template.paths), fc.webSegment()).map(([p, s]) => `${p}/${s}`),
    fc
      .tuple(fc.constantFrom(...template.paths), fc.string({ maxLength: 12 }))
      .map(([p, s]) => `${p}${encodeURIComponent(s)}`),
    fc.tuple(fc.constantFrom(...template.paths), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
    fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)),
  );
  const headerValue = fc.oneof(fc.string({ maxLength: 60 }), fc.constant(""), fc.constant("Bearer e30.e30."));
  const headers = fc
    .tuple(
      fc.oneof(
        { arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(0, 3)), weight: 4 },
        fc.constantFrom(...CONTENT_TYPES),
      ),
      fc.dictionary(
        fc.constantFrom(
          ...Object.keys(template.headers),
          "x-request-id",
          "authorization",
          "apikey",
          "x-consent",
        ),
        headerValue,
        { maxKeys: 3 },
      ),
      fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.constant(false)),
    )
    .map(([contentType, overrides, keepValid]) => {
      const chosen: Record<string, string> = keepValid ? { ...template.headers } : {};
      for (const [name, value] of Object.entries(overrides)) {
        // Header values may not carry control characters on the wire; keep the rest.
        chosen[name] = value.replace(/[^\x20-\x7e]/g, "?");
      }
      if (contentType !== "") chosen["content-type"] = contentType;
      return chosen;
    });
  const method = fc.oneof(
    { arbitrary: fc.constant(template.body === undefined ? "GET" : "POST"), weight: 6 },
    fc.constantFrom(...METHODS),
  );
  return fc.record({ method, path, headers, body });
}

function withExtraParameter(document: unknown, parameter: Record<string, unknown>): string {
  const parameters = (document as { parameter?: unknown[] } | undefined)?.parameter;
  return JSON.stringify({ ...(document as object), parameter: [...(parameters ?? []), parameter] });
}

/**
 * A practice's 200 to a structured-record request is a Bundle; any OperationOutcome in it holds only GP
 * Connect's forwards-compatibility warnings, each naming a parameter or "parameter.part" that was sent.
 */
export function expectRecordWithWarningsOnly(sentBody: string | undefined, answer: string): void {
  const bundle = JSON.parse(answer) as fhir.Bundle;
  if (bundle.resourceType !== "Bundle")
    throw new Error(`a 200 that is not a Bundle: ${answer.slice(0, 200)}`);
  const sent = JSON.parse(sentBody ?? "{}") as fhir.Parameters;
  const names = new Set<string>();
  for (const parameter of sent.parameter ?? []) {
    names.add(parameter.name);
    for (const part of parameter.part ?? []) names.add(`${parameter.name}.${part.name}`);
  }
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.resourceType !== "OperationOutcome") continue;
    for (const issue of (entry.resource as fhir.OperationOutcome).issue) {
      const coding = issue.details?.coding?.[0];
      if (
        issue.severity !== "warning" ||
        issue.code !== "not-supported" ||
        coding?.code !== "NOT_IMPLEMENTED" ||
        issue.diagnostics === undefined ||
        !names.has(issue.diagnostics) ||
        issue.details?.text !== `${issue.diagnostics} is an unrecognised parameter`
      ) {
        throw new Error(`an unexpected issue in a 200 Bundle: ${JSON.stringify(issue)} for ${sentBody}`);
      }
    }
  }
}

function mutateJson(document: unknown, at: number, value: unknown): string {
  if (document === undefined) return JSON.stringify(value);
  let seen = 0;
  const visit = (node: unknown): unknown => {
    if (seen++ === at) return value;
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
    }
    return node;
  };
  return JSON.stringify(visit(document));
}

export interface FuzzStatistics {
  readonly requests: number;
  /** How many answers of each status. */
  readonly statuses: ReadonlyMap<number, number>;
  /** The status of a valid request sent after the storm. */
  readonly healthStatus: number;
  readonly elapsedMs: number;
}

/**
 * `runs` generated requests at the interface, one at a time; throws on the first 500 (502 and 504 excepted: a
 * gateway's report of a failure behind it) or a 200 that fails `checkSuccess`.
 */
export async function fuzzInterface(
  name: string,
  t: Template,
  runs: number,
  requestBudgetMs: number,
  seed = 20261125,
): Promise<FuzzStatistics> {
  const statuses = new Map<number, number>();
  const client = new Client(t.origin, { headersTimeout: requestBudgetMs, bodyTimeout: requestBudgetMs });
  const started = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(malformed(t), async (r) => {
        const method =
          r.body !== undefined && (r.method === "GET" || r.method === "OPTIONS") ? "POST" : r.method;
        const response = await client.request({
          path: r.path,
          method,
          headers: r.headers,
          ...(r.body === undefined || method === "GET" ? {} : { body: r.body }),
        });
        const text = await response.body.text();
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode === 200 && method === "POST" && t.checkSuccess !== undefined) {
          t.checkSuccess(r.body, text);
        }
        if (response.statusCode >= 500 && response.statusCode !== 502 && response.statusCode !== 504) {
          throw new Error(
            `${name} answered ${response.statusCode} to ${method} ${r.path}: ${text.slice(0, 300)}`,
          );
        }
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    const elapsedMs = performance.now() - started;
    // Still alive and still correct after the storm.
    const healthy = t.health ?? { method: t.body === undefined ? "GET" : "POST", path: t.paths[0]! };
    const health = await client.request({
      path: healthy.path,
      method: healthy.method as "GET",
      headers: t.headers,
      ...(t.body === undefined || healthy.method === "GET" ? {} : { body: JSON.stringify(t.body) }),
    });
    await health.body.dump();
    return { requests: runs, statuses, healthStatus: health.statusCode, elapsedMs };
  } finally {
    await client.close();
  }
}

function originAndPath(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname.replace(/\/$/, "") };
}

/** A valid request of each interface of a region and of the reference gateway, for malformed variants of. */
export function interfaceTemplates(info: RegionInfo, gatewayUrl: string): Record<string, Template> {
  const patient = info.patients[0]!;
  const practice = info.practices[0]!;
  const atPractice = info.patients.find((p) => p.ods === practice.ods)!;
  const ods = practice.ods;
  const query = `organization=https://fhir.nhs.uk/Id/ods-organization-code|${ods}&identifier=https://fhir.nhs.uk/Id/nhsServiceInteractionId|urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1`;
  const pds = originAndPath(info.pds);
  const sds = originAndPath(info.sds);
  const endpoint = originAndPath(practice.endpoint);
  const control = originAndPath(info.control);
  return {
    PDS: {
      origin: pds.origin,
      paths: [`${pds.path}/Patient/${patient.nhsNumber}`],
      headers: { "x-request-id": "8d0e5d1e-6f4b-4a53-9c1f-1f5b7b2b9a10" },
    },
    SDS: {
      origin: sds.origin,
      paths: [`${sds.path}/Device?${query}`, `${sds.path}/Endpoint?${query}`],
      headers: { apikey: "fuzz" },
    },
    practice: {
      origin: endpoint.origin,
      paths: [`${endpoint.path}/Patient/$gpc.getstructuredrecord`, `${endpoint.path}/metadata`],
      // A consumer's valid Ssp headers and JWT (audience: the provider's endpoint), so the storm reaches the
      // Parameters checks and some requests are served.
      headers: gpConnectHeaders({
        fromAsid: info.consumer.asid,
        toAsid: practice.asid,
        audience: practice.endpoint,
      }),
      body: structuredRecordParameters(atPractice.nhsNumber),
      checkSuccess: expectRecordWithWarningsOnly,
    },
    control: {
      origin: control.origin,
      paths: [
        `${control.path}/region`,
        `${control.path}/journal`,
        `${control.path}/patients`,
        `${control.path}/faults/not-a-practice`,
      ],
      headers: {},
      body: { ods: "nope", traits: ["unknown-trait"] },
      health: { method: "GET", path: `${control.path}/region` },
    },
    gateway: {
      origin: new URL(gatewayUrl).origin,
      paths: ["/Patient/$gpc.getstructuredrecord", "/patient/$gpc.getstructuredrecord"],
      headers: {
        "content-type": "application/fhir+json",
        "ssp-traceid": "0f5c2b1e-9d0a-4c4e-8a7b-3e2d1c0b9a88",
        "x-consent": "granted",
        authorization: `Bearer ${consumerJwt(gatewayUrl)}`,
      },
      body: structuredRecordParameters(patient.nhsNumber),
    },
  };
}
