// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifest placeholders are ${...} in plain strings
/**
 * The consumer speaks to gateways shaped differently from the reference one, as their profile describes them:
 * NHS England's shape (lower-case path, patientNHSNumber only, no point-of-access consent) against a real
 * region; and, against a server that records what it receives, the profile's path under a base URL with a
 * prefix, its header templates, its accepted parameters and where consent goes.
 */
import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlaceholderError } from "../harness/manifest/placeholders.js";
import { createConsumer, type GatewayConsumer, RequestNotPossible } from "../harness/north/consumer.js";
import { HARNESS_CONSUMER } from "../harness/north/identity.js";
import { gpConnectProfile, type NorthProfile } from "../harness/north/profile.js";
import type { NorthExchange } from "../harness/run-result.js";
import { ControlClient, type PatientInfo, type Region, startRegion } from "../simulators/index.js";
import {
  NHSE_OPERATION_PATH,
  type RunningTestGateway,
  startNhseShapedGateway,
} from "./gateways/nhse-shaped.js";
import { type RecordingServer, startRecordingServer } from "./support/recording-server.js";

let region: Region;
let control: ControlClient;
let nhse: RunningTestGateway;
let recorder: RecordingServer;
const consumers: GatewayConsumer[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 21, port: 0 });
  control = new ControlClient(region.info().control);
  nhse = await startNhseShapedGateway({ pds: region.info().pds, sds: region.info().sds });
  recorder = await startRecordingServer();
});

afterAll(async () => {
  for (const consumer of consumers) await consumer.close();
  await recorder?.close();
  await nhse?.close();
  await region?.close();
});

/** A consumer of `profile`, with the evidence it hands over. */
async function consumerOf(profile: NorthProfile, env: NodeJS.ProcessEnv = {}) {
  const evidence: NorthExchange[] = [];
  const consumer = await createConsumer(profile, {
    timeoutMs: 10_000,
    onExchange: (exchange) => evidence.push(exchange),
    env,
  });
  consumers.push(consumer);
  return { consumer, evidence };
}

async function newPatient(): Promise<PatientInfo> {
  const practice = await region.addPractice("emis");
  return region.addPatient(practice.ods, []);
}

/** The parameters of a Parameters body. */
function parametersOf(body: unknown): fhir.ParametersParameter[] {
  return (body as fhir.Parameters | undefined)?.parameter ?? [];
}

/** NHS England's gateway as a manifest would describe it. */
const NHSE_SHAPE = {
  path: NHSE_OPERATION_PATH,
  parameters: ["patientNHSNumber"],
  consent: undefined,
} as const;

describe("a gateway with NHS England's north shape", () => {
  it("is asked in its shape: the practice receives patientNHSNumber alone, and its answer comes back", async () => {
    const patient = await newPatient();
    const { consumer, evidence } = await consumerOf(gpConnectProfile(nhse.url, NHSE_SHAPE));
    const answer = await consumer.getRecord(patient, { consent: "granted" });

    const sent = evidence[0]?.request;
    expect(sent?.url).toBe(`${nhse.url}/patient/$gpc.getstructuredrecord`);
    expect(Object.keys(sent?.headers ?? {})).not.toContain("x-consent");
    expect(parametersOf(sent?.body).map((p) => p.name)).toEqual(["patientNHSNumber"]);
    const atPractice = await control.journal({ target: "practice", ods: patient.ods });
    expect(atPractice).toHaveLength(1);
    expect(atPractice[0]?.parameters).toEqual(["patientNHSNumber"]);
    // A practice answers patientNHSNumber alone with the Patient (and its practice and GP), passed on.
    expect(answer.status, answer.text).toBe(200);
    const patients = (answer.body as fhir.Bundle).entry?.filter(
      (e) => e.resource?.resourceType === "Patient",
    );
    expect(patients).toHaveLength(1);
    expect(JSON.stringify(patients)).toContain(patient.nhsNumber);
  });

  it("refuses the reference gateway's shape: its path is another case, its parameters too many", async () => {
    const patient = await newPatient();
    const reference = await consumerOf(gpConnectProfile(nhse.url));
    const byDefault = await reference.consumer.getRecord(patient, { consent: "granted" });
    expect(reference.evidence[0]?.request.url).toBe(`${nhse.url}/Patient/$gpc.getstructuredrecord`);
    expect(byDefault.status).toBe(404);

    const rightPath = await consumerOf(gpConnectProfile(nhse.url, { path: NHSE_OPERATION_PATH }));
    const allParameters = await rightPath.consumer.getRecord(patient, { consent: "granted" });
    expect(allParameters.status).toBe(422);
    expect(allParameters.text).toContain("INVALID_PARAMETER");
    expect(allParameters.text).toContain("includeAllergies");
    expect(await control.journal({ target: "practice", ods: patient.ods })).toEqual([]);
  });

  it("answers 400 when a header template removes Ods-from (names compared without case)", async () => {
    const patient = await newPatient();
    const { consumer, evidence } = await consumerOf(
      gpConnectProfile(nhse.url, { ...NHSE_SHAPE, headers: { "ODS-FROM": null } }),
    );
    const answer = await consumer.getRecord(patient, { consent: "granted" });
    expect(Object.keys(evidence[0]?.request.headers ?? {})).not.toContain("ods-from");
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("The Ods-from header is required");
  });
});

describe("the profile's shape, as a gateway receives it", () => {
  const patient = { nhsNumber: "9000000009" };

  it("puts the path under the base URL's prefix exactly as given, with or without a trailing slash", async () => {
    for (const base of [`${recorder.url}/gp/connect`, `${recorder.url}/gp/connect/`]) {
      const { consumer } = await consumerOf(
        gpConnectProfile(base, { path: "/patient/$gpc.getstructuredrecord" }),
      );
      await consumer.getRecord(patient, { consent: "granted" });
      expect(recorder.received.at(-1)?.url).toBe("/gp/connect/patient/$gpc.getstructuredrecord");
    }
  });

  it("replaces, removes and adds headers from the templates, expanded per request", async () => {
    const { consumer } = await consumerOf(
      gpConnectProfile(recorder.url, {
        headers: {
          "SSP-FROM": "${consumer.ods}",
          "Ods-From": null,
          "X-Correlation-Id": "${traceId}",
          "X-Api-Key": "${env:NORTH_API_KEY}",
          "X-Jwt": "${jwt}",
        },
      }),
      { NORTH_API_KEY: "key-0123456789" },
    );
    await consumer.getRecord(patient, { consent: "granted" });
    await consumer.getRecord(patient, { consent: "granted" });
    const [first, second] = recorder.received.slice(-2).map((r) => r.headers);
    expect(first?.["ssp-from"]).toBe(HARNESS_CONSUMER.ods);
    expect(first?.["ods-from"]).toBeUndefined();
    expect(first?.["x-api-key"]).toBe("key-0123456789");
    expect(first?.["x-correlation-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.["x-correlation-id"]).toBe(first?.["ssp-traceid"]);
    expect(second?.["x-correlation-id"]).not.toBe(first?.["x-correlation-id"]);
    expect(`Bearer ${first?.["x-jwt"]}`).toBe(first?.authorization);
  });

  it("sends only the parameters the profile accepts, whatever the scenario asks for", async () => {
    const { consumer } = await consumerOf(
      gpConnectProfile(recorder.url, { parameters: ["patientNHSNumber", "includeAllergies"] }),
    );
    await consumer.getRecord(patient, { consent: "granted", areas: ["includeProblems", "includeAllergies"] });
    const body = parametersOf(recorder.received.at(-1)?.body);
    expect(body.map((p) => p.name)).toEqual(["patientNHSNumber", "includeAllergies"]);

    const { consumer: everything } = await consumerOf(gpConnectProfile(recorder.url));
    await everything.getRecord(patient, {
      consent: "granted",
      areas: ["includeProblems", "includeAllergies"],
    });
    const all = parametersOf(recorder.received.at(-1)?.body);
    expect(all.map((p) => p.name)).toEqual(["patientNHSNumber", "includeProblems", "includeAllergies"]);
  });

  it("asks for allergies and medication with issues when the scenario names no areas", async () => {
    const { consumer } = await consumerOf(gpConnectProfile(recorder.url));
    await consumer.getRecord(patient, { consent: "granted" });
    expect(parametersOf(recorder.received.at(-1)?.body).slice(1)).toEqual([
      { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: false }] },
      { name: "includeMedication", part: [{ name: "includePrescriptionIssues", valueBoolean: true }] },
    ]);
  });

  it("states consent as a Parameters part with the gateway's own words, and in no header", async () => {
    const { consumer } = await consumerOf(
      gpConnectProfile(recorder.url, {
        parameters: ["patientNHSNumber"],
        consent: {
          in: "parameter",
          name: "pointOfAccessConsent",
          reasonName: "consentReason",
          values: { granted: "G", refused: "R", emergency: "E" },
        },
      }),
    );
    await consumer.getRecord(patient, { consent: "emergency", reason: "unconscious, no relative present" });
    const received = recorder.received.at(-1);
    expect(parametersOf(received?.body).slice(1)).toEqual([
      { name: "pointOfAccessConsent", valueCode: "E" },
      { name: "consentReason", valueString: "unconscious, no relative present" },
    ]);
    expect(received?.headers["x-consent"]).toBeUndefined();
  });

  it("states consent in the headers the profile names, and nothing when the gateway declares none", async () => {
    const named = await consumerOf(
      gpConnectProfile(recorder.url, {
        consent: {
          in: "headers",
          header: "X-Patient-Consent",
          reasonHeader: "X-Override-Reason",
          values: { granted: "yes", refused: "no", emergency: "override" },
        },
      }),
    );
    await named.consumer.getRecord(patient, { consent: "refused" });
    expect(recorder.received.at(-1)?.headers["x-patient-consent"]).toBe("no");

    const none = await consumerOf(gpConnectProfile(recorder.url, { consent: undefined }));
    await none.consumer.getRecord(patient, { consent: "emergency", reason: "unconscious" });
    const received = recorder.received.at(-1);
    expect(JSON.stringify(received?.headers)).not.toMatch(/consent|unconscious/i);
    expect(JSON.stringify(received?.body)).not.toMatch(/consent|unconscious/i);
  });

  it("refuses to start with a header template that cannot be expanded, naming it", async () => {
    const unset = gpConnectProfile(recorder.url, { headers: { "X-Api-Key": "${env:NORTH_UNSET_KEY}" } });
    await expect(consumerOf(unset)).rejects.toThrow(PlaceholderError);
    await expect(consumerOf(unset)).rejects.toThrow(
      "north.headers.X-Api-Key: the environment variable NORTH_UNSET_KEY is not set",
    );
    const unknown = gpConnectProfile(recorder.url, { headers: { "X-Who": "${gateway}" } });
    await expect(consumerOf(unknown)).rejects.toThrow(
      /north\.headers\.X-Who: unknown placeholder "\$\{gateway\}"/,
    );
  });
  it("keeps an answer that is not JSON in evidence up to 4,000 characters, and whole for the scenario", async () => {
    const { consumer, evidence } = await consumerOf(
      gpConnectProfile(recorder.url, { headers: { "X-Answer-Text-Length": "10000" } }),
    );
    const answer = await consumer.getRecord(patient, { consent: "granted" });
    expect(answer.text).toHaveLength(10_000);
    expect(answer.body).toBeUndefined();
    expect(evidence[0]?.response?.body).toBe("x".repeat(4_000));
  });
});

describe("raw requests (gateway.send)", () => {
  const patient = { nhsNumber: "9000000009" };

  it("sends the profile's request with the content type asked for, kept as evidence", async () => {
    const { consumer, evidence } = await consumerOf(gpConnectProfile(recorder.url));
    await consumer.send({ method: "POST", contentType: "text/plain", body: { recordOf: patient } });
    const received = recorder.received.at(-1);
    expect(received?.headers["content-type"]).toBe("text/plain");
    expect(received?.headers.authorization).toMatch(/^Bearer /);
    expect(received?.headers["x-consent"]).toBe("granted");
    expect(JSON.stringify(received?.body)).toContain(patient.nhsNumber);
    expect(evidence.at(-1)?.request.headers["content-type"]).toBe("text/plain");
  });

  it("leaves out every credential the manifest declares when told to, and nothing else", async () => {
    const { consumer } = await consumerOf(
      gpConnectProfile(recorder.url.replace("http://", "http://user:secret@"), {
        headers: { "X-Api-Key": "${env:NORTH_API_KEY}", "X-Jwt": "${jwt}", "X-Trace": "${traceId}" },
      }),
      { NORTH_API_KEY: "key-0123456789" },
    );
    await consumer.send({ method: "POST", body: { recordOf: patient }, credentials: false });
    const headers = recorder.received.at(-1)?.headers ?? {};
    expect([headers.authorization, headers["x-api-key"], headers["x-jwt"]]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(headers["x-trace"]).toBe(headers["ssp-traceid"]);
    expect(headers["content-type"]).toBe("application/fhir+json");
  });

  it("asks for a path of its own without a body, and an adapter cannot send one at all", async () => {
    const { consumer } = await consumerOf(gpConnectProfile(recorder.url));
    await consumer.send({ method: "GET", path: "/no/such/path" });
    expect(recorder.received.at(-1)?.url).toBe("/no/such/path");
    expect(recorder.received.at(-1)?.headers["content-type"]).toBeUndefined();
    const adapter = await createConsumer(gpConnectProfile(recorder.url, { kind: "adapter" }), {
      timeoutMs: 1_000,
      onExchange: () => {},
      adapter: { getRecord: async () => ({ status: 200, body: {} }) } as never,
    });
    await expect(adapter.send({ method: "GET", path: "/" })).rejects.toBeInstanceOf(RequestNotPossible);
  });
});

describe("requests that end without an answer", () => {
  it("a request under way when the run is interrupted ends at once, and says so", async () => {
    const held: ServerResponse[] = [];
    const hanging = createServer((_request, response) => held.push(response));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const arrived = once(hanging, "request");
    const interrupt = new AbortController();
    const evidence: NorthExchange[] = [];
    const consumer = await createConsumer(
      gpConnectProfile(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}`),
      {
        timeoutMs: 30_000,
        onExchange: (exchange) => evidence.push(exchange),
        signal: interrupt.signal,
      },
    );
    const answering = consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
    await arrived;
    interrupt.abort();
    const answer = await answering;
    expect(answer.status).toBe(0);
    expect(answer.error).toBe("the request was cancelled (the run was interrupted)");
    expect(evidence[0]?.error).toBe(answer.error);
    for (const response of held) response.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });
});

describe("secrets in evidence", () => {
  it("sends a base URL's credentials as Basic auth and keeps them, and environment secrets, out of evidence", async () => {
    const base = recorder.url.replace("http://", "http://clinician:pa%24%24word-4471@");
    const { consumer, evidence } = await consumerOf(
      gpConnectProfile(`${base}/prefix`, { headers: { "X-Api-Key": "${env:NORTH_API_KEY}" } }),
      { NORTH_API_KEY: "key-9876543210" },
    );
    const answer = await consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
    const received = recorder.received.at(-1);
    const basic = `Basic ${Buffer.from("clinician:pa$$word-4471").toString("base64")}`;
    expect(received?.headers.authorization).toBe(basic);
    expect(received?.url).toBe("/prefix/Patient/$gpc.getstructuredrecord");
    // The server echoed every header back: the answer holds the secrets, the evidence must not.
    expect(answer.text).toContain("key-9876543210");
    const written = JSON.stringify(evidence);
    for (const secret of ["pa$$word-4471", "pa%24%24word-4471", "key-9876543210", basic.slice(6)]) {
      expect(written).not.toContain(secret);
    }
    expect(evidence[0]?.request.url).toBe(`${recorder.url}/prefix/Patient/$gpc.getstructuredrecord`);
    expect(evidence[0]?.request.headers.authorization).toBe("Basic [redacted]");
    expect(evidence[0]?.request.headers["x-api-key"]).toBe("[redacted]");
    expect(consumer.secrets()).toEqual(expect.arrayContaining(["pa$$word-4471", "key-9876543210"]));
  });

  it("keeps the GP Connect JWT out of evidence, with the scheme word kept", async () => {
    const { consumer, evidence } = await consumerOf(gpConnectProfile(recorder.url));
    await consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
    const jwt = recorder.received.at(-1)?.headers.authorization?.replace("Bearer ", "") ?? "";
    expect(jwt.split(".")).toHaveLength(3);
    expect(evidence[0]?.request.headers.authorization).toBe("Bearer [redacted]");
    expect(JSON.stringify(evidence)).not.toContain(jwt);
  });
});

describe("the gateway's audit trail", () => {
  it("is read where the manifest says, with the profile's headers, and kept as evidence", async () => {
    const profile = gpConnectProfile(recorder.url, {
      auditUrl: "${gateway}/audit/events?patient=${nhsNumber}&by=${consumer.ods}",
      headers: { Authorization: "Bearer ${env:AUDIT_TOKEN}" },
    });
    const { consumer, evidence } = await consumerOf(profile, { AUDIT_TOKEN: "audit-t0ken-77" });
    const before = recorder.received.length;
    const answer = await consumer.auditTrail({ nhsNumber: "9990000018" });
    expect(answer?.status).toBe(200);
    const sent = recorder.received[before];
    expect(sent?.method).toBe("GET");
    expect(sent?.url).toBe("/audit/events?patient=9990000018&by=Y99001");
    expect(sent?.headers.authorization).toBe("Bearer audit-t0ken-77");
    expect(evidence).toHaveLength(1);
    expect(JSON.stringify(evidence)).not.toContain("audit-t0ken-77");
  });

  it("is undefined for a gateway that declares none, and nothing is sent", async () => {
    const { consumer } = await consumerOf(gpConnectProfile(recorder.url));
    const before = recorder.received.length;
    expect(await consumer.auditTrail({ nhsNumber: "9990000018" })).toBeUndefined();
    expect(recorder.received.length).toBe(before);
  });
});
