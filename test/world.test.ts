/**
 * A scenario's world against an in-process region: every fault kind on the scenario's practice, on PDS and
 * on SDS; switched-off areas, missing agreements, sharing switched off, more than one practice and a moved
 * patient. Each is checked by what the region then does, and tear-down by the region being as it was.
 */
import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HARNESS_CONSUMER } from "../harness/north/identity.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import {
  buildWorld,
  runsAlone,
  type WatchedGateway,
  type World,
  type WorldPractice,
  type WorldSpec,
} from "../harness/world.js";
import { ControlClient, type Fault, type FaultKind, type Region, startRegion } from "../simulators/index.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { postStructuredRecord } from "./support/structured-record.js";

let region: Region;
let control: ControlClient;

beforeAll(async () => {
  region = await startRegion({ seed: 91, practices: 2, patientsPerPractice: 5, referenceDate: "2025-06-01" });
  control = new ControlClient(region.info().control);
}, 30_000);

afterAll(async () => {
  await region?.close();
});

beforeEach(async () => {
  await region.clearFaults();
});

/** What a caller meets asking the service: an answer (status, whether its body is JSON, how long) or a failure. */
type Seen =
  | { readonly status: number; readonly json: boolean; readonly ms: number }
  | { readonly failure: string };

async function probe(url: string, headers: Record<string, string> = {}): Promise<Seen> {
  const started = performance.now();
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, { headers, signal: AbortSignal.timeout(600) });
  } catch (error) {
    const cause = error as { name?: string; code?: string };
    return { failure: cause.name === "TimeoutError" ? "no answer" : (cause.code ?? String(error)) };
  }
  let text: string;
  try {
    text = await response.body.text();
  } catch {
    return { failure: "body cut short" };
  }
  let json = true;
  try {
    JSON.parse(text);
  } catch {
    json = false;
  }
  return { status: response.statusCode, json, ms: performance.now() - started };
}

type Target = "practice" | "pds" | "sds";

function ask(world: World, target: Target): Promise<Seen> {
  const info = region.info();
  if (target === "pds") {
    return probe(`${info.pds}/Patient/${world.patient.nhsNumber}`, { "x-request-id": randomUUID() });
  }
  if (target === "sds") return probe(`${info.sds}/Device`, { apikey: "k", "x-request-id": randomUUID() });
  return probe(`${world.practice.endpoint}/metadata`);
}

/** Every fault kind, with what a caller then meets. */
const FAULTS: ReadonlyArray<{ fault: Fault; seen: (first: Seen, second: Seen) => void }> = [
  { fault: { kind: "offline" }, seen: (s) => expect(s).toEqual({ failure: "ECONNREFUSED" }) },
  { fault: { kind: "hang" }, seen: (s) => expect(s).toEqual({ failure: "no answer" }) },
  {
    fault: { kind: "slow", delayMs: 150 },
    seen: (s) => expect(s).toMatchObject({ json: true, ms: expect.toSatisfy((ms: number) => ms >= 150) }),
  },
  {
    fault: { kind: "error", status: 503 },
    seen: (s) => expect(s).toMatchObject({ status: 503, json: true }),
  },
  { fault: { kind: "malformed" }, seen: (s) => expect(s).toMatchObject({ status: 200, json: false }) },
  { fault: { kind: "truncated" }, seen: (s) => expect(s).toEqual({ failure: "body cut short" }) },
  {
    fault: { kind: "reset" },
    seen: (s) => expect(s).toMatchObject({ failure: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) }),
  },
  {
    fault: { kind: "flapping", every: 2, fault: { kind: "error", status: 502 } },
    seen: (first, second) => {
      expect(first).toMatchObject({ json: true, status: expect.not.toSatisfy((s: number) => s === 502) });
      expect(second).toMatchObject({ status: 502, json: true });
    },
  },
];

it("offers every fault kind of the region", () => {
  expect(new Set(FAULTS.map((f) => f.fault.kind))).toEqual(
    new Set<FaultKind>(["offline", "hang", "slow", "error", "malformed", "truncated", "reset", "flapping"]),
  );
});

function specWith(target: Target, fault: Fault): WorldSpec {
  const patient = { system: "emis" } as const;
  if (target === "practice") return { patient, practice: { fault } };
  return { patient, spine: target === "pds" ? { pds: fault } : { sds: fault } };
}

describe.each(["practice", "pds", "sds"] as const)("a fault on %s asked for by the world", (target) => {
  it.each(FAULTS.map((f) => [f.fault.kind, f] as const))(
    "%s: callers meet it, and tear-down ends it",
    async (_, { fault, seen }) => {
      const world = await buildWorld(control, specWith(target, fault));
      const key = target === "practice" ? world.practice.ods : target;
      expect(region.faults()).toEqual({ [key]: fault });
      seen(await ask(world, target), await ask(world, target));
      expect(world.describe()).toMatchObject({ faults: { [key]: fault } });
      await world.tearDown();
      expect(region.faults()).toEqual({});
      if (target === "practice") {
        // The practice went with the world: its port is closed and the region no longer lists it.
        expect(region.info().practices.map((p) => p.ods)).not.toContain(world.practice.ods);
      } else {
        expect(await ask(world, target)).not.toHaveProperty("failure");
      }
    },
  );
});

/** A record request to the practice, as a consumer sends it (the harness's organisation unless named). */
async function askRecord(practice: WorldPractice, nhsNumber: string) {
  const headers = gpConnectHeaders({
    fromAsid: region.info().consumer.asid,
    toAsid: practice.asid,
    audience: practice.endpoint,
  });
  const body = structuredRecordRequest({ nhsNumber, includeAllergies: true, includeMedication: true });
  return postStructuredRecord(practice.endpoint, headers, JSON.stringify(body));
}

describe("a practice's settings asked for by the world", () => {
  it("switched-off areas: the record leaves them out with the warning; gone with the world", async () => {
    const world = await buildWorld(control, {
      patient: { system: "tpp" },
      practice: { disabledAreas: ["includeAllergies"] },
    });
    const answer = await askRecord(world.practice, world.patient.nhsNumber);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toContain("includeAllergies has been disabled");
    expect(answer.text).not.toContain("includeMedication has been disabled");
    expect(world.describe()).toMatchObject({
      changes: [{ when: "build", target: world.practice.ods, disabledAreas: ["includeAllergies"] }],
    });
    await world.tearDown();
    expect(region.info().practices.map((p) => p.ods)).not.toContain(world.practice.ods);
  });

  it("no sharing agreement with any consumer: the harness's own request is refused NO_ORGANISATION_CONSENT", async () => {
    const world = await buildWorld(control, {
      patient: { system: "emis" },
      practice: { withoutAgreement: "every-consumer" },
    });
    expect(region.organisationsWithoutAgreement(world.practice.ods)).toEqual(
      expect.arrayContaining(region.info().consumers.map((c) => c.ods)),
    );
    const answer = await askRecord(world.practice, world.patient.nhsNumber);
    expect(answer.status).toBe(403);
    expect(spineErrorCode(answer.json)).toBe("NO_ORGANISATION_CONSENT");
    await world.tearDown();
  });

  it("sharing switched off: the practice answers ACCESS DENIED, and the report says so", async () => {
    const world = await buildWorld(control, {
      patient: { system: "emis" },
      practice: { sharingEnabled: false },
    });
    expect(spineErrorCode((await askRecord(world.practice, world.patient.nhsNumber)).json)).toBe(
      "ACCESS DENIED",
    );
    expect(world.describe()).toMatchObject({ practice: { ods: world.practice.ods, sharingEnabled: false } });
    await world.tearDown();
  });
});

describe("more than one practice", () => {
  it("makes the other practices with their own settings, and removes them all", async () => {
    const world = await buildWorld(control, {
      patient: { system: "emis" },
      otherPractices: [{ system: "tpp", fault: { kind: "offline" } }, { system: "emis" }],
    });
    const [offline, other] = world.otherPractices as [WorldPractice, WorldPractice];
    expect(offline.system).toBe("tpp");
    expect(await probe(`${offline.endpoint}/metadata`)).toEqual({ failure: "ECONNREFUSED" });
    expect(await probe(`${other.endpoint}/metadata`)).toMatchObject({ status: 200 });
    expect(await probe(`${world.practice.endpoint}/metadata`)).toMatchObject({ status: 200 });
    await world.tearDown();
    const left = region.info().practices.map((p) => p.ods);
    for (const practice of [world.practice, offline, other]) expect(left).not.toContain(practice.ods);
    expect(region.faults()).toEqual({});
  });

  it("a moved patient: PDS names the scenario's practice, and the practice left is a lasting one", async () => {
    const world = await buildWorld(control, { patient: { system: "tpp", traits: ["moved-practice"] } });
    const left = world.patient.previousPractice?.ods;
    expect(left).toBeDefined();
    expect(left).not.toBe(world.practice.ods);
    const seeded = region.info().practices.map((p) => p.ods);
    expect(seeded).toContain(left);
    const pds = await request(`${region.info().pds}/Patient/${world.patient.nhsNumber}`, {
      headers: { "x-request-id": randomUUID() },
    });
    const patient = (await pds.body.json()) as {
      generalPractitioner?: Array<{ identifier?: { value?: string } }>;
    };
    expect(patient.generalPractitioner?.[0]?.identifier?.value).toBe(world.practice.ods);
    expect(world.describe()).toMatchObject({ patient: { previousPractice: { ods: left } } });
    await world.tearDown();
    expect(region.info().practices.map((p) => p.ods)).toContain(left);
  });
});

describe("changes while the scenario runs", () => {
  it("sets and clears faults on its own practice, PDS and SDS, and puts the Spine's back as it found them", async () => {
    await region.setFault("sds", { kind: "slow", delayMs: 1 });
    const world = await buildWorld(control, { patient: { system: "emis" } }, { exclusive: true });
    await world.control.setFault(world.practice, { kind: "error", status: 500 });
    await world.control.setFault("pds", { kind: "error", status: 503 });
    await world.control.setFault("sds", { kind: "malformed" });
    expect(await ask(world, "practice")).toMatchObject({ status: 500 });
    expect(await ask(world, "pds")).toMatchObject({ status: 503 });
    expect(await ask(world, "sds")).toMatchObject({ status: 200, json: false });
    await world.control.clearFault(world.practice);
    expect(await ask(world, "practice")).toMatchObject({ status: 200 });
    expect(world.describe()).toMatchObject({
      faults: { pds: { kind: "error", status: 503 }, sds: { kind: "malformed" } },
    });
    await world.tearDown();
    expect(region.faults()).toEqual({ sds: { kind: "slow", delayMs: 1 } });
  });

  it("refuses a PDS or SDS fault to a scenario that does not run alone, and leaves them untouched", async () => {
    const world = await buildWorld(control, { patient: { system: "tpp" } });
    await expect(world.control.setFault("pds", { kind: "offline" })).rejects.toThrow(/exclusive: true/);
    await expect(world.control.setFault("sds", { kind: "hang" })).rejects.toThrow(/exclusive: true/);
    expect(region.faults()).toEqual({});
    await world.tearDown();
  });

  it("changes only the practices it made", async () => {
    const world = await buildWorld(control, { patient: { system: "tpp" } });
    const seeded = region.info().practices[0]!;
    await expect(world.control.takeOffline(seeded)).rejects.toThrow(/not one of the scenario's own/);
    await expect(world.control.disableAreas(seeded, ["includeAllergies"])).rejects.toThrow(/not one of/);
    expect(region.faults()).toEqual({});
    expect(region.disabledAreas(seeded.ods)).toEqual([]);
    await world.tearDown();
  });

  it("switches areas off and agreements away at run time, and the practice acts on it", async () => {
    const world = await buildWorld(control, { patient: { system: "emis" } });
    await world.control.disableAreas(world.practice, ["includeMedication"]);
    expect((await askRecord(world.practice, world.patient.nhsNumber)).text).toContain(
      "includeMedication has been disabled",
    );
    await world.control.withoutAgreement(world.practice, [HARNESS_CONSUMER.ods]);
    expect(spineErrorCode((await askRecord(world.practice, world.patient.nhsNumber)).json)).toBe(
      "NO_ORGANISATION_CONSENT",
    );
    expect(world.describe()).toMatchObject({
      changes: [
        { when: "run", disabledAreas: ["includeMedication"] },
        { when: "run", withoutAgreement: [HARNESS_CONSUMER.ods] },
      ],
    });
    await world.tearDown();
  });

  it("undoes everything when the scenario throws half-way", async () => {
    const world = await buildWorld(control, { patient: { system: "emis" } }, { exclusive: true });
    const scenario = async () => {
      await world.control.setFault("pds", { kind: "hang" });
      await world.control.setFault("sds", { kind: "reset" });
      await world.control.withoutAgreement(world.practice);
      throw new Error("a step broke");
    };
    await expect(scenario()).rejects.toThrow("a step broke");
    await world.tearDown();
    expect(region.faults()).toEqual({});
    expect(region.info().practices.map((p) => p.ods)).not.toContain(world.practice.ods);
    // PDS answers again (no longer hung): the patient is gone with the world.
    expect(await ask(world, "pds")).toMatchObject({ status: 404, json: true });
  });

  it("undoes a half-built world and reports the failure", async () => {
    const before = region.info().practices.length;
    await expect(
      buildWorld(control, {
        patient: { system: "emis" },
        otherPractices: [{ system: "tpp" }],
        spine: { pds: { kind: "error", status: 503 }, sds: { kind: "error", status: 299 } },
      }),
    ).rejects.toThrow(/status/);
    expect(region.info().practices).toHaveLength(before);
    expect(region.faults()).toEqual({});
  });

  it("a spine fault in the spec makes the scenario run alone", () => {
    expect(runsAlone({ world: { patient: { system: "emis" } } })).toBe(false);
    expect(runsAlone({ exclusive: true, world: { patient: { system: "emis" } } })).toBe(true);
    expect(runsAlone({ world: { patient: { system: "emis" }, spine: { sds: { kind: "offline" } } } })).toBe(
      true,
    );
  });
});

/** A gateway that answers after `answerMs`, then fetches from the practice at each of `lateMs` after answering. */
function lateFetchingGateway(world: World, answerMs: number, lateMs: readonly number[]) {
  const asked: unknown[] = [];
  const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const gateway: WatchedGateway = {
    async getRecord(_patient, options) {
      asked.push(options);
      await after(answerMs);
      for (const ms of lateMs) void after(ms).then(() => probe(`${world.practice.endpoint}/metadata`));
      return { status: 200, headers: {}, body: undefined, text: "", elapsedMs: answerMs } as never;
    },
    async send(request) {
      asked.push(request);
      await after(answerMs);
      for (const ms of lateMs) void after(ms).then(() => probe(`${world.practice.endpoint}/metadata`));
      return { status: 404, headers: {}, body: undefined, text: "", elapsedMs: answerMs } as never;
    },
    auditTrail: async () => undefined,
  };
  return { gateway: world.watch(gateway), asked };
}

const practiceRequests = async (world: World) =>
  (await control.journal({ target: "practice", ods: world.practice.ods })).length;

describe("settled: when a check that nothing reached the south side may conclude", () => {
  it("waits for the answer still out, then until late fetches stop for the settle time", async () => {
    const world = await buildWorld(control, { patient: { system: "emis" } }, { settleMs: 300 });
    const { gateway } = lateFetchingGateway(world, 100, [100, 200]);
    void gateway.getRecord(world.patient, { consent: "refused" });
    await world.settled();
    // A fixed wait from the request would have concluded before either late fetch.
    expect(await practiceRequests(world)).toBe(2);
    await world.tearDown();
  });

  it("waits for a raw request's answer still out too, then for its late fetches", async () => {
    const world = await buildWorld(control, { patient: { system: "emis" } }, { settleMs: 300 });
    const { gateway } = lateFetchingGateway(world, 100, [100, 200]);
    void gateway.send({ method: "POST", contentType: "text/plain", body: { recordOf: world.patient } });
    await world.settled();
    expect(await practiceRequests(world)).toBe(2);
    await world.tearDown();
  });

  it("waits as long as the slowest answer when that is longer than the settle time", async () => {
    const world = await buildWorld(control, { patient: { system: "tpp" } }, { settleMs: 50 });
    const { gateway } = lateFetchingGateway(world, 400, [250]);
    await gateway.getRecord(world.patient, { consent: "refused" });
    await world.settled();
    expect(await practiceRequests(world)).toBe(1);
    await world.tearDown();
  });

  it("stops waiting at its maximum, whatever the gateway keeps doing", async () => {
    const world = await buildWorld(
      control,
      { patient: { system: "emis" } },
      { settleMs: 150, maxSettleMs: 500 },
    );
    const { gateway } = lateFetchingGateway(
      world,
      0,
      Array.from({ length: 60 }, (_, i) => 30 * i),
    );
    const started = performance.now();
    await gateway.getRecord(world.patient, { consent: "refused" });
    await world.settled();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await practiceRequests(world)).toBeGreaterThan(5);
    await world.tearDown();
  });

  it("sends the world's request parameters unless the call names its own", async () => {
    const world = await buildWorld(control, {
      patient: { system: "emis" },
      request: { areas: ["includeProblems", "includeAllergies"] },
    });
    const { gateway, asked } = lateFetchingGateway(world, 0, []);
    await gateway.getRecord(world.patient, { consent: "granted" });
    await gateway.getRecord(world.patient, { consent: "granted", areas: ["includeMedication"] });
    expect(asked).toEqual([
      { consent: "granted", areas: ["includeProblems", "includeAllergies"] },
      { consent: "granted", areas: ["includeMedication"] },
    ]);
    expect(world.describe()).toMatchObject({ request: { areas: ["includeProblems", "includeAllergies"] } });
    await world.tearDown();
  });
});
