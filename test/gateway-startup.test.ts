/**
 * The reference gateway's configuration from the environment (defaults, and each bad or missing setting
 * named), and gateway/main.ts run as a process against stub PDS and SDS servers: it prints where it listens,
 * answers, exits 0 on SIGTERM, and exits 2 with one line on stderr when it cannot start.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayConfigError, readGatewayConfig } from "../gateway/config.js";
import { consumerJwt } from "../harness/north/identity.js";
import type { GatewayStubs } from "./support/gateway-stubs.js";
import { parametersFor, REGISTERED, startStubsWithPatients } from "./support/stubbed-gateway.js";

let stubs: GatewayStubs;

beforeAll(async () => {
  stubs = await startStubsWithPatients();
});

afterAll(async () => {
  await stubs?.close();
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
      requestBudgetMs: 10_000,
      southRetries: 2,
      auditLog: undefined,
      audienceHosts: [],
      allowedRoles: undefined,
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
    ["REQUEST_BUDGET_MS", { ...required, REQUEST_BUDGET_MS: "0" }],
    ["SOUTH_RETRIES", { ...required, SOUTH_RETRIES: "6" }],
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
      headers: {
        "content-type": "application/fhir+json",
        "x-consent": "granted",
        authorization: `Bearer ${consumerJwt(url)}`,
      },
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

  it("AUDIT_LOG in a folder that does not exist: exit 2 and one line naming it", async () => {
    const result = await exited(
      launch({
        PDS_URL: stubs.pdsUrl,
        SDS_URL: stubs.sdsUrl,
        PORT: "0",
        AUDIT_LOG: "/nonexistent-gp-harness-folder/audit.jsonl",
      }),
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("AUDIT_LOG");
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
