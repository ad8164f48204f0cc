/**
 * The control API's OpenAPI document, as a region on loopback serves it, against the control app itself:
 * every route the app registers is described from its schema (a route added without one fails), the
 * document is valid OpenAPI 3, the answers the routes give are what it documents field for field, and a
 * malformed request is refused by the route schemas, naming the field, before the region is asked.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlClient } from "../simulators/control/client.js";
import type { HttpMethodName, OpenApiDocument } from "../simulators/control/openapi-document.js";
import type { JsonSchema } from "../simulators/control/schemas.js";
import {
  buildControlApp,
  type ControlRoute,
  controlOpenApi,
  controlRoutes,
} from "../simulators/control/server.js";
import { FAULT_KINDS } from "../simulators/faults/faults.js";
import { type Region, startRegion } from "../simulators/index.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";

let region: Region;
let base: string;
let served: OpenApiDocument;
let routes: readonly ControlRoute[];

beforeAll(async () => {
  region = await startRegion({ seed: 41, practices: 2, patientsPerPractice: 2, referenceDate: "2025-06-01" });
  base = region.info().control;
  served = await new ControlClient(base).openApi();
  routes = (await controlApp()).routes;
});

afterAll(async () => {
  await region.close();
});

/** What a control app registers (its onRoute record) and the document it generates, with `extend`'s routes too. */
async function controlApp(extend?: (app: ReturnType<typeof buildControlApp>) => void) {
  const app = buildControlApp({ region });
  extend?.(app);
  await app.ready();
  const registered = [...controlRoutes(app)];
  const document = controlOpenApi(app);
  await app.close();
  return { routes: registered, document };
}

/** `/_control/faults/:target` as OpenAPI writes it. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}");

/** The registered routes the document does not describe from a schema of their own, as "METHOD path". */
function undocumented(registered: readonly ControlRoute[], document: OpenApiDocument): string[] {
  return registered
    .filter(({ method, url }) => {
      const operation = document.paths[openApiPath(url)]?.[method.toLowerCase() as HttpMethodName];
      // A route without a schema still appears, with no summary and fastify-swagger's "Default Response".
      const described =
        operation !== undefined &&
        operation.summary !== undefined &&
        operation.operationId !== undefined &&
        Object.values(operation.responses).every((answer) => answer.description !== "Default Response");
      const params = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const paramsDescribed = params.every((name) =>
        operation?.parameters?.some((p) => p.in === "path" && p.name === name && p.description),
      );
      return !(described && paramsDescribed);
    })
    .map(({ method, url }) => `${method} ${url}`);
}

describe("the served OpenAPI document and the control app's routes", () => {
  it("describes, from its schema, every route the control app registers, and nothing else", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(19);
    expect(undocumented(routes, served)).toEqual([]);
    const described = Object.entries(served.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(described).toEqual(routes.map((r) => `${r.method} ${openApiPath(r.url)}`).sort());
    const operationIds = Object.values(served.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it("would catch a route added without a schema", async () => {
    const extended = await controlApp((app) => {
      app.get("/_control/extra", async () => ({}));
    });
    expect(undocumented(extended.routes, extended.document)).toEqual(["GET /_control/extra"]);
  });

  it("is valid OpenAPI 3.0, every $ref resolved", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.0");
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it("keeps what a reader needs: the fault kinds and their fields, the journal entry, the error shape", () => {
    const schemas = served.components.schemas;
    const kinds = schemas.Fault?.oneOf ?? [];
    expect(kinds.map((kind) => kind.properties?.kind?.enum?.[0])).toEqual([...FAULT_KINDS]);
    for (const kind of kinds) expect(kind.description, JSON.stringify(kind)).toMatch(/\w{3}/);
    const fieldsOf = (name: string) =>
      Object.keys(kinds.find((k) => k.properties?.kind?.enum?.[0] === name)!.properties!);
    expect(fieldsOf("slow")).toEqual(["kind", "delayMs", "medianMs", "p95Ms", "seed"]);
    expect(fieldsOf("error")).toEqual(["kind", "status", "code", "diagnostics"]);
    expect(fieldsOf("flapping")).toEqual(["kind", "every", "probability", "seed", "fault"]);
    expect(Object.keys(schemas.JournalEntry?.properties ?? {})).toEqual(
      expect.arrayContaining([
        "seq",
        "time",
        "target",
        "headers",
        "query",
        "jwtClaims",
        "parameters",
        "body",
        "fault",
      ]),
    );
    expect(schemas.JournalEntry?.properties?.jwtClaims?.description).toContain("not verified");
    expect(schemas.Error).toMatchObject({ required: ["error"], properties: { error: { type: "string" } } });
    for (const [path, item] of Object.entries(served.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.summary, `${method} ${path}`).toMatch(/\w{3}/);
        expect(operation.responses, `${method} ${path}`).toHaveProperty("403");
      }
    }
    const setFault = served.paths["/_control/faults/{target}"]?.put;
    expect(setFault?.requestBody?.content["application/json"]?.schema.$ref).toBe(
      "#/components/schemas/Fault",
    );
    expect(setFault?.description).toContain("medianMs and p95Ms");
  });
});

/** The document with every object that lists its properties closed to others, so an undocumented field fails. */
function closedAnswers(document: OpenApiDocument): Ajv {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (node === null || typeof node !== "object") return node;
    const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, close(value)]));
    if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
    return copy;
  };
  const ajv = new Ajv({ strict: false, discriminator: true, allErrors: true });
  addFormats.default(ajv);
  const text = JSON.stringify(close(document.components)).replaceAll('"#/components/', '"doc#/components/');
  ajv.addSchema({ $id: "doc", components: JSON.parse(text) });
  return ajv;
}

async function answerOf(method: string, path: string, body?: unknown) {
  const response = await request(`${base}${path}`, {
    method: method as "GET",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

describe("the answers, against the document", () => {
  let ajv: Ajv;
  const validators = new Map<string, ValidateFunction>();
  beforeAll(() => {
    ajv = closedAnswers(served);
  });

  /** Calls a route and checks its answer against the response the document gives for the status. */
  async function expectDocumented(method: HttpMethodName, template: string, path: string, body?: unknown) {
    const answer = await answerOf(method.toUpperCase(), path, body);
    const key = `${method} ${template} ${answer.status}`;
    const response = served.paths[`/_control${template}`]?.[method]?.responses[String(answer.status)];
    expect(response, `${key}: ${JSON.stringify(answer.body)}`).toBeDefined();
    const schema = response?.content?.["application/json"]?.schema;
    if (schema === undefined) {
      expect(answer.body, key).toBeUndefined();
      return answer;
    }
    let validate = validators.get(key);
    if (validate === undefined) {
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/');
      const closed = JSON.parse(text) as JsonSchema;
      validate = ajv.compile(
        closed.properties === undefined || closed.additionalProperties !== undefined
          ? closed
          : { ...closed, additionalProperties: false },
      );
      validators.set(key, validate);
    }
    expect(validate(answer.body) ? [] : validate.errors, `${key}: ${JSON.stringify(answer.body)}`).toEqual(
      [],
    );
    return answer;
  }

  it("region, population and practice settings", async () => {
    await expectDocumented("get", "/region", "/region");
    await expectDocumented("get", "/openapi.json", "/openapi.json");
    await expectDocumented("get", "/unknown-nhs-number", "/unknown-nhs-number");
    const practice = await expectDocumented("post", "/practices", "/practices", { system: "tpp" });
    const ods = (practice.body as { ods: string }).ods;
    expect(practice.status).toBe(201);
    await expectDocumented("post", "/patients", "/patients", { ods, traits: ["dissent"] });
    await expectDocumented("post", "/patients", "/patients", { ods: "Z99999" });
    await expectDocumented("post", "/consumers", "/consumers", { ods: "Y41001", asid: "999000041001" });
    await expectDocumented("post", "/consumers", "/consumers", { ods: "Y41002", asid: "999000041001" });
    await expectDocumented("post", "/consumers", "/consumers", { ods: "Y41002", asid: "41" });
    for (const [setting, values] of [
      ["disabled-areas", { areas: ["includeProblems"] }],
      ["sharing-agreements", { withoutAgreement: ["Y41001"] }],
    ] as const) {
      const template = `/practices/{ods}/${setting}`;
      await expectDocumented("put", template, `/practices/${ods}/${setting}`, values);
      await expectDocumented("get", template, `/practices/${ods}/${setting}`);
      await expectDocumented("get", template, `/practices/Z99999/${setting}`);
      await expectDocumented("put", template, `/practices/${ods}/${setting}`, { values: [] });
      await expectDocumented("delete", template, `/practices/${ods}/${setting}`);
    }
    const added = await expectDocumented("post", "/patients", "/patients", { ods, traits: [] });
    const nhsNumber = (added.body as { nhsNumber: string }).nhsNumber;
    const superseded = await expectDocumented("post", "/patients", "/patients", {
      ods,
      traits: ["superseded-number", "moved-practice"],
    });
    const [oldNumber] = (superseded.body as { supersededNhsNumbers: string[] }).supersededNhsNumbers;
    const found = await expectDocumented("get", "/patients/{nhsNumber}", `/patients/${oldNumber}`);
    expect(found.body).toEqual(superseded.body);
    await expectDocumented("get", "/patients/{nhsNumber}", `/patients/${nhsNumber}`);
    expect((await expectDocumented("get", "/patients/{nhsNumber}", "/patients/9999999999")).status).toBe(404);
    const seeded = region.info();
    for (const [path, status] of [
      [`/patients/${nhsNumber}`, 204],
      [`/patients/${nhsNumber}`, 404],
      [`/patients/${seeded.patients.find((p) => p.traits.length > 0)!.nhsNumber}`, 409],
    ] as const) {
      expect((await expectDocumented("delete", "/patients/{nhsNumber}", path)).status).toBe(status);
    }
    for (const [path, status] of [
      [`/practices/${ods}`, 204],
      [`/practices/${ods}`, 404],
      [`/practices/${seeded.practices[0]!.ods}`, 409],
    ] as const) {
      expect((await expectDocumented("delete", "/practices/{ods}", path)).status).toBe(status);
    }
  });

  it("faults and the journal, with every optional field of an entry", async () => {
    const practice = region.info().practices[0]!;
    const patient = region.info().patients.find((p) => p.ods === practice.ods)!;
    await expectDocumented("put", "/faults/{target}", `/faults/${practice.ods}`, {
      kind: "flapping",
      every: 1,
      fault: { kind: "slow", medianMs: 2, p95Ms: 5, seed: 3 },
    });
    await expectDocumented("put", "/faults/{target}", "/faults/pds", { kind: "error", status: 503 });
    await expectDocumented("put", "/faults/{target}", "/faults/Z99999", { kind: "hang" });
    await expectDocumented("put", "/faults/{target}", "/faults/pds", { kind: "slow" });
    await expectDocumented("get", "/faults", "/faults");

    const record = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord?_format=json`, {
      method: "POST",
      headers: gpConnectHeaders({
        fromAsid: region.info().consumer.asid,
        toAsid: practice.asid,
        audience: practice.endpoint,
      }),
      body: JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
    });
    await record.body.dump();
    await (await request(`${region.info().pds}/Patient?family=x&family=y`)).body.dump();

    const journal = await expectDocumented("get", "/journal", "/journal", undefined);
    const entries = (journal.body as { entries: Record<string, unknown>[] }).entries;
    const fields = new Set(entries.flatMap((entry) => Object.keys(entry)));
    expect([...fields]).toEqual(
      expect.arrayContaining(["ods", "jwtClaims", "nhsNumber", "parameters", "body", "fault"]),
    );
    await expectDocumented("get", "/journal", "/journal?after=soon");
    await expectDocumented("delete", "/faults/{target}", "/faults/pds");
    await expectDocumented("delete", "/faults", "/faults");
    await expectDocumented("delete", "/journal", "/journal");
  });
});

describe("a malformed control request", () => {
  /** A region that fails the test if asked anything: the schemas must refuse first. */
  const untouchable = new Proxy({} as Region, {
    get: (_target, name) => {
      throw new Error(`the region was asked for ${String(name)}`);
    },
  });

  it("is refused by the route schemas with a JSON error naming the field, before the region is asked", async () => {
    const app = buildControlApp({ region: untouchable });
    const send = async (method: "PUT" | "POST" | "GET", url: string, body?: unknown) => {
      const answer = await app.inject({
        method,
        url: `/_control${url}`,
        remoteAddress: "127.0.0.1",
        ...(body === undefined
          ? {}
          : { payload: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
      return { status: answer.statusCode, body: answer.json<unknown>() };
    };
    try {
      const refusals: [Awaited<ReturnType<typeof send>>, string][] = [
        [
          await send("PUT", "/faults/pds", { kind: "slow", delayMs: -5 }),
          '"delayMs" must be a whole number of milliseconds from 0 to 600000, got -5',
        ],
        [
          await send("PUT", "/faults/pds", {
            kind: "flapping",
            every: 2,
            fault: { kind: "error", status: 99 },
          }),
          '"fault.status" must be an HTTP error status from 400 to 599, got 99',
        ],
        [
          await send("PUT", "/faults/pds", { kind: "flapping", every: 2, fault: { kind: "offline" } }),
          '"fault.kind" must be one of hang, slow, error, malformed, truncated, reset, got "offline"',
        ],
        [
          await send("PUT", "/faults/pds", { kind: "error" }),
          '"status" is required: the HTTP status answered',
        ],
        [
          await send("POST", "/consumers", { ods: "Y12345", asid: "999000000999", colour: "blue" }),
          '"colour" is not a field of this request (its fields: ods, asid, name)',
        ],
        [
          await send("POST", "/patients", { ods: "A81001", traits: ["dissent", 7] }),
          '"traits" holds 7, which is not a trait',
        ],
        [await send("GET", "/journal?target=pds&target=sds"), '"target" must be given once'],
        [
          await send("GET", "/journal?colour=blue"),
          '"colour" is not a query parameter of this route (its parameters: target, ods, nhsNumber, after, since, until)',
        ],
      ];
      for (const [answer, message] of refusals)
        expect(answer).toEqual({ status: 400, body: { error: message } });
    } finally {
      await app.close();
    }
  });

  it("changes nothing in the region over HTTP", async () => {
    await region.clearFaults();
    const answer = await answerOf("PUT", "/faults/sds", { kind: "slow", delayMs: 5, colour: "blue" });
    expect(answer).toEqual({
      status: 400,
      body: {
        error: '"colour" is not a field of a slow fault (its fields: kind, delayMs, medianMs, p95Ms, seed)',
      },
    });
    expect(region.faults()).toEqual({});
  });
});
