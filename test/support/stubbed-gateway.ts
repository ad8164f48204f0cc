/**
 * The reference gateway on loopback against the stubs of gateway-stubs.ts, with the patients the gateway tests
 * ask about, and a consumer's request to it (the north side): the pieces the gateway tests share.
 */
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { type RunningGateway, startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../../gpconnect/identifiers.js";
import { closedPortUrl, type GatewayStubs, startGatewayStubs } from "./gateway-stubs.js";

/** Registered at the live stub practice. */
export const REGISTERED = "9999999999";
export const UNKNOWN_TO_PDS = "9000000009";
export const RESTRICTED = "9990000018";
export const WITHOUT_GP = "9990000026";
export const AT_OFFLINE_PRACTICE = "9990000034";
export const AT_UNLISTED_PRACTICE = "9990000042";
/** Listed in SDS, with nothing listening at its endpoint. */
export const OFFLINE_ODS = "B81001";
/** Not listed in SDS. */
export const UNLISTED_ODS = "C99999";
export const PRACTICE_TIMEOUT_MS = 500;
export const GATEWAY_ASID = "999000000002";
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The trace id the consumer sends. */
export const CONSUMER_TRACE_ID = "5a1b1f4e-7c0e-4d7b-9a43-2f1f3b5e6c7d";

export const consumerPractitioner = {
  resourceType: "Practitioner",
  id: "10019",
  identifier: [
    { system: SDS_USER_ID_SYSTEM, value: "111222333444" },
    { system: "https://fhir.nhs.uk/Id/sds-role-profile-id", value: "444555666777" },
  ],
  name: [{ family: "O'Brien", given: ["Siobhán"], prefix: ["Dr"] }],
};
export const consumerOrganization = {
  resourceType: "Organization",
  identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: "Y99001" }],
  name: "Out of Hours Service",
};

function consumerToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: "https://consumer.example",
    sub: consumerPractitioner.id,
    aud: "https://gateway.example",
    iat: now,
    exp: now + 300,
    reason_for_request: "directcare",
    requested_scope: "patient/*.read",
    requesting_practitioner: consumerPractitioner,
    requesting_organization: consumerOrganization,
    ...claims,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}

export function parametersFor(nhsNumber: string, system = NHS_NUMBER_SYSTEM): fhir.Parameters {
  return {
    resourceType: "Parameters",
    parameter: [
      { name: "patientNHSNumber", valueIdentifier: { system, value: nhsNumber } },
      { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: true }] },
    ],
  };
}

export interface NorthAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly elapsedMs: number;
}

export interface NorthRequest {
  readonly nhsNumber?: string;
  readonly body?: string;
  /** The X-Consent header: default "granted"; "" sends none. */
  readonly consent?: string;
  readonly reason?: string;
  readonly headers?: Record<string, string>;
  readonly path?: string;
  readonly method?: "POST" | "GET";
}

/** A consumer's structured-record request to the gateway at `gatewayUrl`, timed. */
async function askGateway(gatewayUrl: string, north: NorthRequest = {}): Promise<NorthAnswer> {
  const started = performance.now();
  const method = north.method ?? "POST";
  const answer = await request(`${gatewayUrl}${north.path ?? "/Patient/$gpc.getstructuredrecord"}`, {
    method,
    headers: {
      ...(method === "POST" ? { "content-type": "application/fhir+json" } : {}),
      "ssp-traceid": CONSUMER_TRACE_ID,
      "ssp-from": "999000000001",
      authorization: `Bearer ${consumerToken({ aud: gatewayUrl })}`,
      ...(north.consent === undefined
        ? { "x-consent": "granted" }
        : north.consent === ""
          ? {}
          : { "x-consent": north.consent }),
      ...(north.reason === undefined ? {} : { "x-consent-reason": north.reason }),
      ...north.headers,
    },
    ...(method === "POST"
      ? { body: north.body ?? JSON.stringify(parametersFor(north.nhsNumber ?? REGISTERED)) }
      : {}),
  });
  const text = await answer.body.text();
  return {
    status: answer.statusCode,
    headers: answer.headers,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
    elapsedMs: performance.now() - started,
  };
}

export function issueOf(body: unknown): { code?: string; diagnostics?: string } {
  return (body as fhir.OperationOutcome).issue?.[0] ?? {};
}

/**
 * The stubs, knowing the test patients: REGISTERED at the live practice, RESTRICTED, WITHOUT_GP, one at a
 * practice listed in SDS but offline (OFFLINE_ODS) and one at a practice SDS does not list (UNLISTED_ODS).
 */
export async function startStubsWithPatients(): Promise<GatewayStubs> {
  const stubs = await startGatewayStubs();
  stubs.addPatient(REGISTERED, { ods: stubs.practice.ods });
  stubs.addPatient(RESTRICTED, { restricted: true });
  stubs.addPatient(WITHOUT_GP, { noGp: true });
  stubs.addPatient(AT_OFFLINE_PRACTICE, { ods: OFFLINE_ODS });
  stubs.addPatient(AT_UNLISTED_PRACTICE, { ods: UNLISTED_ODS });
  stubs.addPractice({
    ods: OFFLINE_ODS,
    asid: "200000000999",
    endpoint: await closedPortUrl(`/${OFFLINE_ODS}/STU3/1/gpconnect/structured/fhir`),
  });
  return stubs;
}

export interface StubbedGateway {
  readonly stubs: GatewayStubs;
  getRecord(north?: NorthRequest): Promise<NorthAnswer>;
  /** Asserts that nothing was asked of PDS, SDS or the practice. */
  expectNoSouthRequests(): void;
}

/**
 * For the calling test file: the stubs and a gateway in front of them (practice timeout PRACTICE_TIMEOUT_MS),
 * started before its tests and closed after them; the stubs' records and overrides cleared before each test.
 */
export function useStubbedGateway(): StubbedGateway {
  let stubs: GatewayStubs | undefined;
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    stubs = await startStubsWithPatients();
    gateway = await startGateway(
      readGatewayConfig({
        PORT: "0",
        PDS_URL: stubs.pdsUrl,
        SDS_URL: stubs.sdsUrl,
        PRACTICE_TIMEOUT_MS: String(PRACTICE_TIMEOUT_MS),
        SPINE_TIMEOUT_MS: "1000",
      }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await stubs?.close();
  });
  beforeEach(() => {
    stubs?.reset();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the stubs and the gateway start in beforeAll");
    return value;
  };
  return {
    get stubs() {
      return started(stubs);
    },
    getRecord: (north) => askGateway(started(gateway).url, north),
    expectNoSouthRequests: () => {
      const received = started(stubs).received;
      expect(received.pds).toHaveLength(0);
      expect(received.sds).toHaveLength(0);
      expect(received.practice).toHaveLength(0);
    },
  };
}
