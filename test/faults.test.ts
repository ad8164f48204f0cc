import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SPINE_ERROR_SYSTEM } from "../gpconnect/error-codes.js";
import { ControlClient } from "../simulators/control/client.js";
import { ActiveFault, type Fault, parseFault } from "../simulators/faults/faults.js";
import { FaultInjector } from "../simulators/faults/injection.js";
import { type PracticeInfo, type Region, startRegion } from "../simulators/index.js";
import type { JournalEntry } from "../simulators/journal/journal.js";
import type { R4OperationOutcome } from "../simulators/spine/fhir-r4.js";
import { PDS_ERROR_SYSTEM } from "../simulators/spine/pds-errors.js";
import { SDS_ERROR_SYSTEM } from "../simulators/spine/sds-errors.js";

let region: Region;
let control: ControlClient;
let practice: PracticeInfo;
let nhsNumber: string;

beforeAll(async () => {
  region = await startRegion({ seed: 21, practices: 2, patientsPerPractice: 3, referenceDate: "2025-06-01" });
  control = new ControlClient(region.info().control);
  practice = region.info().practices[0]!;
  nhsNumber = region.info().patients[0]!.nhsNumber;
});

afterAll(async () => {
  await region.close();
});

beforeEach(async () => {
  await region.clearFaults();
});

async function metadata(timeoutMs = 5_000) {
  const response = await request(`${practice.endpoint}/metadata`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.statusCode, text: await response.body.text(), headers: response.headers };
}

async function pds(timeoutMs = 5_000) {
  const response = await request(`${region.info().pds}/Patient/${nhsNumber}`, {
    headers: { "x-request-id": randomUUID() },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

async function sds(timeoutMs = 5_000) {
  const response = await request(`${region.info().sds}/Device`, {
    headers: { apikey: "k" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

async function eventually<T>(read: () => T | undefined, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lastEntryAfter(seq: number, target: JournalEntry["target"]): JournalEntry | undefined {
  return region.journal.list({ after: seq, target }).at(-1);
}

describe("fault JSON", () => {
  const refusals: [unknown, RegExp][] = [
    [{ kind: "sluggish" }, /"kind" must be one of offline, hang, slow/],
    ["offline", /a fault must be a JSON object/],
    [{ kind: "hang", ms: 5 }, /"ms" is not a field of a hang fault/],
    [{ kind: "slow" }, /"delayMs" \(fixed\) or "medianMs" and "p95Ms".*neither/],
    [{ kind: "slow", delayMs: 5, medianMs: 5 }, /not both/],
    [{ kind: "slow", delayMs: -1 }, /"delayMs" must be a whole number of milliseconds from 0/],
    [{ kind: "slow", medianMs: 50, p95Ms: 10 }, /"p95Ms" \(10\) must be at least "medianMs" \(50\)/],
    [{ kind: "error" }, /"status" must be an HTTP error status from 400 to 599, got nothing/],
    [{ kind: "error", status: 200 }, /"status" must be an HTTP error status/],
    [
      { kind: "error", status: 500, code: "OOPS" },
      /"code" must be an error code of the GP Connect catalogue/,
    ],
    [{ kind: "flapping", every: 2 }, /"fault" must be a JSON object/],
    [{ kind: "flapping", every: 0, fault: { kind: "reset" } }, /"every" must be a whole number from 1/],
    [{ kind: "flapping", fault: { kind: "reset" } }, /"every".*or "probability".*neither/],
    [
      { kind: "flapping", probability: 2, fault: { kind: "reset" } },
      /"probability" must be a number from 0 to 1/,
    ],
    [
      { kind: "flapping", every: 2, fault: { kind: "offline" } },
      /"fault.kind" cannot be offline inside flapping/,
    ],
    [{ kind: "flapping", every: 2, fault: { kind: "slow", delay: 1 } }, /"fault.delay" is not a field/],
  ];
  it.each(refusals)("refuses %j, naming the field", (fault, message) => {
    expect(() => parseFault(fault, "practice")).toThrow(message);
  });

  it("checks an error code against the target's own catalogue", () => {
    expect(parseFault({ kind: "error", status: 503, code: "SERVICE_UNAVAILABLE" }, "pds")).toEqual({
      kind: "error",
      status: 503,
      code: "SERVICE_UNAVAILABLE",
    });
    expect(() => parseFault({ kind: "error", status: 503, code: "SERVICE_UNAVAILABLE" }, "sds")).toThrow(
      /SDS catalogue/,
    );
  });

  it("draws the same log-normal delays from the same seed, near the median asked for", () => {
    const fault = parseFault({ kind: "slow", medianMs: 100, p95Ms: 400, seed: 7 }, "pds");
    const draw = () => {
      const active = new ActiveFault(fault);
      return Array.from({ length: 2000 }, () => active.next()?.applied.delayMs ?? -1);
    };
    const delays = draw();
    expect(draw()).toEqual(delays);
    const sorted = [...delays].sort((a, b) => a - b);
    expect(sorted[1000]).toBeGreaterThan(80);
    expect(sorted[1000]).toBeLessThan(125);
    expect(sorted[1900]).toBeGreaterThan(300);
    expect(sorted[1900]).toBeLessThan(520);
  });
});

describe("faults on a practice", () => {
  it("hang: the request is read and never answered; the journal records it when the caller gives up", async () => {
    const seq = region.journal.lastSeq;
    await region.setFault(practice.ods, { kind: "hang" });
    const started = Date.now();
    await expect(metadata(300)).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const entry = await eventually(() => lastEntryAfter(seq, "practice"));
    expect(entry).toMatchObject({ ods: practice.ods, status: 0, fault: { kind: "hang" } });
  });

  it("hang: clearing the fault and closing the region release held requests", async () => {
    await region.setFault(practice.ods, { kind: "hang" });
    const hung = metadata(10_000).then(
      () => "answered",
      (error: { code?: string }) => error.code ?? "failed",
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const cleared = Date.now();
    await region.setFault(practice.ods, null);
    expect(await hung).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(Date.now() - cleared).toBeLessThan(2_000);
    expect((await metadata()).status).toBe(200);

    const other = await startRegion({ seed: 22, practices: 1, patientsPerPractice: 1 });
    await other.setFault("pds", { kind: "hang" });
    const otherHung = request(`${other.info().pds}/Patient/9990000018`, {
      headers: { "x-request-id": randomUUID() },
      signal: AbortSignal.timeout(10_000),
    }).then(
      () => "answered",
      (error: { code?: string; name?: string }) => error.code ?? error.name ?? "failed",
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = Date.now();
    await other.close();
    expect(await otherHung).not.toBe("TimeoutError");
    expect(Date.now() - closing).toBeLessThan(2_000);
  });

  it("slow: a fixed delay, then the normal answer; the journal notes the delay", async () => {
    const seq = region.journal.lastSeq;
    await control.setFault(practice.ods, { kind: "slow", delayMs: 250 });
    const started = Date.now();
    expect((await metadata()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const entry = await eventually(() => lastEntryAfter(seq, "practice"));
    expect(entry.fault).toEqual({ kind: "slow", delayMs: 250 });
    expect(entry.latencyMs).toBeGreaterThanOrEqual(240);
  });

  it("error: the status asked for, with a GP Connect OperationOutcome", async () => {
    await control.setFault(practice.ods, { kind: "error", status: 503, diagnostics: "maintenance window" });
    const answer = await metadata();
    expect(answer.status).toBe(503);
    expect(answer.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    const outcome = JSON.parse(answer.text) as fhir.OperationOutcome;
    expect(outcome.issue[0]?.details?.coding?.[0]).toMatchObject({
      system: SPINE_ERROR_SYSTEM,
      code: "INTERNAL_SERVER_ERROR",
    });
    expect(outcome.issue[0]?.diagnostics).toBe("maintenance window");

    await control.setFault(practice.ods, { kind: "error", status: 403, code: "NO_RELATIONSHIP" });
    const refused = await metadata();
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("NO_RELATIONSHIP");
  });

  it("malformed: 200 with a body that is not JSON", async () => {
    await control.setFault(practice.ods, { kind: "malformed" });
    const answer = await metadata();
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it("truncated: the body ends before its Content-Length, and the connection closes", async () => {
    const seq = region.journal.lastSeq;
    await control.setFault(practice.ods, { kind: "truncated" });
    const response = await request(`${practice.endpoint}/metadata`, { signal: AbortSignal.timeout(5_000) });
    expect(response.statusCode).toBe(200);
    expect(Number(response.headers["content-length"])).toBeGreaterThan(4096);
    await expect(response.body.text()).rejects.toThrow();
    const entry = await eventually(() => lastEntryAfter(seq, "practice"));
    expect(entry).toMatchObject({ status: 200, fault: { kind: "truncated" } });
  });

  it("reset: the connection is reset", async () => {
    await control.setFault(practice.ods, { kind: "reset" });
    await expect(metadata()).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/),
    });
  });

  it("flapping every Nth request: only those meet the inner fault", async () => {
    await control.setFault(practice.ods, {
      kind: "flapping",
      every: 3,
      fault: { kind: "error", status: 500 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await metadata()).status);
    expect(statuses).toEqual([200, 200, 500, 200, 200, 500]);
    const faulted = region.journal.list({ ods: practice.ods }).slice(-6);
    expect(faulted.map((e) => e.fault?.flapping ?? false)).toEqual([false, false, true, false, false, true]);
  });

  it("flapping with a seeded probability: the same seed hits the same requests", async () => {
    const fault: Fault = {
      kind: "flapping",
      probability: 0.5,
      seed: 9,
      fault: { kind: "error", status: 502 },
    };
    const run = async () => {
      await control.setFault(practice.ods, fault);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await metadata()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(502);
  });

  it("lists and clears faults in process and over HTTP", async () => {
    await control.setFault(practice.ods, { kind: "slow", delayMs: 1 });
    await region.setFault("sds", { kind: "offline" });
    expect(await control.faults()).toEqual({
      [practice.ods]: { kind: "slow", delayMs: 1 },
      sds: { kind: "offline" },
    });
    await control.clearFaults();
    expect(region.faults()).toEqual({});
    expect((await sds()).status).toBe(400);
  });
});

describe("faults on PDS and SDS answer in their own shapes", () => {
  it("PDS error: an R4 OperationOutcome of the PDS catalogue", async () => {
    await control.setFault("pds", { kind: "error", status: 503 });
    const answer = await pds();
    expect(answer.status).toBe(503);
    const outcome = JSON.parse(answer.text) as R4OperationOutcome;
    expect(outcome.issue[0]?.details.coding[0]).toMatchObject({
      system: PDS_ERROR_SYSTEM,
      code: "SERVICE_UNAVAILABLE",
    });
  });

  it("SDS error with a named code", async () => {
    await control.setFault("sds", { kind: "error", status: 504, code: "GATEWAY_TIMEOUT" });
    const answer = await sds();
    expect(answer.status).toBe(504);
    const outcome = JSON.parse(answer.text) as R4OperationOutcome;
    expect(outcome.issue[0]?.details.coding[0]).toMatchObject({
      system: SDS_ERROR_SYSTEM,
      code: "GATEWAY_TIMEOUT",
    });
  });

  it("PDS reset and SDS malformed", async () => {
    await control.setFault("pds", { kind: "reset" });
    await expect(pds()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    await control.setFault("sds", { kind: "malformed" });
    const answer = await sds();
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it("refuses a fault over HTTP with a 400 naming the field, and an unknown target with a 404", async () => {
    const put = async (target: string, body: string) => {
      const response = await request(`${region.info().control}/faults/${target}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body,
      });
      return { status: response.statusCode, body: (await response.body.json()) as { error: string } };
    };
    const bad = await put("pds", JSON.stringify({ kind: "error", status: 503, code: "NO_PATIENT_CONSENT" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('"code" must be an error code of the PDS catalogue');
    const unknown = await put("Z99999", JSON.stringify({ kind: "hang" }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no fault target "Z99999"');
    expect(region.faults()).toEqual({});
  });
});

describe("realistic latency", () => {
  it("delays practice answers by the flavour's profile when asked, without calling it a fault", async () => {
    const slow = await startRegion({ seed: 5, practices: 1, patientsPerPractice: 1, realisticLatency: true });
    try {
      const endpoint = slow.info().practices[0]!.endpoint;
      for (let i = 0; i < 2; i++) {
        await (await request(`${endpoint}/metadata`, { signal: AbortSignal.timeout(10_000) })).body.dump();
      }
      const latencies = slow.journal.list({ target: "practice" }).map((e) => e.latencyMs);
      expect(latencies).toHaveLength(2);
      for (const latency of latencies) expect(latency).toBeGreaterThan(50);
      expect(slow.journal.list({ target: "practice" }).every((e) => e.fault === undefined)).toBe(true);
    } finally {
      await slow.close();
    }
  });
});

describe("the fault injector holds nothing it no longer needs", () => {
  it("lets go of a hung or slow request when its caller gives up", async () => {
    const injector = new FaultInjector();
    const app = Fastify();
    injector.install(app, { target: "pds", service: "pds" });
    app.get("/", async () => ({ ok: true }));
    const origin = await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      for (const fault of [{ kind: "hang" }, { kind: "slow", delayMs: 60_000 }] as const) {
        injector.set("pds", fault);
        await expect(request(origin, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
        await eventually(() => (injector.heldCount() === 0 ? true : undefined));
      }
      injector.clear("pds");
      expect((await request(origin)).statusCode).toBe(200);
    } finally {
      injector.close();
      await app.close();
    }
  });
});
