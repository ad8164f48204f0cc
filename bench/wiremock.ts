/**
 * WireMock standalone (the jar the npm package `wiremock` ships) serving one canned response, configured as
 * its documentation recommends for performance testing: no request journal, no request logging, no
 * response templating.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./fresh-process.js";

const JAR_FOLDER = path.join(REPO_ROOT, "node_modules/wiremock/build");
const READY_TIMEOUT_MS = 60_000;

export interface CannedResponse {
  readonly method: "POST";
  /** The path requests must have to be answered (any body is accepted). */
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface WireMock {
  readonly origin: string;
  readonly pid: number;
  readonly jar: string;
  stop(): Promise<void>;
}

export function wireMockJar(): string {
  const jar = readdirSync(JAR_FOLDER).find((name) => /^wiremock-standalone-.*\.jar$/.test(name));
  if (jar === undefined) throw new Error(`no wiremock-standalone jar in ${JAR_FOLDER}`);
  return path.join(JAR_FOLDER, jar);
}

/** A loopback port free right now (WireMock needs a number; the race with other processes is harmless here). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = address !== null && typeof address === "object" ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startWireMock(canned: CannedResponse): Promise<WireMock> {
  const root = mkdtempSync(path.join(os.tmpdir(), "gp-harness-wiremock-"));
  mkdirSync(path.join(root, "mappings"));
  mkdirSync(path.join(root, "__files"));
  writeFileSync(path.join(root, "__files", "structured-record.json"), canned.body);
  writeFileSync(
    path.join(root, "mappings", "structured-record.json"),
    JSON.stringify({
      request: { method: canned.method, urlPath: canned.path },
      response: {
        status: 200,
        headers: { "Content-Type": canned.contentType },
        bodyFileName: "structured-record.json",
      },
    }),
  );
  const port = await freePort();
  const jar = wireMockJar();
  const child = spawn(
    "java",
    [
      "-jar",
      jar,
      "--port",
      String(port),
      "--bind-address",
      "127.0.0.1",
      "--root-dir",
      root,
      "--no-request-journal",
      "--disable-request-logging",
      "--disable-response-templating",
      "--disable-banner",
      // A Content-Length, as fastify sends, rather than chunks.
      "--use-chunked-encoding",
      "NEVER",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (spawnError === undefined) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(origin, child, () => spawnError);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error("WireMock has no process id");
  return { origin, pid: child.pid, jar, stop };
}

async function waitUntilHealthy(
  origin: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error !== undefined)
      throw new Error(`could not start WireMock (is Java 17 installed?): ${error.message}`);
    if (child.exitCode !== null) throw new Error(`WireMock exited ${child.exitCode} while starting`);
    try {
      const response = await fetch(`${origin}/__admin/health`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`WireMock did not become healthy within ${READY_TIMEOUT_MS} ms`);
}
