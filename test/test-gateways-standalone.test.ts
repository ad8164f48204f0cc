/**
 * The test gateways run on their own as well as in-process, as a gateway written elsewhere would: started with
 * only their environment, they say where they listen and serve a consumer shaped for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConsumer } from "../harness/north/consumer.js";
import { gpConnectProfile } from "../harness/north/profile.js";
import { type Region, startRegion } from "../simulators/index.js";
import { makeTestCertificates, pem as readPem } from "./support/certificates.js";
import { type RunningProgram, startProgram } from "./support/program.js";

const root = fileURLToPath(new URL("..", import.meta.url));
let region: Region;
let folder: string;
const programs: RunningProgram[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 29, port: 0 });
  folder = mkdtempSync(join(tmpdir(), "gp-harness-standalone-"));
});

afterAll(async () => {
  for (const program of programs) await program.stop();
  await region?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

async function run(file: string, env: Record<string, string>, ready: RegExp): Promise<RunningProgram> {
  const { pds, sds } = region.info();
  const program = await startProgram(["node", "--import", "tsx", file], {
    cwd: root,
    env: { ...process.env, PDS_URL: pds, SDS_URL: sds, PORT: "0", HOST: "127.0.0.1", ...env },
    ready,
  });
  programs.push(program);
  return program;
}

it("the NHS England-shaped gateway: PDS_URL, SDS_URL, PORT and HOST, then one line saying where", async () => {
  const program = await run(
    "test/gateways/nhse-shaped.ts",
    {},
    /^nhse-shaped gateway listening on (http:\/\/\S+)$/m,
  );
  const consumer = await createConsumer(
    gpConnectProfile(program.url, {
      path: "/patient/$gpc.getstructuredrecord",
      headers: { "Ssp-TraceID": null },
    }),
    { timeoutMs: 10_000, onExchange: () => {} },
  );
  const answer = await consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
  expect(answer.status).toBe(400);
  expect(answer.text).toContain("The Ssp-TraceID header is required");
});

it("the secure gateway: its token and certificate files from the environment, then https", async () => {
  const certificates = makeTestCertificates(folder);
  const program = await run(
    "test/gateways/secure-gateway.ts",
    {
      GATEWAY_TOKEN: "standalone-token",
      TLS_CERT_FILE: certificates.serverCert,
      TLS_KEY_FILE: certificates.serverKey,
      TLS_CA_FILE: certificates.ca,
    },
    /^secure gateway listening on (https:\/\/\S+)$/m,
  );
  const consumer = await createConsumer(
    gpConnectProfile(program.url, {
      tls: {
        ca: readPem(certificates.ca),
        cert: readPem(certificates.clientCert),
        key: readPem(certificates.clientKey),
      },
    }),
    { timeoutMs: 10_000, onExchange: () => {} },
  );
  const answer = await consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
  await consumer.close();
  expect(answer.status).toBe(401);
});
