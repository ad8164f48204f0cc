/**
 * How a practice refuses a structured-record request, each refusal an OperationOutcome (valid STU3) with the
 * Spine error code GP Connect names: a body of the wrong type, unreadable or too large; missing or wrong Ssp
 * headers; a JWT that is not as GP Connect 1.6 requires (and the harness's own JWT accepted); patients it does
 * not share (unknown, registered elsewhere, dissenting, deceased, inactive, restricted, moved); a practice not
 * sharing at all; unknown operations and paths.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerJwt } from "../harness/consumer.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import type { Population } from "../simulators/population/types.js";
import {
  type GpConnectHeaderOptions,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";
import { getRecord, headersFor, post, startSeededPractices } from "./support/seeded-practices.js";
import { expectError, type RunningPractice, startPractice } from "./support/structured-record.js";

let population: Population;
let emis: RunningPractice;
let tpp: RunningPractice;

beforeAll(async () => {
  ({ population, emis, tpp } = await startSeededPractices());
});

afterAll(async () => {
  await emis?.close();
  await tpp?.close();
});

/** A patient the EMIS practice shares. */
const fine = () => population.patient(emis.practice.ods, 1);
/** A valid request body for that patient's medications, with `options` changed. */
const body = (options: Partial<StructuredRecordRequestOptions> = {}) =>
  JSON.stringify(
    structuredRecordRequest({ nhsNumber: fine().nhsNumber, includeMedication: true, ...options }),
  );

describe("bodies", () => {
  it("rejects content types other than JSON with 415", async () => {
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Content-Type": "text/plain" }),
      415,
      "BAD_REQUEST",
      /Content-Type/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Content-Type": "application/xml" }),
      415,
      "BAD_REQUEST",
    );
    const { "Content-Type": _contentType, ...withoutContentType } = headersFor(emis);
    await expectError(
      await post(emis, body(), withoutContentType),
      415,
      "BAD_REQUEST",
      /missing Content-Type/,
    );
    // Plain JSON is accepted too, as providers do.
    expect(
      (await post(emis, body(), { ...headersFor(emis), "Content-Type": "application/json" })).status,
    ).toBe(200);
  });

  it("rejects bodies that are not JSON, or not a Parameters resource, with 422 INVALID_RESOURCE", async () => {
    await expectError(await post(emis, "{not json", headersFor(emis)), 422, "INVALID_RESOURCE", /not JSON/);
    await expectError(await post(emis, "", headersFor(emis)), 422, "INVALID_RESOURCE");
    await expectError(
      await post(emis, JSON.stringify({ resourceType: "Patient" }), headersFor(emis)),
      422,
      "INVALID_RESOURCE",
    );
    await expectError(await post(emis, "[]", headersFor(emis)), 422, "INVALID_RESOURCE");
  });

  it("rejects a body over the limit with 413", async () => {
    const huge = JSON.stringify({ resourceType: "Parameters", padding: "x".repeat(70_000) });
    await expectError(await post(emis, huge, headersFor(emis)), 413, "BAD_REQUEST", /exceeds/);
  });
});

describe("Ssp headers and JWT", () => {
  it("checks the Ssp headers: 400 BAD_REQUEST naming the header", async () => {
    const without = (name: string) => {
      const headers = headersFor(emis);
      delete headers[name];
      return headers;
    };
    await expectError(await post(emis, body(), without("Ssp-TraceID")), 400, "BAD_REQUEST", /Ssp-TraceID/);
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Ssp-TraceID": "not-a-uuid" }),
      400,
      "BAD_REQUEST",
      /UUID/,
    );
    await expectError(await post(emis, body(), without("Ssp-From")), 400, "BAD_REQUEST", /Ssp-From/);
    await expectError(await post(emis, body(), without("Ssp-To")), 400, "BAD_REQUEST", /Ssp-To/);
    await expectError(
      await post(emis, body(), { ...headersFor(emis), "Ssp-To": tpp.practice.asid }),
      400,
      "BAD_REQUEST",
      /not this provider's ASID/,
    );
    await expectError(
      await post(emis, body(), {
        ...headersFor(emis),
        "Ssp-InteractionID": "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1",
      }),
      400,
      "BAD_REQUEST",
      /Ssp-InteractionID/,
    );
  });

  it("accepts the JWT the harness itself sends a gateway, as a strict gateway would check it", async () => {
    const patient = population.patient(emis.practice.ods, 1);
    const answer = await post(
      emis,
      JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
      {
        ...headersFor(emis),
        Authorization: `Bearer ${consumerJwt(emis.endpoint)}`,
      },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it("checks the JWT: unsigned, decodable, complete, five minutes long, unexpired, for this endpoint", async () => {
    const now = Math.floor(Date.now() / 1000);
    const withToken = (overrides: Partial<GpConnectHeaderOptions>) =>
      post(emis, body(), headersFor(emis, overrides));
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "" }),
      400,
      "BAD_REQUEST",
      /Authorization/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "Bearer not-a-jwt" }),
      400,
      "BAD_REQUEST",
      /three/,
    );
    await expectError(
      await post(emis, body(), { ...headersFor(emis), Authorization: "Bearer !!.??." }),
      400,
      "BAD_REQUEST",
      /header/,
    );
    await expectError(
      await withToken({ jwtHeader: { alg: "HS256", typ: "JWT" } }),
      400,
      "BAD_REQUEST",
      /alg/,
    );
    await expectError(
      await withToken({ claims: { requesting_practitioner: undefined } }),
      400,
      "BAD_REQUEST",
      /requesting_practitioner/,
    );
    await expectError(await withToken({ claims: { exp: now + 600 } }), 400, "BAD_REQUEST", /iat \+ 300/);
    await expectError(await withToken({ issuedAt: now - 600 }), 400, "BAD_REQUEST", /expired/);
    await expectError(await withToken({ issuedAt: now + 120 }), 400, "BAD_REQUEST", /future/);
    await expectError(await withToken({ audience: tpp.endpoint }), 400, "BAD_REQUEST", /aud/);
    await expectError(
      await withToken({ claims: { reason_for_request: "secondaryuses" } }),
      400,
      "BAD_REQUEST",
      /reason_for_request/,
    );
    await expectError(
      await withToken({ claims: { requested_scope: "patient/*.write" } }),
      400,
      "BAD_REQUEST",
      /requested_scope/,
    );
    await expectError(await withToken({ claims: { sub: "someone-else" } }), 400, "BAD_REQUEST", /sub/);
  });
});

describe("patients and practices that do not share", () => {
  it("answers 404 PATIENT_NOT_FOUND for unknown patients and patients registered elsewhere", async () => {
    await expectError(
      await post(emis, body({ nhsNumber: "9434765919" }), headersFor(emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    const elsewhere = population.patient(tpp.practice.ods, 0);
    await expectError(
      await post(emis, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    expect((await post(tpp, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(tpp))).status).toBe(200);
  });

  it("answers 403 NO_PATIENT_CONSENT for a patient who dissented, in both flavours", async () => {
    for (const target of [emis, tpp]) {
      const dissenting = population.addPatient(target.practice.ods, ["dissent"]);
      await expectError(
        await post(target, body({ nhsNumber: dissenting.nhsNumber }), headersFor(target)),
        403,
        "NO_PATIENT_CONSENT",
      );
    }
  });

  it("answers PATIENT_NOT_FOUND for deceased, inactive and PDS-restricted patients, and for a moved patient at the old practice", async () => {
    for (const target of [emis, tpp]) {
      for (const trait of ["deceased", "inactive-registration", "sensitive-patient"] as const) {
        const patient = population.addPatient(target.practice.ods, [trait]);
        const answer = await getRecord(target, { nhsNumber: patient.nhsNumber, includeMedication: true });
        expect(answer.status, `${trait}: ${answer.text}`).toBe(404);
        expect(spineErrorCode(answer.json)).toBe("PATIENT_NOT_FOUND");
      }
    }
    const moved = population.addPatient(tpp.practice.ods, ["moved-practice"]);
    expect(moved.previousPractice?.ods).toBe(emis.practice.ods);
    expect((await getRecord(tpp, { nhsNumber: moved.nhsNumber, includeMedication: true })).status).toBe(200);
    const atOld = await getRecord(emis, { nhsNumber: moved.nhsNumber, includeMedication: true });
    expect(atOld.status).toBe(404);
    expect(spineErrorCode(atOld.json)).toBe("PATIENT_NOT_FOUND");
    expect((atOld.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(/moved practice/);
    const held = population.findRecordAt(emis.practice.ods, moved.nhsNumber);
    expect(held?.registration).toBe("inactive");
    expect(held?.consultations.every((c) => c.date <= (moved.previousPractice?.until ?? ""))).toBe(true);
  });

  it("answers 403 ACCESS DENIED from a practice that has not enabled GP Connect sharing", async () => {
    const closed = await startPractice(population.addPractice("emis", { sharingEnabled: false }), population);
    try {
      const patient = population.patient(closed.practice.ods, 0);
      const answer = await getRecord(closed, { nhsNumber: patient.nhsNumber, includeMedication: true });
      expect(answer.status).toBe(403);
      expect(spineErrorCode(answer.json)).toBe("ACCESS DENIED");
    } finally {
      await closed.close();
    }
  });
});

describe("operations and paths", () => {
  it("accepts the operation name with its $ percent-encoded", async () => {
    const response = await request(`${emis.endpoint}/Patient/%24gpc.getstructuredrecord`, {
      method: "POST",
      headers: headersFor(emis),
      body: body(),
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it("answers unknown operations and paths with an OperationOutcome", async () => {
    const other = await request(`${emis.endpoint}/Patient/$gpc.migratestructuredrecord`, {
      method: "POST",
      headers: headersFor(emis),
      body: body(),
    });
    expect(other.statusCode).toBe(404);
    expect(spineErrorCode(await other.body.json())).toBe("BAD_REQUEST");
    const response = await request(`${emis.endpoint}/Patient/9434765919`);
    const answer = {
      status: response.statusCode,
      contentType: String(response.headers["content-type"]),
      text: "",
      json: await response.body.json(),
    };
    await expectError(answer, 404, "BAD_REQUEST", /No such endpoint/);
  });
});
