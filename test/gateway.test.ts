/**
 * The reference gateway on real loopback HTTP, against stub PDS, SDS and practice servers: what it answers
 * north, and what it did (or did not) ask of the south side.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningGateway, startGateway } from "../gateway/app.js";
import { type GatewayConfig, GatewayConfigError, readGatewayConfig } from "../gateway/config.js";
import { isValidNhsNumber } from "../gateway/structured-request.js";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_USER_ID_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { operationOutcome } from "../gpconnect/outcomes.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { closedPortUrl, type GatewayStubs, startGatewayStubs, stubBundle } from "./support/gateway-stubs.js";

const REGISTERED = "9999999999";
const UNKNOWN_TO_PDS = "9000000009";
const RESTRICTED = "9990000018";
const WITHOUT_GP = "9990000026";
const AT_OFFLINE_PRACTICE = "9990000034";
const AT_UNLISTED_PRACTICE = "9990000042";
const OFFLINE_ODS = "B81001";
const UNLISTED_ODS = "C99999";
const PRACTICE_TIMEOUT_MS = 500;
const GATEWAY_ASID = "999000000002";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const consumerPractitioner = {
  resourceType: "Practitioner",
  id: "10019",
  identifier: [
    { system: SDS_USER_ID_SYSTEM, value: "111222333444" },
    { system: "https://fhir.nhs.uk/Id/sds-role-profile-id", value: "444555666777" },
  ],
  name: [{ family: "O'Brien", given: ["Siobhán"], prefix: ["Dr"] }],
};
const consumerOrganization = {
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

function parametersFor(nhsNumber: string, system = NHS_NUMBER_SYSTEM): fhir.Parameters {
  return {
    resourceType: "Parameters",
    parameter: [
      { name: "patientNHSNumber", valueIdentifier: { system, value: nhsNumber } },
      { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: true }] },
    ],
  };
}

interface NorthAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly elapsedMs: number;
}

interface NorthRequest {
  readonly nhsNumber?: string;
  readonly body?: string;
  readonly consent?: string;
  readonly reason?: string;
  readonly headers?: Record<string, string>;
  readonly path?: string;
  readonly method?: "POST" | "GET";
}

let stubs: GatewayStubs;
let gateway: RunningGateway;
let config: GatewayConfig;

async function getRecord(north: NorthRequest = {}): Promise<NorthAnswer> {
  const started = performance.now();
  const method = north.method ?? "POST";
  const answer = await request(`${gateway.url}${north.path ?? "/Patient/$gpc.getstructuredrecord"}`, {
    method,
    headers: {
      ...(method === "POST" ? { "content-type": "application/fhir+json" } : {}),
      "ssp-traceid": "5a1b1f4e-7c0e-4d7b-9a43-2f1f3b5e6c7d",
      "ssp-from": "999000000001",
      authorization: `Bearer ${consumerToken()}`,
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

function issueOf(body: unknown): { code?: string; diagnostics?: string } {
  return (body as fhir.OperationOutcome).issue?.[0] ?? {};
}

function decodedJwt(authorization: string | string[] | undefined): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
} {
  const token = String(authorization).replace(/^Bearer /, "");
  const [header = "", claims = "", signature = ""] = token.split(".");
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: decode(header), claims: decode(claims), signature };
}

function expectNoSouthRequests(): void {
  expect(stubs.received.pds).toHaveLength(0);
  expect(stubs.received.sds).toHaveLength(0);
  expect(stubs.received.practice).toHaveLength(0);
}

beforeAll(async () => {
  stubs = await startGatewayStubs();
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
  config = readGatewayConfig({
    PORT: "0",
    PDS_URL: stubs.pdsUrl,
    SDS_URL: stubs.sdsUrl,
    PRACTICE_TIMEOUT_MS: String(PRACTICE_TIMEOUT_MS),
    SPINE_TIMEOUT_MS: "1000",
  });
  gateway = await startGateway(config);
});

afterAll(async () => {
  await gateway?.close();
  await stubs?.close();
});

beforeEach(() => {
  stubs.reset();
});

describe("consent granted", () => {
  it("answers 200 with the practice's bundle, unchanged", async () => {
    const answer = await getRecord();
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(answer.body).toEqual(stubBundle(REGISTERED));
  });

  it("asks PDS, then SDS for the Device and the Endpoint, as the Spine APIs require", async () => {
    await getRecord();
    expect(stubs.received.pds).toHaveLength(1);
    const pds = stubs.received.pds[0]!;
    expect(pds.url).toBe(`/personal-demographics/FHIR/R4/Patient/${REGISTERED}`);
    expect(pds.headers["x-request-id"]).toMatch(UUID);

    const paths = stubs.received.sds.map((r) => new URL(r.url, "http://sds").pathname).sort();
    expect(paths).toEqual(["/spine-directory/FHIR/R4/Device", "/spine-directory/FHIR/R4/Endpoint"]);
    for (const sds of stubs.received.sds) {
      const query = new URL(sds.url, "http://sds").searchParams;
      expect(query.get("organization")).toBe(`${ODS_ORGANISATION_SYSTEM}|${stubs.practice.ods}`);
      expect(query.get("identifier")).toBe(`${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`);
      expect(sds.headers.apikey).toBe("gp-harness");
    }
  });

  it("sends the practice the Ssp headers, the consumer's parameters and trace id", async () => {
    const parameters = parametersFor(REGISTERED);
    await getRecord({ body: JSON.stringify(parameters) });
    expect(stubs.received.practice).toHaveLength(1);
    const practice = stubs.received.practice[0]!;
    expect(practice.url).toBe(
      new URL(`${stubs.practice.endpoint}/Patient/$gpc.getstructuredrecord`).pathname,
    );
    expect(practice.headers["ssp-traceid"]).toBe("5a1b1f4e-7c0e-4d7b-9a43-2f1f3b5e6c7d");
    expect(practice.headers["ssp-from"]).toBe(GATEWAY_ASID);
    expect(practice.headers["ssp-to"]).toBe(stubs.practice.asid);
    expect(practice.headers["ssp-interactionid"]).toBe(STRUCTURED_RECORD_INTERACTION);
    expect(practice.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(JSON.parse(practice.body ?? "")).toEqual(parameters);
  });

  it("sends the practice a fresh unsigned GP Connect JWT carrying the consumer's practitioner", async () => {
    const before = Math.floor(Date.now() / 1000);
    await getRecord();
    const jwt = decodedJwt(stubs.received.practice[0]?.headers.authorization);
    expect(jwt.header.alg).toBe("none");
    expect(jwt.signature).toBe("");
    expect(jwt.claims.aud).toBe(stubs.practice.endpoint);
    expect(jwt.claims.iat).toBeGreaterThanOrEqual(before);
    expect(jwt.claims.exp).toBe((jwt.claims.iat as number) + 300);
    expect(jwt.claims.reason_for_request).toBe("directcare");
    expect(jwt.claims.requested_scope).toBe("patient/*.read");
    expect(jwt.claims.requesting_practitioner).toEqual(consumerPractitioner);
    expect(jwt.claims.sub).toBe(consumerPractitioner.id);
    expect(jwt.claims.requesting_organization).toEqual(consumerOrganization);
    expect(jwt.claims.requesting_device).toMatchObject({
      resourceType: "Device",
      identifier: [{ system: ASID_SYSTEM, value: GATEWAY_ASID }],
    });
  });

  it("makes a trace id when the consumer sends none, and uses it south and north", async () => {
    const answer = await getRecord({ headers: { "ssp-traceid": "" } });
    expect(answer.status).toBe(200);
    const traceId = stubs.received.practice[0]?.headers["ssp-traceid"];
    expect(traceId).toMatch(UUID);
    expect(answer.headers["ssp-traceid"]).toBe(traceId);
  });

  it("accepts the lower-case path NHS England's gateway uses", async () => {
    const answer = await getRecord({ path: "/patient/$gpc.getstructuredrecord" });
    expect(answer.status).toBe(200);
  });
});

describe("consent refused or incomplete", () => {
  it("refused: 403 NO_PATIENT_CONSENT and no request to PDS, SDS or the practice", async () => {
    const answer = await getRecord({ consent: "refused" });
    expect(answer.status).toBe(403);
    expect(spineErrorCode(answer.body)).toBe("NO_PATIENT_CONSENT");
    expectNoSouthRequests();
  });

  it("emergency without a reason: 400 BAD_REQUEST, nothing requested", async () => {
    const answer = await getRecord({ consent: "emergency" });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    expect(issueOf(answer.body).diagnostics).toContain("X-Consent-Reason");
    expectNoSouthRequests();
  });

  it("emergency with a reason: the record is retrieved", async () => {
    const answer = await getRecord({ consent: "emergency", reason: "Unconscious patient in A&E" });
    expect(answer.status).toBe(200);
    expect(stubs.received.practice).toHaveLength(1);
  });

  it.each([
    ["missing", ""],
    ["unknown", "maybe"],
  ])("X-Consent %s: 400 BAD_REQUEST, nothing requested", async (_case, consent) => {
    const answer = await getRecord({ consent });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    expect(issueOf(answer.body).diagnostics).toContain("X-Consent");
    expectNoSouthRequests();
  });
});

describe("bad north requests are refused before any south call", () => {
  it.each([
    ["a wrong check digit", "9999999998"],
    ["a check digit of 10", "9990000000"],
    ["too few digits", "99999"],
    ["a letter", "999999999X"],
  ])("NHS number with %s: 400 INVALID_NHS_NUMBER", async (_case, nhsNumber) => {
    const answer = await getRecord({ nhsNumber });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("INVALID_NHS_NUMBER");
    expectNoSouthRequests();
  });

  const twoNumbers = parametersFor(REGISTERED);
  twoNumbers.parameter?.push({
    name: "patientNHSNumber",
    valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: REGISTERED },
  });
  it.each([
    ["malformed JSON", "{not json", 400, "BAD_REQUEST"],
    ["an empty body", "", 400, "BAD_REQUEST"],
    ["not a Parameters resource", JSON.stringify({ resourceType: "Patient" }), 422, "INVALID_RESOURCE"],
    [
      "parameter not a list",
      JSON.stringify({ resourceType: "Parameters", parameter: {} }),
      422,
      "INVALID_RESOURCE",
    ],
    [
      "no patientNHSNumber",
      JSON.stringify({ resourceType: "Parameters", parameter: [] }),
      422,
      "INVALID_PARAMETER",
    ],
    ["two patientNHSNumbers", JSON.stringify(twoNumbers), 422, "INVALID_PARAMETER"],
    [
      "the wrong identifier system",
      JSON.stringify(parametersFor(REGISTERED, "https://example.org/id")),
      400,
      "INVALID_IDENTIFIER_SYSTEM",
    ],
  ])("%s: %i %s", async (_case, body, status, code) => {
    const answer = await getRecord({ body });
    expect(answer.status).toBe(status);
    expect(spineErrorCode(answer.body)).toBe(code);
    expectNoSouthRequests();
  });

  it("validates the request before consent: refused consent with a bad NHS number is a 400", async () => {
    const answer = await getRecord({ nhsNumber: "9999999998", consent: "refused" });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("INVALID_NHS_NUMBER");
  });

  it("an unreadable consumer token: 400 BAD_REQUEST", async () => {
    const answer = await getRecord({ headers: { authorization: "Bearer not-a-jwt" } });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    expectNoSouthRequests();
  });

  it("a body over the limit: 413 OperationOutcome", async () => {
    const answer = await getRecord({
      body: JSON.stringify({ resourceType: "Parameters", padding: "x".repeat(100_000) }),
    });
    expect(answer.status).toBe(413);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
    expectNoSouthRequests();
  });

  it("an unsupported content type: 415 OperationOutcome", async () => {
    const answer = await getRecord({ headers: { "content-type": "text/plain" } });
    expect(answer.status).toBe(415);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });

  it("an unknown route: 404 OperationOutcome", async () => {
    const answer = await getRecord({ path: "/Patient/1" });
    expect(answer.status).toBe(404);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });

  it("the wrong method: 405 OperationOutcome with Allow: POST", async () => {
    const answer = await getRecord({ method: "GET" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST");
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });
});

describe("what PDS and SDS say", () => {
  it("PDS 404: 404 PATIENT_NOT_FOUND, and no SDS or practice request", async () => {
    const answer = await getRecord({ nhsNumber: UNKNOWN_TO_PDS });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("PATIENT_NOT_FOUND");
    expect(stubs.received.pds).toHaveLength(1);
    expect(stubs.received.sds).toHaveLength(0);
    expect(stubs.received.practice).toHaveLength(0);
  });

  it.each([
    ["restricted", RESTRICTED],
    ["without a registered GP", WITHOUT_GP],
  ])("patient %s: 404 PATIENT_NOT_FOUND", async (_case, nhsNumber) => {
    const answer = await getRecord({ nhsNumber });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("PATIENT_NOT_FOUND");
    expect(stubs.received.practice).toHaveLength(0);
  });

  it("SDS lists no Device or Endpoint: 404 ORGANISATION_NOT_FOUND", async () => {
    const answer = await getRecord({ nhsNumber: AT_UNLISTED_PRACTICE });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("ORGANISATION_NOT_FOUND");
    expect(issueOf(answer.body).diagnostics).toContain(UNLISTED_ODS);
  });

  it.each([
    ["pds", "PDS"],
    ["sds", "SDS"],
  ] as const)("malformed JSON from %s: 502 naming it", async (service, name) => {
    stubs.overrides[service] = { status: 200, body: '{"resourceType": ' };
    const answer = await getRecord();
    expect(answer.status).toBe(502);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
    expect(issueOf(answer.body).diagnostics).toContain(name);
    expect(stubs.received.practice).toHaveLength(0);
  });

  it("PDS failing with 500: 502 naming PDS", async () => {
    stubs.overrides.pds = { status: 500, body: "<html>oops</html>" };
    const answer = await getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain("PDS");
  });
});

describe("what the practice says", () => {
  it("an OperationOutcome is passed through with its status (403 NO_PATIENT_CONSENT)", async () => {
    const dissent = operationOutcome("NO_PATIENT_CONSENT", "Patient has dissented from sharing");
    stubs.overrides.practice = { status: 403, body: JSON.stringify(dissent) };
    const answer = await getRecord();
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual(dissent);
  });

  it("malformed JSON: 502 naming the practice", async () => {
    stubs.overrides.practice = { status: 200, body: '{"resourceType":"Bundle"' };
    const answer = await getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain(stubs.practice.ods);
  });

  it("a 200 that is not a Bundle: 502 naming the practice", async () => {
    stubs.overrides.practice = { status: 200, body: JSON.stringify({ resourceType: "Patient" }) };
    const answer = await getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain(stubs.practice.ods);
  });

  it("offline (connection refused): 502 transient within 2 s, naming the ODS code", async () => {
    const answer = await getRecord({ nhsNumber: AT_OFFLINE_PRACTICE });
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).code).toBe("transient");
    expect(issueOf(answer.body).diagnostics).toContain(OFFLINE_ODS);
    expect(answer.elapsedMs).toBeLessThan(2000);
  });

  it("hanging: 504 timeout within PRACTICE_TIMEOUT_MS and a margin, naming the ODS code", async () => {
    stubs.overrides.practice = { hang: true };
    const answer = await getRecord();
    expect(answer.status).toBe(504);
    expect(issueOf(answer.body).code).toBe("timeout");
    expect(issueOf(answer.body).diagnostics).toContain(stubs.practice.ods);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(PRACTICE_TIMEOUT_MS - 50);
    expect(answer.elapsedMs).toBeLessThan(PRACTICE_TIMEOUT_MS + 1000);
  });
});

describe("NHS number check", () => {
  it("accepts valid modulus-11 numbers and rejects the rest", () => {
    expect(["9999999999", "9000000009", "9990000018"].every(isValidNhsNumber)).toBe(true);
    expect(
      ["9999999998", "9990000000", "999999999", "99999999990", " 999999999"].some(isValidNhsNumber),
    ).toBe(false);
  });
});

describe("configuration", () => {
  const required = { PDS_URL: "http://127.0.0.1:1/pds/", SDS_URL: "http://127.0.0.1:2/sds" };

  it("applies the documented defaults", () => {
    expect(readGatewayConfig(required)).toEqual({
      host: "127.0.0.1",
      port: 8080,
      pdsUrl: "http://127.0.0.1:1/pds",
      sdsUrl: "http://127.0.0.1:2/sds",
      sdsApiKey: "gp-harness",
      gatewayAsid: "999000000002",
      gatewayOds: "Y99002",
      practiceTimeoutMs: 5000,
      spineTimeoutMs: 3000,
    });
  });

  it.each([
    ["PDS_URL", { SDS_URL: required.SDS_URL }],
    ["SDS_URL", { PDS_URL: required.PDS_URL }],
    ["PDS_URL", { ...required, PDS_URL: "not a url" }],
    ["SDS_URL", { ...required, SDS_URL: "ftp://127.0.0.1/sds" }],
    ["PORT", { ...required, PORT: "80a" }],
    ["PORT", { ...required, PORT: "70000" }],
    ["PRACTICE_TIMEOUT_MS", { ...required, PRACTICE_TIMEOUT_MS: "0" }],
    ["SPINE_TIMEOUT_MS", { ...required, SPINE_TIMEOUT_MS: "-5" }],
    ["GATEWAY_ASID", { ...required, GATEWAY_ASID: "asid" }],
    ["GATEWAY_ODS", { ...required, GATEWAY_ODS: "Y9/../x" }],
  ])("names %s when it is missing or invalid", (variable, env) => {
    let thrown: unknown;
    try {
      readGatewayConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayConfigError);
    expect((thrown as GatewayConfigError).variable).toBe(variable);
    expect((thrown as GatewayConfigError).message).toContain(variable);
  });
});

describe("gateway/main.ts as a process", () => {
  interface Exited {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
  }

  function launch(env: Record<string, string | undefined>): ChildProcessWithoutNullStreams {
    const childEnv = { ...process.env, ...env };
    for (const name of ["PDS_URL", "SDS_URL", "PORT", "HOST"])
      if (env[name] === undefined) delete childEnv[name];
    return spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
      env: childEnv,
      cwd: process.cwd(),
    });
  }

  function exited(child: ChildProcessWithoutNullStreams): Promise<Exited> {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
    return new Promise((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^gp-harness reference gateway listening on (http:\/\/\S+)\n/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on("close", (code) => reject(new Error(`gateway exited with ${code} before listening`)));
    });
  }

  it("prints the listening line, answers, and exits 0 on SIGTERM", async () => {
    const child = launch({ PDS_URL: stubs.pdsUrl, SDS_URL: stubs.sdsUrl, PORT: "0" });
    const done = exited(child);
    const url = await listeningUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await request(`${url}/Patient/$gpc.getstructuredrecord`, {
      method: "POST",
      headers: { "content-type": "application/fhir+json", "x-consent": "granted" },
      body: JSON.stringify(parametersFor(REGISTERED)),
    });
    expect(answer.statusCode).toBe(200);
    await answer.body.dump();
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("PDS_URL missing: exit 2 and one line on stderr naming it, no stack trace", async () => {
    const result = await exited(launch({ SDS_URL: stubs.sdsUrl, PORT: "0" }));
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("PDS_URL");
    expect(result.stderr).not.toMatch(/\bat .*:\d+/);
    expect(result.stdout).toBe("");
  });

  it("port already in use: exit 2 and one line on stderr", async () => {
    const occupier: Server = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, "127.0.0.1", resolve));
    const address = occupier.address();
    const port = address !== null && typeof address === "object" ? address.port : 0;
    try {
      const result = await exited(
        launch({ PDS_URL: stubs.pdsUrl, SDS_URL: stubs.sdsUrl, PORT: String(port) }),
      );
      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
      expect(result.stdout).toBe("");
    } finally {
      await new Promise<void>((resolve) => occupier.close(() => resolve()));
    }
  });
});
