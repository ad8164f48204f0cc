/**
 * The expectations of the core and consent packs, judged against answers made by hand and a region on loopback:
 * only the areas asked for, the audit trail as the harness defines it, the record whole beside the practice's
 * own, and how often (and whether) a practice was asked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Expect, type ExpectOptions, ScenarioSkipped } from "../harness/expectations.js";
import { HARNESS_CLINICIAN, HARNESS_CONSUMER } from "../harness/north/identity.js";
import { requestFromPractice } from "../harness/north/practice-request.js";
import { readAuditTrail } from "../harness/oracle/audit-trail.js";
import type { WorldPatient } from "../harness/world.js";
import { ControlClient, type Region, startRegion } from "../simulators/index.js";
import { answerWith, HAND_MADE_PATIENT, handMadeRecord } from "./support/hand-made-record.js";

function expectations(options: Partial<ExpectOptions> = {}): Expect {
  return new Expect({
    control: new ControlClient("http://127.0.0.1:9"),
    settleMs: 0,
    since: new Date().toISOString(),
    ...options,
  });
}

const failed = (e: Expect) => e.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);

describe("expect.onlyAreas", () => {
  it("passes a record holding only the areas asked for", () => {
    const e = expectations();
    expect(e.onlyAreas(handMadeRecord(), ["includeAllergies", "includeMedication"])).toBe(true);
    expect(failed(e)).toEqual([]);
  });

  it("fails on the List or the resources of an area not asked for, naming them", () => {
    const e = expectations();
    expect(e.onlyAreas(handMadeRecord(), ["includeAllergies"])).toBe(false);
    expect(failed(e)).toEqual([
      "the record holds only the clinical areas asked for: includeMedication was not asked for, yet the record holds its List",
    ]);
    const withImmunisation = handMadeRecord();
    withImmunisation.entry!.push({ resource: { resourceType: "Immunization", id: "i1" } as fhir.Resource });
    const f = expectations();
    f.onlyAreas(withImmunisation, ["includeAllergies", "includeMedication"]);
    expect(failed(f)).toEqual([
      "the record holds only the clinical areas asked for: includeImmunisations was not asked for, yet the record holds 1 Immunization",
    ]);
  });
});

const TRAIL = {
  nhsNumber: HAND_MADE_PATIENT.nhsNumber,
  entries: [
    {
      time: "2025-06-01T10:00:00Z",
      traceId: "a gateway's own field",
      decision: "granted",
      outcome: { result: "record-returned", status: 200 },
    },
    {
      decision: "refused",
      outcome: { result: "refused", status: 403, spineCode: "NO_PATIENT_CONSENT" },
    },
    { decision: "emergency", reason: "Unconscious", outcome: { result: "record-returned", status: 200 } },
  ],
};

describe("the audit trail, as the harness reads it", () => {
  it("reads the documented shape, ignoring the gateway's own fields", () => {
    expect(readAuditTrail(TRAIL)).toEqual({
      ok: true,
      nhsNumber: HAND_MADE_PATIENT.nhsNumber,
      entries: [
        { time: "2025-06-01T10:00:00Z", decision: "granted", result: "record-returned", status: 200 },
        { decision: "refused", result: "refused", status: 403, spineCode: "NO_PATIENT_CONSENT" },
        { decision: "emergency", reason: "Unconscious", result: "record-returned", status: 200 },
      ],
    });
    expect(readAuditTrail({ nhsNumber: "9990000018", entries: [{ outcome: {} }] })).toEqual({
      ok: false,
      problem: "entries[0] has no decision",
    });
    expect(readAuditTrail([])).toEqual({ ok: false, problem: "the answer is not a JSON object" });
  });

  it("expect.audited passes a trail that records the refusal and the emergency with its reason", () => {
    const e = expectations();
    e.audited(answerWith(200, TRAIL), HAND_MADE_PATIENT, { decision: "refused" });
    e.audited(answerWith(200, TRAIL), HAND_MADE_PATIENT, { decision: "emergency", reason: "Unconscious" });
    expect(failed(e)).toEqual([]);
  });

  it("fails a trail without the decision, without the reason, or that cannot be read", () => {
    const e = expectations();
    e.audited(answerWith(200, { ...TRAIL, entries: [] }), HAND_MADE_PATIENT, { decision: "refused" });
    e.audited(answerWith(200, TRAIL), HAND_MADE_PATIENT, { decision: "emergency", reason: "Fitting" });
    expect(failed(e)).toEqual([
      "the audit trail records the refusal: entries: none",
      expect.stringMatching(
        /^the audit trail records the emergency's reason: the clinician said "Fitting"; entries: .*emergency \("Unconscious"\) → record-returned 200/,
      ),
    ]);
    const unreadable = expectations();
    expect(() => unreadable.audited(answerWith(401, {}), HAND_MADE_PATIENT, { decision: "refused" })).toThrow(
      "the audit trail can be read: the audit URL answered 401",
    );
    expect(() =>
      unreadable.audited(answerWith(200, { ...TRAIL, nhsNumber: "9990000026" }), HAND_MADE_PATIENT, {
        decision: "refused",
      }),
    ).toThrow("the trail is about 9990000026, not 9990000018");
  });
});

describe("refused attempts in the audit trail, and the trail unaltered", () => {
  const now = new Date().toISOString();
  const who = {
    time: now,
    practitionerSdsId: HARNESS_CLINICIAN.sdsUserId,
    consumerOds: HARNESS_CONSUMER.ods,
  };
  const refusals = {
    nhsNumber: HAND_MADE_PATIENT.nhsNumber,
    entries: [
      {
        ...who,
        decision: "refused",
        outcome: { result: "refused", status: 403, spineCode: "NO_PATIENT_CONSENT" },
      },
      { time: "2001-01-01T00:00:00Z", decision: "granted", outcome: { result: "refused", status: 400 } },
    ],
  };
  const attempt = { what: "the refused consent", decision: "refused", status: 403 } as const;

  it("expect.refusalAudited passes an entry naming who, from where and when; fails one that names none", () => {
    const e = expectations({ since: new Date(Date.now() - 1000).toISOString() });
    e.refusalAudited(answerWith(200, refusals), HAND_MADE_PATIENT, attempt);
    expect(failed(e)).toEqual([]);
    expect(e.checks.map((c) => c.name)).toEqual([
      "the audit trail can be read",
      "the audit trail records the refused consent",
      "the audit entry names who asked",
      "the audit entry names the organisation",
      "the audit entry says when",
    ]);
    const anonymous = expectations();
    anonymous.refusalAudited(answerWith(200, refusals), HAND_MADE_PATIENT, {
      what: "the expired token",
      decision: "granted",
      status: 400,
    });
    anonymous.refusalAudited(answerWith(200, { ...refusals, entries: [] }), HAND_MADE_PATIENT, attempt);
    expect(failed(anonymous)).toEqual([
      `the audit entry names who asked: the expired token: the clinician's SDS user id is ${HARNESS_CLINICIAN.sdsUserId}; the entry names nobody`,
      `the audit entry names the organisation: the expired token: the consumer is ${HARNESS_CONSUMER.ods}; the entry names none`,
      expect.stringMatching(
        /^the audit entry says when: the expired token: the scenario began at .*; the entry's time is 2001-01-01T00:00:00Z$/,
      ),
      'the audit trail records the refused consent: no entry "refused" refused with 403; entries: none',
    ]);
  });

  it("expect.auditTrailUnaltered fails an attempt that was not refused, and a trail that changed", () => {
    const before = answerWith(200, refusals);
    const refusedAll = (["DELETE", "PUT", "POST", "PATCH"] as const).map((method) => ({
      request: { method },
      answer: answerWith(405, {}),
    }));
    const kept = expectations();
    kept.auditTrailUnaltered(before, refusedAll, answerWith(200, refusals), HAND_MADE_PATIENT);
    expect(failed(kept)).toEqual([]);
    const wiped = expectations();
    wiped.auditTrailUnaltered(
      before,
      [{ request: { method: "DELETE" }, answer: answerWith(204, "") }],
      answerWith(200, { ...refusals, entries: [] }),
      HAND_MADE_PATIENT,
    );
    expect(failed(wiped)).toEqual([
      "the audit trail refuses DELETE: the audit URL answered 204",
      expect.stringMatching(/^the audit trail is unchanged: before: .*; after: .*"entries":\[\]/),
    ]);
  });
});

describe("expectations that ask the region", () => {
  let region: Region;
  let control: ControlClient;
  let patient: WorldPatient;
  let since: string;

  beforeAll(async () => {
    region = await startRegion({ seed: 23, practices: 2, patientsPerPractice: 2, port: 0 });
    control = new ControlClient(region.info().control);
    const practice = await region.addPractice("tpp");
    const added = region.addPatient(practice.ods, []);
    patient = {
      nhsNumber: added.nhsNumber,
      name: added.name,
      birthDate: added.birthDate,
      address: added.address,
      system: "tpp",
      traits: [],
      practice,
    };
    since = new Date().toISOString();
  });

  afterAll(async () => {
    await region?.close();
  });

  const inRegion = () => expectations({ control, since });

  it("counts the record requests naming the patient: none, one, then two", async () => {
    const e = inRegion();
    await e.recordRequestedOnce(patient.practice, patient);
    await requestFromPractice(patient.practice, patient.nhsNumber, ["includeAllergies"]);
    await e.recordRequestedOnce(patient.practice, patient);
    await e.noRecordRequestFor(patient, patient.practice);
    await requestFromPractice(patient.practice, patient.nhsNumber, ["includeAllergies"]);
    await e.recordRequestedOnce(patient.practice, patient);
    expect(failed(e)).toEqual([
      expect.stringMatching(
        /was asked for the record exactly once: the practice's journal holds no record request/,
      ),
      expect.stringMatching(
        /no record request for the patient reached the practice they left .*: it received 1 record request for the patient, answered 200/,
      ),
      expect.stringMatching(/was asked for the record exactly once: 2 record requests, answered 200, 200/),
    ]);
  });

  it("expect.wholeRecord passes the practice's own record and names what is missing from a cut one", async () => {
    const areas = ["includeAllergies", "includeMedication", "includeProblems"] as const;
    const reply = await requestFromPractice(patient.practice, patient.nhsNumber, areas);
    const whole = reply.body as fhir.Bundle;
    const e = inRegion();
    await e.wholeRecord(whole, patient, { areas });
    expect(failed(e)).toEqual([]);
    const cut = {
      ...whole,
      entry: whole.entry!.filter((entry) => entry.resource?.resourceType !== "Patient"),
    };
    const f = inRegion();
    await f.wholeRecord(cut, patient, { areas });
    expect(failed(f)).toEqual([
      expect.stringMatching(
        /^the record holds everything the practice's record holds: the practice's record holds \d+ resources; missing from the gateway's: 1 of 1 Patient$/,
      ),
    ]);
  });

  it("skips, rather than fails, when the practice will not give the harness the record", async () => {
    const away = { ...patient, practice: { ...patient.practice, endpoint: "http://127.0.0.1:9/nowhere" } };
    await expect(inRegion().wholeRecord(handMadeRecord(), away)).rejects.toBeInstanceOf(ScenarioSkipped);
  });
});
