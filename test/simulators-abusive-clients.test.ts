/**
 * Slow and abusive clients cost the simulated services bounded time and memory and never stop them answering
 * others: with a thousand idle connections, clients sending headers a byte at a time and bodies that never end
 * open against each of PDS, SDS and a practice, an ordinary client still gets every answer, promptly.
 */
import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ControlClient,
  type PatientInfo,
  type PracticeInfo,
  type Region,
  startRegion,
} from "../simulators/index.js";

const IDLE_PER_SERVICE = 1_000;
const SLOW_HEADERS_PER_SERVICE = 20;
const ENDLESS_BODIES_PER_SERVICE = 10;

let region: Region;
let practice: PracticeInfo;
let patient: PatientInfo;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 17, port: 0 });
  const control = new ControlClient(region.info().control);
  practice = await control.addPractice("emis");
  patient = await control.addPatient(practice.ods, []);
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await region?.close();
});

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.on("error", () => undefined);
    socket.once("error", reject);
    sockets.push(socket);
  });
}

/** Opens the abusive connections against one service: idle, headers a byte at a time, bodies that never end. */
async function abuse(url: string, path: string): Promise<void> {
  const opened: Promise<Socket>[] = [];
  for (let i = 0; i < IDLE_PER_SERVICE; i++) opened.push(open(url));
  await Promise.all(opened);
  for (let i = 0; i < SLOW_HEADERS_PER_SERVICE; i++) {
    const socket = await open(url);
    const headers = `GET ${path} HTTP/1.1\r\nHost: simulated\r\nX-Slow: ${"a".repeat(10_000)}`;
    let sent = 0;
    timers.push(
      setInterval(() => {
        if (!socket.destroyed && sent < headers.length) socket.write(headers[sent++]!);
      }, 100),
    );
  }
  for (let i = 0; i < ENDLESS_BODIES_PER_SERVICE; i++) {
    const socket = await open(url);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: simulated\r\nContent-Type: application/fhir+json\r\nContent-Length: 50000000\r\n\r\n{`,
    );
    timers.push(
      setInterval(() => {
        if (!socket.destroyed) socket.write(" ".repeat(512));
      }, 50),
    );
  }
}

describe("slow and abusive clients", () => {
  it("leave PDS, SDS and a practice answering an ordinary client promptly, with bounded memory", {
    timeout: 120_000,
  }, async () => {
    const info = region.info();
    const endpoint = new URL(practice.endpoint);
    const before = process.memoryUsage().rss;
    await Promise.all([
      abuse(info.pds, `${new URL(info.pds).pathname}/Patient/${patient.nhsNumber}`),
      abuse(info.sds, `${new URL(info.sds).pathname}/Endpoint`),
      abuse(practice.endpoint, `${endpoint.pathname}/metadata`),
    ]);
    const abusive = sockets.filter((s) => !s.destroyed).length;
    // Every idle and slow connection is still open (a body announced beyond a service's limit may be refused at once).
    expect(abusive).toBeGreaterThanOrEqual(3 * (IDLE_PER_SERVICE + SLOW_HEADERS_PER_SERVICE));

    const slowest: Record<string, number> = { pds: 0, sds: 0, practice: 0 };
    for (let round = 0; round < 20; round++) {
      const asks: Array<[keyof typeof slowest, string, Record<string, string>]> = [
        ["pds", `${info.pds}/Patient/${patient.nhsNumber}`, { "x-request-id": randomUUID() }],
        [
          "sds",
          `${info.sds}/Endpoint?organization=${encodeURIComponent(`https://fhir.nhs.uk/Id/ods-organization-code|${practice.ods}`)}&identifier=${encodeURIComponent("https://fhir.nhs.uk/Id/nhsServiceInteractionId|urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1")}`,
          { apikey: "gp-harness", "x-correlation-id": randomUUID() },
        ],
        ["practice", `${practice.endpoint}/metadata`, { accept: "application/fhir+json" }],
      ];
      for (const [service, url, headers] of asks) {
        const started = performance.now();
        const answer = await request(url, { headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await answer.body.dump();
        slowest[service] = Math.max(slowest[service]!, performance.now() - started);
        expect(answer.statusCode, `${service} round ${round}`).toBeLessThan(500);
      }
    }
    const grewMiB = (process.memoryUsage().rss - before) / 1024 / 1024;
    console.log(
      `abusive connections: ${abusive}; slowest ordinary answer (ms): ${JSON.stringify(
        Object.fromEntries(Object.entries(slowest).map(([k, v]) => [k, Math.round(v)])),
      )}; resident memory grew ${grewMiB.toFixed(1)} MiB (client and server sides, one process)`,
    );
    // Wide margins for a busy 2-core machine; an unbounded service would stall or grow without limit.
    for (const [service, ms] of Object.entries(slowest)) expect(ms, service).toBeLessThan(3_000);
    expect(grewMiB).toBeLessThan(200);
  });
});
