/**
 * Gateways the reference's profile cannot talk to, each described only by a manifest and run through the CLI
 * as a user would: NHS England's north shape launched by command, a gateway behind https, mutual TLS and a
 * bearer token, and the reference gateway built into a container image. Secrets never reach a report.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificates, type TestCertificates } from "./support/certificates.js";
import { runCli } from "./support/cli.js";
import { dockerEngineReachable } from "./support/docker.js";
import { containersMarked } from "./support/launch.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const gateways = join(root, "test", "gateways");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gp-harness-manifests-"));
});

interface Report {
  verdict: string;
  gateway: { name: string; launch: string; url: string; logs?: string[]; capabilities: string[] };
  scenarios: Array<{
    id: string;
    result: string;
    message?: string;
    evidence: { north: Array<{ request: { url: string; headers: Record<string, string>; body?: unknown } }> };
  }>;
}

async function run(gateway: string, extra: readonly string[] = []) {
  const out = await mkdtemp(join(dir, "out-"));
  const outcome = await runCli(["run", "--gateway", gateway, "--out", out, ...extra], { timeoutMs: 120_000 });
  const text = await readFile(join(out, "report.json"), "utf8").catch(() => "");
  const junit = await readFile(join(out, "junit.xml"), "utf8").catch(() => "");
  return {
    ...outcome,
    text,
    junit,
    report: (text === "" ? undefined : JSON.parse(text)) as Report | undefined,
  };
}

const results = (report: Report | undefined) =>
  Object.fromEntries((report?.scenarios ?? []).map((s) => [s.id, s.result]));

describe("a gateway with NHS England's north shape, launched by command", () => {
  it("runs what it can, and omits what needs point-of-access consent or a clinical area it cannot ask for", async () => {
    const { code, stdout, stderr, report } = await run(join(gateways, "nhse-shaped.json"));
    expect(stderr).toBe("");
    expect(code, stdout).toBe(0);
    expect(report?.gateway).toMatchObject({ name: "NHS England-shaped gateway (test)", launch: "command" });
    expect(report?.gateway.logs?.join("\n")).toMatch(/nhse-shaped gateway listening on/);
    expect(results(report)).toMatchObject({
      "CORE-01": "pass",
      "CORE-02": "pass",
      "CONSENT-01": "omit",
      "CONSENT-02": "omit",
      "CONSENT-03": "pass",
      "CONSENT-04": "omit",
      "CONSENT-05": "omit",
      "SAFETY-01": "omit",
      "RESILIENCE-01": "pass",
      "SECURITY-01": "pass",
    });
    const omitted = report?.scenarios.filter((s) => s.result === "omit") ?? [];
    for (const s of omitted.filter((s) => s.id.startsWith("CONSENT"))) {
      expect(s.message).toMatch(
        /does not declare point-of-access consent \(capabilities\.pointOfAccessConsent\)/,
      );
    }
    expect(omitted.find((s) => s.id === "SAFETY-01")?.message).toMatch(/clinical area includeMedication/);
    expect(stdout).toMatch(/OMIT\s+SAFETY-01/);
    // Every record request went to the lower-case path, with patientNHSNumber alone and no consent (a request
    // without a body is SECURITY-06's, to a path no gateway has).
    const north = (report?.scenarios.flatMap((s) => s.evidence.north) ?? []).filter(
      (exchange) => exchange.request.body !== undefined,
    );
    expect(north.length).toBeGreaterThan(0);
    for (const exchange of north) {
      expect(new URL(exchange.request.url).pathname).toBe("/patient/$gpc.getstructuredrecord");
      const names = (exchange.request.body as { parameter: Array<{ name: string }> }).parameter.map(
        (p) => p.name,
      );
      expect(names).toEqual(["patientNHSNumber"]);
      expect(Object.keys(exchange.request.headers).some((h) => h.startsWith("x-consent"))).toBe(false);
    }
  });
});

describe("a gateway behind https, mutual TLS and a bearer token from the environment", () => {
  let certificates: TestCertificates;
  const token = "s3cret-gateway-token-0f9e";

  beforeAll(() => {
    certificates = makeTestCertificates(dir);
  });

  async function secureManifest(clientCertificate: boolean): Promise<string> {
    const manifest = {
      name: "secure gateway (test)",
      launch: {
        kind: "command",
        argv: ["node", "--import", "tsx", join(gateways, "secure-gateway.ts")],
        cwd: root,
        url: "https://127.0.0.1:${port}",
        ready: { log: "secure gateway listening on", timeoutMs: 20_000 },
      },
      environment: {
        PDS_URL: "${pds}",
        SDS_URL: "${sds}",
        PORT: "${port}",
        GATEWAY_TOKEN: "${env:SECURE_GATEWAY_TOKEN}",
        TLS_CERT_FILE: certificates.serverCert,
        TLS_KEY_FILE: certificates.serverKey,
        TLS_CA_FILE: certificates.ca,
      },
      north: {
        headers: { Authorization: "Bearer ${env:SECURE_GATEWAY_TOKEN}", "X-Consumer-JWT": "${jwt}" },
        tls: {
          ca: certificates.ca,
          ...(clientCertificate ? { cert: certificates.clientCert, key: certificates.clientKey } : {}),
        },
      },
      capabilities: {
        pointOfAccessConsent: { in: "headers" },
        emergencyOverride: true,
        audit: { url: "${gateway}/_audit?nhsNumber=${nhsNumber}" },
      },
    };
    const path = join(dir, `secure-${clientCertificate ? "mtls" : "no-client-cert"}.json`);
    await writeFile(path, JSON.stringify(manifest, null, 2));
    return path;
  }

  it("passes every scenario, and the token is written nowhere", { timeout: 90_000 }, async () => {
    process.env.SECURE_GATEWAY_TOKEN = token;
    const { code, stdout, stderr, text, junit, report } = await run(await secureManifest(true));
    expect(stderr).toBe("");
    expect(code, stdout).toBe(0);
    // Its manifest declares no clinician authentication (its own token holds the door): those are omitted.
    const notPassed = Object.entries(results(report)).filter(([, result]) => result !== "pass");
    expect(Object.fromEntries(notPassed)).toEqual({
      "SECURITY-08": "omit",
      "SECURITY-09": "omit",
      "SECURITY-10": "omit",
      "SECURITY-11": "omit",
      "SECURITY-12": "omit",
      "SECURITY-13": "omit",
    });
    for (const written of [text, junit, stdout]) expect(written).not.toContain(token);
    const headers = report?.scenarios[0]?.evidence.north[0]?.request.headers ?? {};
    expect(headers.authorization).toBe("Bearer [redacted]");
  });

  it("without a client certificate, every request fails at the TLS handshake, said as such", async () => {
    process.env.SECURE_GATEWAY_TOKEN = token;
    const { code, report, text } = await run(await secureManifest(false), ["--scenario", "CORE-01"]);
    expect(code).toBe(1);
    expect(report?.scenarios[0]?.message).toMatch(/TLS/);
    expect(text).not.toContain(token);
  });
});

describe("credentials in a gateway URL", () => {
  const running = useRegionWithReferenceGateway({ seed: 5 });

  it("are sent (as Basic authentication), and written nowhere", async () => {
    const url = running.gateway.url.replace("http://", "http://harness-user:pa55word-9c1@");
    const { code, stdout, text, junit, report } = await run(url, [
      "--region",
      running.region.info().control,
      "--scenario",
      "CORE-01",
    ]);
    // The reference gateway wants a GP Connect JWT where Basic credentials now go: it refuses, as it should.
    expect(code, stdout).toBe(1);
    for (const written of [text, junit, stdout]) {
      expect(written).not.toContain("pa55word-9c1");
      expect(written).not.toContain("harness-user");
    }
    const headers = report?.scenarios[0]?.evidence.north[0]?.request.headers ?? {};
    expect(headers.authorization).toBe("Basic [redacted]");
  });
});

describe("the reference gateway built into a container image, launched through Testcontainers", async () => {
  const engine = await dockerEngineReachable();
  it.skipIf(!engine)("passes every scenario and leaves no container behind", async () => {
    // The repository's manifest, marked so that this run's container can be found afterwards.
    const manifest = JSON.parse(await readFile(join(gateways, "reference-container.json"), "utf8"));
    const marker = `gp-harness-test-${randomUUID()}`;
    manifest.environment.GP_HARNESS_TEST_MARKER = marker;
    const path = join(dir, `reference-container-${marker}.json`);
    await writeFile(path, JSON.stringify(manifest));
    try {
      const { code, stdout, stderr, report } = await run(path);
      expect(stderr).toBe("");
      expect(code, stdout).toBe(0);
      expect(report?.gateway.launch).toBe("image");
      expect(Object.values(results(report)).every((r) => r === "pass")).toBe(true);
      expect(containersMarked(marker)).toEqual([]);
    } finally {
      await rm(path, { force: true });
    }
  });
  // Without an engine the test above is skipped; this says why in the run's output.
  if (!engine) it.skip("skipped: no Docker engine is reachable (see DEVELOPERS.md to start one)");
});
