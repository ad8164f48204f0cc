// biome-ignore-all lint/suspicious/noTemplateCurlyInString: manifest placeholders are ${...} in plain strings
/**
 * A gateway behind https, mutual TLS and a bearer token: the consumer gets through with the manifest's CA,
 * client certificate and token, and each missing piece fails with a description that says which piece.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsumer, type GatewayConsumer } from "../harness/north/consumer.js";
import { HARNESS_CLINICIAN } from "../harness/north/identity.js";
import { gpConnectProfile, type NorthProfile, type ResolvedTls } from "../harness/north/profile.js";
import type { NorthExchange } from "../harness/run-result.js";
import { ControlClient, type PatientInfo, type Region, startRegion } from "../simulators/index.js";
import { type RunningSecureGateway, startSecureGateway } from "./gateways/secure-gateway.js";
import { makeTestCertificates, pem, TEST_CA_NAME, type TestCertificates } from "./support/certificates.js";

const TOKEN = "gateway-token-5f3a9c1e";
const ENV = { SECURE_GATEWAY_TOKEN: TOKEN };
/** The bearer token from the environment; the consumer's JWT where the gateway takes it. */
const HEADERS = { Authorization: "Bearer ${env:SECURE_GATEWAY_TOKEN}", "X-Consumer-JWT": "${jwt}" };

let folder: string;
let certificates: TestCertificates;
let region: Region;
let gateway: RunningSecureGateway;
let patient: PatientInfo;
const consumers: GatewayConsumer[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "gp-harness-tls-"));
  certificates = makeTestCertificates(folder);
  region = await startRegion({ seed: 23, port: 0 });
  gateway = await startSecureGateway({
    pds: region.info().pds,
    sds: region.info().sds,
    token: TOKEN,
    tls: {
      cert: pem(certificates.serverCert),
      key: pem(certificates.serverKey),
      ca: pem(certificates.ca),
    },
  });
  const practice = await region.addPractice("tpp");
  patient = region.addPatient(practice.ods, []);
});

afterAll(async () => {
  for (const consumer of consumers) await consumer.close();
  await gateway?.close();
  await region?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** The full set: the CA that signed the gateway's certificate, and the client certificate and key. */
function fullTls(): ResolvedTls {
  return {
    ca: pem(certificates.ca),
    cert: pem(certificates.clientCert),
    key: pem(certificates.clientKey),
  };
}

async function ask(changes: Partial<NorthProfile>, baseUrl = gateway.url) {
  const evidence: NorthExchange[] = [];
  const consumer = await createConsumer(gpConnectProfile(baseUrl, { headers: HEADERS, ...changes }), {
    timeoutMs: 10_000,
    onExchange: (exchange) => evidence.push(exchange),
    env: ENV,
  });
  consumers.push(consumer);
  const answer = await consumer.getRecord(patient, { consent: "granted" });
  return { answer, evidence };
}

describe("a gateway behind https, mutual TLS and a bearer token", () => {
  it("answers the record to a consumer with the manifest's CA, client certificate and token", async () => {
    const { answer, evidence } = await ask({ tls: fullTls() });
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.stringify(answer.body)).toContain(patient.nhsNumber);
    // ${jwt} carried the clinician to the gateway, which passed them on to the practice.
    const control = new ControlClient(region.info().control);
    const [atPractice] = await control.journal({ target: "practice", ods: patient.ods });
    expect(JSON.stringify(atPractice?.jwtClaims?.requesting_practitioner)).toContain(
      HARNESS_CLINICIAN.sdsUserId,
    );
    expect(evidence[0]?.request.headers.authorization).toBe("Bearer [redacted]");
    expect(JSON.stringify(evidence)).not.toContain(TOKEN);
  });

  it("keeps its TLS connection for the requests that follow: one handshake for two records", async () => {
    const consumer = await createConsumer(
      gpConnectProfile(gateway.url, { headers: HEADERS, tls: fullTls() }),
      {
        timeoutMs: 10_000,
        onExchange: () => {},
        env: ENV,
      },
    );
    consumers.push(consumer);
    const before = gateway.handshakes();
    const first = await consumer.getRecord(patient, { consent: "granted" });
    // undici hands a connection back to its pool on the turn of the event loop after the answer is read.
    await new Promise((resolve) => setImmediate(resolve));
    const answers = [first, await consumer.getRecord(patient, { consent: "granted" })];
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(gateway.handshakes() - before).toBe(1);
  });

  it("works with an encrypted client key and its passphrase, and says so when the passphrase is wrong", async () => {
    const tls = { ...fullTls(), key: pem(certificates.clientKeyEncrypted) };
    const right = await ask({ tls: { ...tls, passphrase: certificates.clientKeyPassphrase } });
    expect(right.answer.status, right.answer.text).toBe(200);
    const wrong = await ask({ tls: { ...tls, passphrase: "not-the-passphrase" } });
    expect(wrong.answer.status).toBe(0);
    expect(wrong.answer.error).toBe(
      "TLS: the client key could not be decrypted (is north.tls.passphrase right?)",
    );
    expect(JSON.stringify(wrong.evidence)).toContain("could not be decrypted");
  });

  it("without the manifest's CA: the gateway's certificate is from a CA the harness does not trust", async () => {
    const { ca: _, ...withoutCa } = fullTls();
    const { answer, evidence } = await ask({ tls: withoutCa });
    expect(answer.status).toBe(0);
    expect(answer.error).toBe(
      `TLS: the gateway's certificate (issued by "${TEST_CA_NAME}") is not signed by a CA the harness trusts: name its CA in the manifest's north.tls.ca`,
    );
    expect(evidence[0]?.error).toBe(answer.error);
  });

  it("with another CA: the gateway's certificate is not signed by the manifest's CA", async () => {
    const { answer } = await ask({ tls: { ...fullTls(), ca: pem(certificates.otherCa) } });
    expect(answer.error).toBe(
      `TLS: the gateway's certificate (issued by "${TEST_CA_NAME}") is not signed by the manifest's CA (north.tls.ca)`,
    );
  });

  it("without a client certificate: the gateway refuses the handshake", async () => {
    const { answer } = await ask({ tls: { ca: pem(certificates.ca) } });
    expect(answer.status).toBe(0);
    expect(answer.error).toBe(
      "TLS: the gateway refused the handshake: it requires a client certificate and none was given (north.tls.cert and north.tls.key)",
    );
  });

  it("checking another name than the certificate's: a certificate name mismatch", async () => {
    const { answer } = await ask({ tls: { ...fullTls(), serverName: "gateway.example" } });
    expect(answer.error).toMatch(
      /^TLS: certificate name mismatch: the gateway's certificate is not for "gateway\.example" \(it names IP Address:127\.0\.0\.1, DNS:localhost\)/,
    );
  });

  it("without the token: 401, and the name the certificate is for works as well as the address", async () => {
    const { answer } = await ask({ tls: fullTls(), headers: {} });
    expect(answer.status).toBe(401);
    const byName = await ask({ tls: fullTls() }, gateway.url.replace("127.0.0.1", "localhost"));
    expect(byName.answer.status, byName.answer.text).toBe(200);
  });
});
