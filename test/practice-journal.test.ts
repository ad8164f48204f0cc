/**
 * The journal a practice keeps of the requests it receives: each with the practice, the NHS number, the JWT
 * claims, the status and its own headers, even when a consumer repeats the same request.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { structuredRecordRequest } from "./support/gpconnect-request.js";
import { getRecord, headersFor, post, useSeededPractices } from "./support/seeded-practices.js";

const seeded = useSeededPractices();

describe("journal", () => {
  it("journals each request with the practice, the NHS number, the JWT claims and the status", async () => {
    const patient = seeded.population.patient(seeded.tpp.practice.ods, 4);
    const after = seeded.journal.lastSeq;
    await getRecord(seeded.tpp, { nhsNumber: patient.nhsNumber, includeAllergies: true });
    await post(seeded.tpp, "{broken", headersFor(seeded.tpp));
    const entries = seeded.journal.list({ after });
    expect(entries).toHaveLength(2);
    const [ok, broken] = entries;
    expect(ok).toMatchObject({
      target: "practice",
      ods: seeded.tpp.practice.ods,
      method: "POST",
      nhsNumber: patient.nhsNumber,
      status: 200,
    });
    expect(ok?.path).toBe(new URL(`${seeded.tpp.endpoint}/Patient/$gpc.getstructuredrecord`).pathname);
    expect(ok?.headers["ssp-to"]).toBe(seeded.tpp.practice.asid);
    expect(ok?.jwtClaims).toMatchObject({
      aud: seeded.tpp.endpoint,
      reason_for_request: "directcare",
      requesting_practitioner: { resourceType: "Practitioner", id: "gp-harness-clinician-1" },
      requesting_organization: { identifier: [{ value: "Y99001" }] },
    });
    expect(broken).toMatchObject({ status: 422, ods: seeded.tpp.practice.ods });
    expect(broken?.nhsNumber).toBeUndefined();
  });

  it("journals each request's own headers when a consumer repeats the same request", async () => {
    // The patient other tests fetch from this practice: one it serves.
    const patient = seeded.population.patient(seeded.emis.practice.ods, 1);
    const body = JSON.stringify(
      structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true }),
    );
    const same = headersFor(seeded.emis, { traceId: randomUUID() });
    const other = headersFor(seeded.emis, { traceId: randomUUID() });
    const after = seeded.journal.lastSeq;
    for (const headers of [same, same, other, same, { ...same, "x-extra": "1" }]) {
      expect((await post(seeded.emis, body, headers)).status).toBe(200);
    }
    const entries = seeded.journal.list({ after });
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
    expect(seeded.journal.list({ after }).map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
  });

  it("keeps a large body's first 4 KiB and its length, so a storm of large bodies cannot grow the journal past its bound", async () => {
    const after = seeded.journal.lastSeq;
    const parameters = structuredRecordRequest({ nhsNumber: "9990000018", includeAllergies: true }) as {
      parameter: unknown[];
    };
    const large = JSON.stringify({ ...parameters, meta: { tag: [{ display: "x".repeat(30_000) }] } });
    await post(seeded.emis, large, headersFor(seeded.emis));
    const [entry] = seeded.journal.list({ after });
    expect(typeof entry?.body).toBe("string");
    expect(String(entry?.body)).toMatch(
      /^\{"resourceType":"Parameters".{4000,4200}… \(\d+ characters; the rest not kept\)$/s,
    );
  });
});
