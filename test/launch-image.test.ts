/**
 * A gateway launched as a container image (launch.kind "image", through Testcontainers): the bundled reference
 * gateway's image (docker/build-images.sh) against a simulated region, answering a real record request; and each
 * way a container start can fail, told in one line, with no container left. Without a Docker engine these are
 * skipped (said so in the run's output), and the launcher's one-line answer to that is checked instead.
 */
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort, type LaunchContext, launchImage } from "../harness/launch/index.js";
import type { ImageLaunch } from "../harness/manifest/types.js";
import { HARNESS_CONSUMER, type Region, startRegion } from "../simulators/index.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import {
  containersMarked,
  GATEWAYS_DIR,
  type HelloServer,
  helloServer,
  launchError,
} from "./support/launch.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REFERENCE_IMAGE = "gp-harness/reference-gateway:local";
const LISTENING = { log: "listening on (http://\\S+)" };
const SHORT = 1_500;

process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
const { getContainerRuntimeClient } = await import("testcontainers");
const engine = await getContainerRuntimeClient().catch(() => undefined);
if (engine === undefined) {
  console.warn("launch-image: skipped: no Docker engine is reachable (see DEVELOPERS.md to start one)");
}

/**
 * Marks every container this file starts (in its environment), so that the count below is of this file's
 * containers only: other tests may run containers on the same engine at the same time.
 */
const MARKER = randomUUID();

/** The containers this file's launches started that still exist, in any state. */
async function containersLeft(): Promise<string[]> {
  return containersMarked(MARKER);
}

function image(extra: Partial<ImageLaunch> = {}): ImageLaunch {
  return { kind: "image", image: REFERENCE_IMAGE, ready: LISTENING, ...extra };
}

function context(port: number, extra: Partial<LaunchContext> = {}): LaunchContext {
  return {
    manifestDir: ROOT,
    url: undefined,
    port,
    ...extra,
    environment: { ...extra.environment, GP_HARNESS_TEST_MARKER: MARKER },
  };
}

it.runIf(engine === undefined)("without a Docker engine, says so plainly, in one line", async () => {
  const error = await launchError(launchImage(image(), context(8080)), "DOCKER_UNREACHABLE");
  expect(error.message).toMatch(/^no Docker engine is reachable: /);
});

describe("a gateway as a container image", () => {
  if (engine === undefined) {
    it.skip("skipped: no Docker engine is reachable, so no container is started (see DEVELOPERS.md)", () => {});
    return;
  }
  let region: Region;
  let hellos: HelloServer;

  beforeAll(async () => {
    // Builds the images when they are missing or the built gateway changed (quick when nothing did).
    await promisify(execFile)("bash", ["docker/build-images.sh"], { cwd: ROOT });
    region = await startRegion({ port: 0 });
    hellos = await helloServer();
  }, 180_000);

  afterEach(() => hellos.clear());

  afterAll(async () => {
    await region?.close();
    await hellos?.close();
  });

  it("starts the reference gateway, ready by its log line, and it answers a record request", async () => {
    const port = await freeLoopbackPort();
    const { pds, sds, practices } = region.info();
    const patient = region.addPatient(practices[0]!.ods, []);
    const gateway = await launchImage(
      image(),
      context(port, { environment: { PDS_URL: pds, SDS_URL: sds, PORT: String(port), HOST: "127.0.0.1" } }),
    );
    try {
      expect(gateway.url).toBe(`http://127.0.0.1:${port}`);
      expect(await containersLeft()).toEqual([`${REFERENCE_IMAGE} running`]);
      const answer = await request(`${gateway.url}/Patient/$gpc.getstructuredrecord`, {
        method: "POST",
        headers: {
          ...gpConnectHeaders({
            fromAsid: HARNESS_CONSUMER.asid,
            toAsid: "999000000002",
            audience: gateway.url,
          }),
          "X-Consent": "granted",
        },
        body: JSON.stringify(
          structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true }),
        ),
      });
      const bundle = (await answer.body.json()) as fhir.Bundle;
      expect({ status: answer.statusCode, type: bundle.resourceType }).toEqual({
        status: 200,
        type: "Bundle",
      });
      const patients = bundle.entry?.filter((entry) => entry.resource?.resourceType === "Patient") ?? [];
      expect(JSON.stringify(patients)).toContain(patient.nhsNumber);
      expect(gateway.logs()).toContain(`[stdout] gp-harness reference gateway listening on ${gateway.url}`);
    } finally {
      await gateway.stop();
    }
    expect(await containersLeft()).toEqual([]);
    await gateway.stop();
  });

  it("fails within seconds, naming it, for an image that is not on the machine and cannot be pulled", async () => {
    const started = Date.now();
    const error = await launchError(
      launchImage(image({ image: "gp-harness/no-such-gateway:local" }), context(await freeLoopbackPort())),
      "IMAGE_UNAVAILABLE",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error.message).toMatch(
      /^the image gp-harness\/no-such-gateway:local is not on this machine and cannot be pulled: \S/,
    );
    expect(await containersLeft()).toEqual([]);
  });

  it("reports a container that exits at once with its status and output, and removes it", async () => {
    const command = ["node", "-e", "console.error('cannot start: PDS_URL is missing'); process.exit(3)"];
    const error = await launchError(
      launchImage(image({ command }), context(await freeLoopbackPort())),
      "GATEWAY_EXITED_BEFORE_READY",
    );
    expect(error.message).toBe(
      "the gateway exited before it was ready (status 3); its last lines: [stderr] cannot start: PDS_URL is missing",
    );
    expect(await containersLeft()).toEqual([]);
  });

  it("names the probe and the budget when the container never gets ready, and removes it", async () => {
    const port = await freeLoopbackPort();
    const command = ["node", "-e", "console.log('warming up'); setInterval(() => {}, 60000)"];
    const error = await launchError(
      launchImage(
        image({ command, ready: { http: { path: "/metadata" }, timeoutMs: SHORT } }),
        context(port),
      ),
      "GATEWAY_NOT_READY",
    );
    expect(error.message).toBe(
      `the gateway was not ready within ${SHORT} ms: no GET http://127.0.0.1:${port}/metadata → 200; ` +
        "last attempt: connection refused; its last lines: [stdout] warming up",
    );
    expect(await containersLeft()).toEqual([]);
  });

  it("removes the container of an interrupted start and rejects with the signal's reason", async () => {
    const interrupt = new AbortController();
    const sayHello = `fetch(${JSON.stringify(hellos.url)}, { method: "POST", body: "{}" }).then(() => setInterval(() => {}, 60000))`;
    const launching = launchImage(
      image({ command: ["node", "-e", sayHello] }),
      context(await freeLoopbackPort(), { signal: interrupt.signal }),
    );
    const interrupted = expect(launching).rejects.toThrow("interrupted by the user");
    await hellos.next();
    interrupt.abort(new Error("interrupted by the user"));
    await interrupted;
    expect(await containersLeft()).toEqual([]);
  });

  it("removes the container when the harness exits without stopping it", async () => {
    const harness = spawn(
      process.execPath,
      ["--import", "tsx", join(GATEWAYS_DIR, "harness-that-exits.ts"), "image"],
      {
        env: { ...process.env, IMAGE: REFERENCE_IMAGE, GP_HARNESS_TEST_MARKER: MARKER },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let printed = "";
    harness.stdout.on("data", (chunk) => {
      printed += chunk;
    });
    const [status] = await once(harness, "exit");
    expect({ status, printed }).toMatchObject({
      status: 1,
      printed: expect.stringMatching(/^launched http/),
    });
    expect(await containersLeft()).toEqual([]);
  });
});
