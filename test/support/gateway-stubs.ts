/**
 * Small stand-ins for PDS, SDS and one GP practice, answering as the contracts say, for testing the reference
 * gateway on real loopback HTTP. They record every request and can be told to answer something else.
 */
import type { IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import type { Bundle } from "../../gpconnect/fhir-stu3.js";
import {
  ASID_SYSTEM,
  FHIR_JSON,
  INTERACTION_ID_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  PARTY_KEY_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../../gpconnect/identifiers.js";

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw request body, when there was one. */
  readonly body: string | undefined;
}

/** Something other than the stub's normal answer: a fixed reply, or no reply at all. */
export type StubOverride = { readonly status: number; readonly body: string } | { readonly hang: true };

export interface StubPractice {
  readonly ods: string;
  readonly asid: string;
  readonly endpoint: string;
}

export type StubPatient = { readonly ods: string } | { readonly restricted: true } | { readonly noGp: true };

export interface GatewayStubs {
  readonly pdsUrl: string;
  readonly sdsUrl: string;
  /** The live practice; patients registered with it get STUB_BUNDLE. */
  readonly practice: StubPractice;
  readonly received: { pds: RecordedRequest[]; sds: RecordedRequest[]; practice: RecordedRequest[] };
  /** Replace a stub's normal answer until reset(). */
  readonly overrides: { pds?: StubOverride; sds?: StubOverride; practice?: StubOverride };
  addPatient(nhsNumber: string, patient: StubPatient): void;
  /** List a practice in SDS (Device and Endpoint), whether or not anything listens at its endpoint. */
  addPractice(practice: StubPractice): void;
  /** Forget recorded requests and overrides (patients and practices stay). */
  reset(): void;
  close(): Promise<void>;
}

export const STUB_PRACTICE_ODS = "A20047";
export const STUB_PRACTICE_ASID = "200000000985";

export function stubBundle(nhsNumber: string): Bundle {
  return {
    resourceType: "Bundle",
    meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"] },
    type: "collection",
    entry: [
      {
        resource: {
          resourceType: "Patient",
          id: "1",
          identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
        } as fhir.Patient,
      },
    ],
  };
}

/** A Fastify server that records every request in `log` and answers `override()` instead, when there is one. */
function stubServer(
  log: RecordedRequest[],
  override: () => StubOverride | undefined,
  hanging: Promise<void>,
): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.addHook("preHandler", async (request, reply) => {
    log.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: typeof request.body === "string" ? request.body : undefined,
    });
    const replacement = override();
    if (replacement === undefined) return;
    if ("hang" in replacement) {
      await hanging;
      return reply.code(500).send();
    }
    return reply.code(replacement.status).type(FHIR_JSON).send(replacement.body);
  });
  return app;
}

/** PDS's patient read: the patient as registered, 404 when unknown, as the PDS FHIR API answers. */
function routePds(pds: FastifyInstance, patients: ReadonlyMap<string, StubPatient>): void {
  pds.get<{ Params: { nhsNumber: string } }>(
    "/personal-demographics/FHIR/R4/Patient/:nhsNumber",
    async (request, reply) => {
      if (request.headers["x-request-id"] === undefined)
        return reply.code(412).send(pdsError("PRECONDITION_FAILED"));
      const { nhsNumber } = request.params;
      if (!/^\d{10}$/.test(nhsNumber)) return reply.code(400).send(pdsError("INVALID_RESOURCE_ID"));
      const patient = patients.get(nhsNumber);
      if (patient === undefined) return reply.code(404).send(pdsError("RESOURCE_NOT_FOUND"));
      return reply.type(FHIR_JSON).send(pdsPatient(nhsNumber, patient));
    },
  );
}

/** SDS's Device and Endpoint searches: the practice listed for the structured-record interaction, if any. */
function routeSds(sds: FastifyInstance, directory: ReadonlyMap<string, StubPractice>): void {
  for (const resourceType of ["Device", "Endpoint"] as const) {
    sds.get<{ Querystring: Record<string, string | string[]> }>(
      `/spine-directory/FHIR/R4/${resourceType}`,
      async (request, reply) => {
        if (request.headers.apikey === undefined) return reply.code(401).send({ error: "apikey required" });
        const ods = String(request.query.organization ?? "").split("|")[1] ?? "";
        const interaction = String(request.query.identifier ?? "").split("|")[1];
        const practice = interaction === STRUCTURED_RECORD_INTERACTION ? directory.get(ods) : undefined;
        const entries = practice === undefined ? [] : [{ resource: sdsResource(resourceType, practice) }];
        return reply
          .type(FHIR_JSON)
          .send({ resourceType: "Bundle", type: "searchset", total: entries.length, entry: entries });
      },
    );
  }
}

/** The live practice's structured-record operation: STUB_BUNDLE for the NHS number asked for. */
function routePractice(practiceApp: FastifyInstance): void {
  practiceApp.post(
    `/${STUB_PRACTICE_ODS}/STU3/1/gpconnect/structured/fhir/Patient/$gpc.getstructuredrecord`,
    async (request, reply) => {
      const parameters = JSON.parse(String(request.body)) as fhir.Parameters;
      const nhsNumber =
        parameters.parameter?.find((p) => p.name === "patientNHSNumber")?.valueIdentifier?.value ?? "";
      return reply.type(FHIR_JSON).send(stubBundle(nhsNumber));
    },
  );
}

export async function startGatewayStubs(): Promise<GatewayStubs> {
  const received: GatewayStubs["received"] = { pds: [], sds: [], practice: [] };
  const overrides: GatewayStubs["overrides"] = {};
  const patients = new Map<string, StubPatient>();
  const directory = new Map<string, StubPractice>();
  // Hanging handlers wait on this, so close() can release them.
  let releaseHanging: () => void = () => undefined;
  const hanging = new Promise<void>((resolve) => {
    releaseHanging = resolve;
  });

  const pds = stubServer(received.pds, () => overrides.pds, hanging);
  routePds(pds, patients);
  const sds = stubServer(received.sds, () => overrides.sds, hanging);
  routeSds(sds, directory);
  const practiceApp = stubServer(received.practice, () => overrides.practice, hanging);
  routePractice(practiceApp);

  const [pdsBase, sdsBase, practiceBase] = await Promise.all(
    [pds, sds, practiceApp].map((app) => app.listen({ host: "127.0.0.1", port: 0 })),
  );
  const practice: StubPractice = {
    ods: STUB_PRACTICE_ODS,
    asid: STUB_PRACTICE_ASID,
    endpoint: `${practiceBase}/${STUB_PRACTICE_ODS}/STU3/1/gpconnect/structured/fhir`,
  };
  directory.set(practice.ods, practice);

  return {
    pdsUrl: `${pdsBase}/personal-demographics/FHIR/R4`,
    sdsUrl: `${sdsBase}/spine-directory/FHIR/R4`,
    practice,
    received,
    overrides,
    addPatient: (nhsNumber, patient) => {
      patients.set(nhsNumber, patient);
    },
    addPractice: (listed) => {
      directory.set(listed.ods, listed);
    },
    reset: () => {
      received.pds.length = 0;
      received.sds.length = 0;
      received.practice.length = 0;
      delete overrides.pds;
      delete overrides.sds;
      delete overrides.practice;
    },
    close: async () => {
      releaseHanging();
      await Promise.all([pds.close(), sds.close(), practiceApp.close()]);
    },
  };
}

/** A URL on loopback where nothing listens, so connecting is refused at once ("offline"). */
export async function closedPortUrl(path: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}${path}`;
}

function pdsPatient(nhsNumber: string, patient: StubPatient): Record<string, unknown> {
  const confidentiality =
    "restricted" in patient ? { code: "R", display: "restricted" } : { code: "U", display: "unrestricted" };
  return {
    resourceType: "Patient",
    id: nhsNumber,
    meta: {
      versionId: "2",
      security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", ...confidentiality }],
    },
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
    name: [{ use: "usual", family: "Smith", given: ["Jane"] }],
    ...("ods" in patient
      ? {
          generalPractitioner: [
            {
              id: "254406A3",
              type: "Organization",
              identifier: { system: ODS_ORGANISATION_SYSTEM, value: patient.ods },
            },
          ],
        }
      : {}),
  };
}

function sdsResource(resourceType: "Device" | "Endpoint", practice: StubPractice): Record<string, unknown> {
  const partyKey = { system: PARTY_KEY_SYSTEM, value: `${practice.ods}-0000001` };
  const interaction = {
    url: "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId",
    valueReference: { identifier: { system: INTERACTION_ID_SYSTEM, value: STRUCTURED_RECORD_INTERACTION } },
  };
  if (resourceType === "Device") {
    return {
      resourceType: "Device",
      id: `device-${practice.ods}`,
      identifier: [{ system: ASID_SYSTEM, value: practice.asid }, partyKey],
      extension: [interaction],
      owner: { identifier: { system: ODS_ORGANISATION_SYSTEM, value: practice.ods } },
    };
  }
  return {
    resourceType: "Endpoint",
    id: `endpoint-${practice.ods}`,
    status: "active",
    address: practice.endpoint,
    managingOrganization: { identifier: { system: ODS_ORGANISATION_SYSTEM, value: practice.ods } },
    identifier: [partyKey],
    extension: [interaction],
  };
}

function pdsError(code: string): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: "error",
        code: code === "RESOURCE_NOT_FOUND" ? "not-found" : "value",
        details: { coding: [{ system: "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode", code }] },
      },
    ],
  };
}
