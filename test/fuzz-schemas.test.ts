/**
 * Requests generated from the interfaces' own schemas (json-schema-faker): every operation of the control API
 * from its OpenAPI document, and STU3 Parameters from the official FHIR schema sent to a practice and to the
 * reference gateway. Schema-valid does not mean sensible, so each answer may be any specific error, but never a
 * 500, and each service is still well afterwards with its memory bounded.
 */

import { readFileSync } from "node:fs";
import { createGeneratorSync } from "json-schema-faker";
import { Client } from "undici";
import { describe, expect, it } from "vitest";
import { consumerJwt } from "../harness/north/identity.js";
import { gpConnectHeaders } from "./support/gpconnect-request.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

/** Bodies per operation of the control API that creates nothing costly, and per FHIR interface. */
const PER_OPERATION = 300;
const PARAMETERS_BODIES = 2_000;
const STU3 = JSON.parse(
  readFileSync(new URL("../../shared/reference/fhir-stu3/fhir.schema.json", import.meta.url), "utf8"),
) as { definitions: Record<string, unknown> };

const started = useRegionWithReferenceGateway({ seed: 23, practices: 2, patientsPerPractice: 20 });

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly body?: Record<string, unknown>;
  readonly parameters: ReadonlyArray<{ name: string; in: string; schema?: Record<string, unknown> }>;
}

function operationsOf(document: {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema?: object }> };
        parameters?: Operation["parameters"];
      }
    >
  >;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      ...(op.requestBody?.content?.["application/json"]?.schema === undefined
        ? {}
        : { body: op.requestBody.content["application/json"].schema as Record<string, unknown> }),
      parameters: op.parameters ?? [],
    })),
  );
}

function statusCounts(): { add(status: number): void; summary(): string; all(): number[] } {
  const counts = new Map<number, number>();
  return {
    add: (status) => counts.set(status, (counts.get(status) ?? 0) + 1),
    summary: () => JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b))),
    all: () => [...counts.keys()],
  };
}

describe("requests generated from the interfaces' own schemas", () => {
  it("the control API: every operation of its OpenAPI document, never a 500", {
    timeout: 120_000,
  }, async () => {
    const control = new URL(started.region.info().control);
    const client = new Client(control.origin);
    const document = (await (
      await fetch(`${started.region.info().control}/openapi.json`)
    ).json()) as Parameters<typeof operationsOf>[0] & {
      components?: unknown;
    };
    const generator = createGeneratorSync({ seed: 20261126, maxItems: 4 });
    const known = started.region.info().practices[0]!.ods;
    const statuses = statusCounts();
    let sent = 0;
    try {
      for (const operation of operationsOf(document)) {
        // Adding practices opens ports, and faulting PDS or clearing the journal is what the API is for:
        // kept few, so the region stays what the other interfaces need.
        const runs =
          operation.method === "POST" && operation.path.endsWith("/practices") ? 20 : PER_OPERATION;
        for (let i = 0; i < runs; i++) {
          let path = operation.path.replace(/^\/_control/, control.pathname.replace(/\/$/, ""));
          for (const parameter of operation.parameters.filter((p) => p.in === "path")) {
            const value =
              i % 2 === 0 ? known : String(generator.generate(parameter.schema ?? { type: "string" }));
            path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
          }
          const body =
            operation.body === undefined
              ? undefined
              : JSON.stringify(generator.generate({ ...operation.body, components: document.components }));
          const answer = await client.request({
            method: operation.method as "GET",
            path,
            ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }),
          });
          const text = await answer.body.text();
          statuses.add(answer.statusCode);
          sent++;
          expect(
            answer.statusCode,
            `${operation.method} ${path} ${body ?? ""}: ${text.slice(0, 300)}`,
          ).toBeLessThan(500);
        }
      }
      console.log(`control API: ${sent} schema-generated requests, statuses ${statuses.summary()}`);
      expect(statuses.all().some((s) => s >= 200 && s < 300)).toBe(true);
      expect(statuses.all().some((s) => s >= 400 && s < 500)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("a practice and the reference gateway: STU3 Parameters from the official schema, never a 500", {
    timeout: 180_000,
  }, async () => {
    const practice = started.region.info().practices[0]!;
    const patient = started.region.info().patients.find((p) => p.ods === practice.ods)!;
    const generator = createGeneratorSync({ seed: 20261126, maxDepth: 4, maxItems: 4 });
    const patientParameter = {
      name: "patientNHSNumber",
      valueIdentifier: { system: "https://fhir.nhs.uk/Id/nhs-number", value: patient.nhsNumber },
    };
    const targets = [
      {
        name: "practice",
        url: new URL(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`),
        headers: gpConnectHeaders({
          fromAsid: started.region.info().consumer.asid,
          toAsid: practice.asid,
          audience: practice.endpoint,
        }),
      },
      {
        name: "gateway",
        url: new URL("/Patient/$gpc.getstructuredrecord", started.gateway.url),
        headers: {
          "content-type": "application/fhir+json",
          "ssp-traceid": "0f5c2b1e-9d0a-4c4e-8a7b-3e2d1c0b9a88",
          "x-consent": "granted",
          authorization: `Bearer ${consumerJwt(started.gateway.url)}`,
        },
      },
    ];
    const before = process.memoryUsage().rss;
    for (const target of targets) {
      const client = new Client(target.url.origin, { headersTimeout: 10_000, bodyTimeout: 10_000 });
      const statuses = statusCounts();
      try {
        for (let i = 0; i < PARAMETERS_BODIES; i++) {
          const generated = generator.generate({
            $ref: "#/definitions/Parameters",
            definitions: STU3.definitions,
          }) as {
            parameter?: unknown[];
          };
          // Half of them name a real patient, so the practice's own parameter checks are reached.
          if (i % 2 === 0) generated.parameter = [patientParameter, ...(generated.parameter ?? [])];
          const body = JSON.stringify(generated);
          const answer = await client.request({
            method: "POST",
            path: target.url.pathname,
            headers: target.headers,
            body,
          });
          const text = await answer.body.text();
          statuses.add(answer.statusCode);
          const failedHard =
            answer.statusCode >= 500 && answer.statusCode !== 502 && answer.statusCode !== 504;
          expect(
            failedHard,
            `${target.name} answered ${answer.statusCode} to ${body.slice(0, 400)}: ${text.slice(0, 300)}`,
          ).toBe(false);
          if (answer.statusCode === 200) expect(JSON.parse(text).resourceType).toBe("Bundle");
        }
        console.log(
          `${target.name}: ${PARAMETERS_BODIES} schema-generated Parameters, statuses ${statuses.summary()}`,
        );
        expect(statuses.all().some((s) => s >= 400 && s < 500)).toBe(true);
      } finally {
        await client.close();
      }
    }
    const grewMiB = (process.memoryUsage().rss - before) / 1024 / 1024;
    console.log(`resident memory grew ${grewMiB.toFixed(1)} MiB over ${2 * PARAMETERS_BODIES} requests`);
    expect(grewMiB).toBeLessThan(200);
  });
});
