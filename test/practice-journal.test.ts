/**
 * The journal a practice keeps of the requests it receives: each with the practice, the NHS number, the JWT
 * claims, the status and its own headers, even when a consumer repeats the same request.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "../simulators/journal/journal.js";
import type { Population } from "../simulators/population/types.js";
import { structuredRecordRequest } from "./support/gpconnect-request.js";
import { getRecord, headersFor, post, startSeededPractices } from "./support/seeded-practices.js";
import type { RunningPractice } from "./support/structured-record.js";

let population: Population;
let journal: Journal;
let emis: RunningPractice;
let tpp: RunningPractice;

beforeAll(async () => {
  ({ population, journal, emis, tpp } = await startSeededPractices());
});

afterAll(async () => {
  await emis?.close();
  await tpp?.close();
});

describe("journal", () => {
  it("journals each request with the practice, the NHS number, the JWT claims and the status", async () => {
    const patient = population.patient(tpp.practice.ods, 4);
    const after = journal.lastSeq;
    await getRecord(tpp, { nhsNumber: patient.nhsNumber, includeAllergies: true });
    await post(tpp, "{broken", headersFor(tpp));
    const entries = journal.list({ after });
    expect(entries).toHaveLength(2);
    const [ok, broken] = entries;
    expect(ok).toMatchObject({
      target: "practice",
      ods: tpp.practice.ods,
      method: "POST",
      nhsNumber: patient.nhsNumber,
      status: 200,
    });
    expect(ok?.path).toBe(new URL(`${tpp.endpoint}/Patient/$gpc.getstructuredrecord`).pathname);
    expect(ok?.headers["ssp-to"]).toBe(tpp.practice.asid);
    expect(ok?.jwtClaims).toMatchObject({
      aud: tpp.endpoint,
      reason_for_request: "directcare",
      requesting_practitioner: { resourceType: "Practitioner", id: "gp-harness-clinician-1" },
      requesting_organization: { identifier: [{ value: "Y99001" }] },
    });
    expect(broken).toMatchObject({ status: 422, ods: tpp.practice.ods });
    expect(broken?.nhsNumber).toBeUndefined();
  });

  it("journals each request's own headers when a consumer repeats the same request", async () => {
    // The patient other tests fetch from this practice: one it serves.
    const patient = population.patient(emis.practice.ods, 1);
    const body = JSON.stringify(
      structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true }),
    );
    const same = headersFor(emis, { traceId: randomUUID() });
    const other = headersFor(emis, { traceId: randomUUID() });
    const after = journal.lastSeq;
    for (const headers of [same, same, other, same, { ...same, "x-extra": "1" }]) {
      expect((await post(emis, body, headers)).status).toBe(200);
    }
    const entries = journal.list({ after });
    expect(entries.map((e) => e.headers["ssp-traceid"])).toEqual([
      same["Ssp-TraceID"],
      same["Ssp-TraceID"],
      other["Ssp-TraceID"],
      same["Ssp-TraceID"],
      same["Ssp-TraceID"],
    ]);
    expect(entries.map((e) => e.headers["x-extra"])).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      "1",
    ]);
    expect(entries.every((e) => e.nhsNumber === patient.nhsNumber && e.jwtClaims !== undefined)).toBe(true);
    expect(entries.map((e) => e.parameters)).toEqual(
      entries.map(() => ["patientNHSNumber", "includeAllergies"]),
    );
    // Each entry is the caller's own copy.
    const [first, second] = entries;
    if (first !== undefined) first.headers["ssp-traceid"] = "changed";
    expect(second?.headers["ssp-traceid"]).toBe(same["Ssp-TraceID"]);
    expect(journal.list({ after }).map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
  });
});
