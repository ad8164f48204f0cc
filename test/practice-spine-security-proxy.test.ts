/**
 * The Spine Secure Proxy in front of every practice: a request whose Ssp-From ASID SDS holds for no consumer is
 * refused with the proxy's own 403 (GP Connect error handling, "Sender ASID is not authorised for this
 * interaction"), before the practice sees it; an ASID registered in SDS is let through; and a region started
 * with `allowUnknownAsids` lets every sender through, for local experiments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlClient } from "../simulators/control/client.js";
import { type PatientInfo, type PracticeInfo, type Region, startRegion } from "../simulators/index.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { expectError, postStructuredRecord, type RecordAnswer } from "./support/structured-record.js";
import { stu3Errors } from "./support/stu3-schema.js";

const UNKNOWN_ASID = "999000000077";

async function startedRegion(allowUnknownAsids?: boolean): Promise<Region> {
  return startRegion({
    seed: 61,
    practices: 2,
    patientsPerPractice: 10,
    referenceDate: "2025-06-01",
    ...(allowUnknownAsids === undefined ? {} : { allowUnknownAsids }),
  });
}

/** A valid request for a sample patient of the region's first practice, from `fromAsid`. */
function ask(region: Region, fromAsid: string, headers: Record<string, string> = {}): Promise<RecordAnswer> {
  const info = region.info();
  const practice = info.practices[0] as PracticeInfo;
  const patient = info.patients.find((p) => p.ods === practice.ods && p.traits.length === 0) as PatientInfo;
  return postStructuredRecord(
    practice.endpoint,
    {
      ...gpConnectHeaders({ fromAsid, toAsid: practice.asid, audience: practice.endpoint }),
      ...headers,
    },
    JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
  );
}

/** The proxy's refusal of a sender, exactly as the GP Connect specification's example shows it. */
function expectSenderRefused(answer: RecordAnswer, asid: string): void {
  expect(answer.status, answer.text).toBe(403);
  expect(answer.contentType).toMatch(/^application\/fhir\+json/);
  const outcome = answer.json as fhir.OperationOutcome;
  expect(stu3Errors(outcome)).toEqual([]);
  expect(outcome.issue).toEqual([
    {
      severity: "error",
      code: "forbidden",
      details: {
        coding: [
          {
            system: "http://fhir.nhs.net/ValueSet/gpconnect-schedule-response-code-1-0",
            code: "403",
            display: `ASID_CHECK_FAILED_MESSAGESENDER_${asid}`,
          },
        ],
      },
      diagnostics: `ASID_CHECK_FAILED_MESSAGESENDER_${asid}`,
    },
  ]);
}

describe("a region as strict as the Spine (the default)", () => {
  let region: Region;

  beforeAll(async () => {
    region = await startedRegion();
  }, 30_000);

  afterAll(async () => {
    await region?.close();
  });

  it("refuses an Ssp-From ASID that SDS holds for no consumer with the proxy's 403", async () => {
    expectSenderRefused(await ask(region, UNKNOWN_ASID), UNKNOWN_ASID);
  });

  it("records the refused request in the journal, as the practice's", async () => {
    const after = region.journal.lastSeq;
    await ask(region, "999000000078");
    const entry = region.journal.list({ after, target: "practice" }).at(-1);
    expect(entry?.status).toBe(403);
    expect(entry?.headers["ssp-from"]).toBe("999000000078");
  });

  it("answers the consumers SDS holds: the harness and the reference gateway", async () => {
    for (const consumer of region.info().consumers) {
      const answer = await ask(region, consumer.asid);
      expect(answer.status, `${consumer.name}: ${answer.text}`).toBe(200);
    }
  });

  it("answers an ASID once it is registered in SDS through the control API", async () => {
    const control = new ControlClient(region.info().control);
    const asid = "999000000079";
    expectSenderRefused(await ask(region, asid), asid);
    await control.addConsumer({ ods: "Y99079", asid, name: "a gateway under test" });
    expect((await ask(region, asid)).status).toBe(200);
  });

  it("leaves a missing or malformed Ssp-From to the practice's own 400", async () => {
    await expectError(await ask(region, UNKNOWN_ASID, { "Ssp-From": "" }), 400, "BAD_REQUEST", /Ssp-From/);
    await expectError(await ask(region, "not-an-asid"), 400, "BAD_REQUEST", /Ssp-From/);
  });
});

describe("a region started with allowUnknownAsids", () => {
  let region: Region;

  beforeAll(async () => {
    region = await startedRegion(true);
  }, 30_000);

  afterAll(async () => {
    await region?.close();
  });

  it("answers a sender SDS does not know", async () => {
    const answer = await ask(region, UNKNOWN_ASID);
    expect(answer.status, answer.text).toBe(200);
  });
});
