/**
 * How a practice refuses a structured-record request, each refusal an OperationOutcome (valid STU3) with the
 * Spine error code GP Connect names: a body of the wrong type, unreadable or too large; missing or wrong Ssp
 * headers; a JWT that is not as GP Connect 1.6 requires (and the harness's own JWT accepted); patients it does
 * not share (unknown, registered elsewhere, dissenting, deceased, inactive, restricted, moved); a practice not
 * sharing at all; unknown operations and paths.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { consumerJwt } from "../harness/north/identity.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import {
  type GpConnectHeaderOptions,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";
import { getRecord, headersFor, post, useSeededPractices } from "./support/seeded-practices.js";
import { expectError, startPractice } from "./support/structured-record.js";

const seeded = useSeededPractices();

/** A patient the EMIS practice shares. */
const fine = () => seeded.population.patient(seeded.emis.practice.ods, 1);
/** A valid request body for that patient's medications, with `options` changed. */
const body = (options: Partial<StructuredRecordRequestOptions> = {}) =>
  JSON.stringify(
    structuredRecordRequest({ nhsNumber: fine().nhsNumber, includeMedication: true, ...options }),
  );

describe("bodies", () => {
  it("rejects content types other than JSON with 415", async () => {
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), "Content-Type": "text/plain" }),
      415,
      "BAD_REQUEST",
      /Content-Type/,
    );
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), "Content-Type": "application/xml" }),
      415,
      "BAD_REQUEST",
    );
    const { "Content-Type": _contentType, ...withoutContentType } = headersFor(seeded.emis);
    await expectError(
      await post(seeded.emis, body(), withoutContentType),
      415,
      "BAD_REQUEST",
      /missing Content-Type/,
    );
    // Plain JSON is accepted too, as providers do.
    expect(
      (await post(seeded.emis, body(), { ...headersFor(seeded.emis), "Content-Type": "application/json" }))
        .status,
    ).toBe(200);
  });

  it("rejects bodies that are not JSON, or not a Parameters resource, with 422 INVALID_RESOURCE", async () => {
    await expectError(
      await post(seeded.emis, "{not json", headersFor(seeded.emis)),
      422,
      "INVALID_RESOURCE",
      /not JSON/,
    );
    await expectError(await post(seeded.emis, "", headersFor(seeded.emis)), 422, "INVALID_RESOURCE");
    await expectError(
      await post(seeded.emis, JSON.stringify({ resourceType: "Patient" }), headersFor(seeded.emis)),
      422,
      "INVALID_RESOURCE",
    );
    await expectError(await post(seeded.emis, "[]", headersFor(seeded.emis)), 422, "INVALID_RESOURCE");
  });

  it("rejects a body over the limit with 413", async () => {
    const huge = JSON.stringify({ resourceType: "Parameters", padding: "x".repeat(70_000) });
    await expectError(await post(seeded.emis, huge, headersFor(seeded.emis)), 413, "BAD_REQUEST", /exceeds/);
  });
});

describe("Ssp headers and JWT", () => {
  it("checks the Ssp headers: 400 BAD_REQUEST naming the header", async () => {
    const without = (name: string) => {
      const headers = headersFor(seeded.emis);
      delete headers[name];
      return headers;
    };
    await expectError(
      await post(seeded.emis, body(), without("Ssp-TraceID")),
      400,
      "BAD_REQUEST",
      /Ssp-TraceID/,
    );
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), "Ssp-TraceID": "not-a-uuid" }),
      400,
      "BAD_REQUEST",
      /UUID/,
    );
    await expectError(await post(seeded.emis, body(), without("Ssp-From")), 400, "BAD_REQUEST", /Ssp-From/);
    await expectError(await post(seeded.emis, body(), without("Ssp-To")), 400, "BAD_REQUEST", /Ssp-To/);
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), "Ssp-To": seeded.tpp.practice.asid }),
      400,
      "BAD_REQUEST",
      /not this provider's ASID/,
    );
    await expectError(
      await post(seeded.emis, body(), {
        ...headersFor(seeded.emis),
        "Ssp-InteractionID": "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1",
      }),
      400,
      "BAD_REQUEST",
      /Ssp-InteractionID/,
    );
  });

  it("accepts the JWT the harness itself sends a gateway, as a strict gateway would check it", async () => {
    const patient = seeded.population.patient(seeded.emis.practice.ods, 1);
    const answer = await post(
      seeded.emis,
      JSON.stringify(structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeAllergies: true })),
      {
        ...headersFor(seeded.emis),
        Authorization: `Bearer ${consumerJwt(seeded.emis.endpoint)}`,
      },
    );
    expect(answer.status, answer.text).toBe(200);
  });

  it("accepts the requested_scope GP Connect allows: patient/*.read, with or without normal confidentiality", async () => {
    for (const scope of ["patient/*.read", "patient/*.read conf/N", "conf/N patient/*.read"]) {
      const answer = await post(
        seeded.emis,
        body(),
        headersFor(seeded.emis, { claims: { requested_scope: scope } }),
      );
      expect(answer.status, `${scope}: ${answer.text}`).toBe(200);
    }
  });

  it("checks the JWT: unsigned, decodable, complete, five minutes long, unexpired, for this endpoint", async () => {
    const now = Math.floor(Date.now() / 1000);
    const withToken = (overrides: Partial<GpConnectHeaderOptions>) =>
      post(seeded.emis, body(), headersFor(seeded.emis, overrides));
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), Authorization: "" }),
      400,
      "BAD_REQUEST",
      /Authorization/,
    );
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), Authorization: "Bearer not-a-jwt" }),
      400,
      "BAD_REQUEST",
      /three/,
    );
    await expectError(
      await post(seeded.emis, body(), { ...headersFor(seeded.emis), Authorization: "Bearer !!.??." }),
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
    await expectError(await withToken({ audience: seeded.tpp.endpoint }), 400, "BAD_REQUEST", /aud/);
    await expectError(
      await withToken({ claims: { reason_for_request: "secondaryuses" } }),
      400,
      "BAD_REQUEST",
      /reason_for_request/,
    );
    for (const scope of [
      "patient/*.write",
      "patient/*.read conf/R",
      "patient/*.read conf/X",
      "patient/*.read patient/*.read",
      "patient/*.read conf/N conf/N",
      "conf/N",
      "organization/*.read",
      "patient/*.readconf/N",
      "",
    ]) {
      await expectError(
        await withToken({ claims: { requested_scope: scope } }),
        400,
        "BAD_REQUEST",
        /requested_scope/,
      );
    }
    await expectError(await withToken({ claims: { sub: "someone-else" } }), 400, "BAD_REQUEST", /sub/);
  });
});

describe("patients and practices that do not share", () => {
  it("answers 404 PATIENT_NOT_FOUND for unknown patients and patients registered elsewhere", async () => {
    await expectError(
      await post(seeded.emis, body({ nhsNumber: "9434765919" }), headersFor(seeded.emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    const elsewhere = seeded.population.patient(seeded.tpp.practice.ods, 0);
    await expectError(
      await post(seeded.emis, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(seeded.emis)),
      404,
      "PATIENT_NOT_FOUND",
    );
    expect(
      (await post(seeded.tpp, body({ nhsNumber: elsewhere.nhsNumber }), headersFor(seeded.tpp))).status,
    ).toBe(200);
  });

  it("answers 403 NO_PATIENT_CONSENT for a patient who dissented, in both flavours", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      const dissenting = seeded.population.addPatient(target.practice.ods, ["dissent"]);
      await expectError(
        await post(target, body({ nhsNumber: dissenting.nhsNumber }), headersFor(target)),
        403,
        "NO_PATIENT_CONSENT",
      );
    }
  });

  it("answers PATIENT_NOT_FOUND for deceased, inactive and PDS-restricted patients, and for a moved patient at the old practice", async () => {
    for (const target of [seeded.emis, seeded.tpp]) {
      for (const trait of ["deceased", "inactive-registration", "sensitive-patient"] as const) {
        const patient = seeded.population.addPatient(target.practice.ods, [trait]);
        const answer = await getRecord(target, { nhsNumber: patient.nhsNumber, includeMedication: true });
        expect(answer.status, `${trait}: ${answer.text}`).toBe(404);
        expect(spineErrorCode(answer.json)).toBe("PATIENT_NOT_FOUND");
      }
    }
    const moved = seeded.population.addPatient(seeded.tpp.practice.ods, ["moved-practice"]);
    expect(moved.previousPractice?.ods).toBe(seeded.emis.practice.ods);
    expect(
      (await getRecord(seeded.tpp, { nhsNumber: moved.nhsNumber, includeMedication: true })).status,
    ).toBe(200);
    const atOld = await getRecord(seeded.emis, { nhsNumber: moved.nhsNumber, includeMedication: true });
    expect(atOld.status).toBe(404);
    expect(spineErrorCode(atOld.json)).toBe("PATIENT_NOT_FOUND");
    expect((atOld.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(/moved practice/);
    const held = seeded.population.findRecordAt(seeded.emis.practice.ods, moved.nhsNumber);
    expect(held?.registration).toBe("inactive");
    expect(held?.consultations.every((c) => c.date <= (moved.previousPractice?.until ?? ""))).toBe(true);
  });

  it("answers 403 ACCESS DENIED from a practice that has not enabled GP Connect sharing", async () => {
    const closed = await startPractice(
      seeded.population.addPractice("emis", { sharingEnabled: false }),
      seeded.population,
    );
    try {
      const patient = seeded.population.patient(closed.practice.ods, 0);
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
    const response = await request(`${seeded.emis.endpoint}/Patient/%24gpc.getstructuredrecord`, {
      method: "POST",
      headers: headersFor(seeded.emis),
      body: body(),
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it("answers unknown operations and paths with an OperationOutcome", async () => {
    const other = await request(`${seeded.emis.endpoint}/Patient/$gpc.migratestructuredrecord`, {
      method: "POST",
      headers: headersFor(seeded.emis),
      body: body(),
    });
    expect(other.statusCode).toBe(404);
    expect(spineErrorCode(await other.body.json())).toBe("BAD_REQUEST");
    const response = await request(`${seeded.emis.endpoint}/Patient/9434765919`);
    const answer = {
      status: response.statusCode,
      contentType: String(response.headers["content-type"]),
      text: "",
      json: await response.body.json(),
    };
    await expectError(answer, 404, "BAD_REQUEST", /No such endpoint/);
  });
});
