/**
 * Bad input at every interface: thousands of generated malformed requests (fast-check) thrown at PDS, SDS,
 * the practices, the control API and the reference gateway. None may answer 500, hang, or bring a server down.
 */
import fc from "fast-check";
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { consumerJwt } from "../harness/north/identity.js";
import { structuredRecordParameters } from "../harness/north/record-request.js";
import { type Region, startRegion } from "../simulators/index.js";
import { gpConnectHeaders } from "./support/gpconnect-request.js";

/** Requests per interface; five interfaces, so 10,000 in all. */
const RUNS_PER_INTERFACE = 2_000;
const REQUEST_BUDGET_MS = 5_000;

let region: Region;
let gateway: { url: string; close(): Promise<void> };

beforeAll(async () => {
  region = await startRegion({ seed: 21, port: 0, practices: 2, patientsPerPractice: 50 });
  const info = region.info();
  gateway = await startGateway(
    readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
  );
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

interface Template {
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
function malformed(template: Template) {
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
function expectRecordWithWarningsOnly(sentBody: string | undefined, answer: string): void {
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

async function fuzz(name: string, template: () => Template): Promise<void> {
  const t = template();
  const statuses = new Map<number, number>();
  const client = new Client(t.origin, { headersTimeout: REQUEST_BUDGET_MS, bodyTimeout: REQUEST_BUDGET_MS });
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
      { numRuns: RUNS_PER_INTERFACE, seed: 20261125, endOnFailure: true },
    );
    // Still alive and still correct after the storm.
    const health = await client.request({
      path: t.paths[0]!,
      method: t.body === undefined ? "GET" : "POST",
      headers: t.headers,
      ...(t.body === undefined ? {} : { body: JSON.stringify(t.body) }),
    });
    await health.body.dump();
    expect(health.statusCode).toBeLessThan(500);
    expect([...statuses.keys()].every((s) => s >= 200 && s < 600)).toBe(true);
    // The storm reached past the front door: some requests were served, and errors of several kinds were given.
    expect(statuses.get(200) ?? 0, `${name}: ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s >= 400 && s < 500).length).toBeGreaterThanOrEqual(3);
  } finally {
    await client.close();
  }
}

function originAndPath(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: parsed.pathname.replace(/\/$/, "") };
}

describe("thousands of malformed requests", () => {
  it("PDS answers each with a specific error, never a 500", async () => {
    await fuzz("PDS", () => {
      const patient = region.info().patients[0]!;
      const { origin, path } = originAndPath(region.info().pds);
      return {
        origin,
        paths: [`${path}/Patient/${patient.nhsNumber}`],
        headers: { "x-request-id": "8d0e5d1e-6f4b-4a53-9c1f-1f5b7b2b9a10" },
      };
    });
  }, 120_000);

  it("SDS answers each with a specific error, never a 500", async () => {
    await fuzz("SDS", () => {
      const ods = region.info().practices[0]!.ods;
      const query = `organization=https://fhir.nhs.uk/Id/ods-organization-code|${ods}&identifier=https://fhir.nhs.uk/Id/nhsServiceInteractionId|urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1`;
      const { origin, path } = originAndPath(region.info().sds);
      return {
        origin,
        paths: [`${path}/Device?${query}`, `${path}/Endpoint?${query}`],
        headers: { apikey: "fuzz" },
      };
    });
  }, 120_000);

  it("a GP Connect practice answers each with a specific error, never a 500", async () => {
    await fuzz("practice", () => {
      const practice = region.info().practices[0]!;
      const patient = region.info().patients.find((p) => p.ods === practice.ods)!;
      const { origin, path } = originAndPath(practice.endpoint);
      return {
        origin,
        paths: [`${path}/Patient/$gpc.getstructuredrecord`, `${path}/metadata`],
        // A consumer's valid Ssp headers and JWT (audience: the provider's endpoint), so the storm reaches the
        // Parameters checks and some requests are served.
        headers: gpConnectHeaders({
          fromAsid: region.info().consumer.asid,
          toAsid: practice.asid,
          audience: practice.endpoint,
        }),
        body: structuredRecordParameters(patient.nhsNumber),
        checkSuccess: expectRecordWithWarningsOnly,
      };
    });
  }, 120_000);

  it("the control API answers each with a specific JSON error, never a 500", async () => {
    await fuzz("control", () => {
      const { origin, path } = originAndPath(region.info().control);
      return {
        origin,
        paths: [`${path}/region`, `${path}/journal`, `${path}/patients`, `${path}/faults/not-a-practice`],
        headers: {},
        body: { ods: "nope", traits: ["unknown-trait"] },
      };
    });
  }, 120_000);

  it("the reference gateway answers each with a specific error, never a 500", async () => {
    await fuzz("gateway", () => {
      const patient = region.info().patients[0]!;
      return {
        origin: new URL(gateway.url).origin,
        paths: ["/Patient/$gpc.getstructuredrecord", "/patient/$gpc.getstructuredrecord"],
        headers: {
          "ssp-traceid": "0f5c2b1e-9d0a-4c4e-8a7b-3e2d1c0b9a88",
          "x-consent": "granted",
          authorization: `Bearer ${consumerJwt(gateway.url)}`,
        },
        body: structuredRecordParameters(patient.nhsNumber),
      };
    });
  }, 180_000);
});
