/**
 * What the reference gateway answers when a record cannot be retrieved, on real loopback HTTP against stub PDS,
 * SDS and practice servers: bad north requests refused before any south call (and the NHS number check behind
 * them); PDS or SDS not finding the patient or the practice, or failing; the practice refusing, failing,
 * offline or hanging.
 */
import { describe, expect, it } from "vitest";
import { isValidNhsNumber } from "../gateway/structured-request.js";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { operationOutcome } from "../gpconnect/outcomes.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import {
  AT_OFFLINE_PRACTICE,
  AT_UNLISTED_PRACTICE,
  issueOf,
  OFFLINE_ODS,
  PRACTICE_TIMEOUT_MS,
  parametersFor,
  REGISTERED,
  RESTRICTED,
  UNKNOWN_TO_PDS,
  UNLISTED_ODS,
  useStubbedGateway,
  WITHOUT_GP,
} from "./support/stubbed-gateway.js";

const gateway = useStubbedGateway();

describe("bad north requests are refused before any south call", () => {
  it.each([
    ["a wrong check digit", "9999999998"],
    ["a check digit of 10", "9990000000"],
    ["too few digits", "99999"],
    ["a letter", "999999999X"],
  ])("NHS number with %s: 400 INVALID_NHS_NUMBER", async (_case, nhsNumber) => {
    const answer = await gateway.getRecord({ nhsNumber });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("INVALID_NHS_NUMBER");
    gateway.expectNoSouthRequests();
  });

  const twoNumbers = parametersFor(REGISTERED);
  twoNumbers.parameter?.push({
    name: "patientNHSNumber",
    valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: REGISTERED },
  });
  it.each([
    ["malformed JSON", "{not json", 400, "BAD_REQUEST"],
    ["an empty body", "", 400, "BAD_REQUEST"],
    ["not a Parameters resource", JSON.stringify({ resourceType: "Patient" }), 422, "INVALID_RESOURCE"],
    [
      "parameter not a list",
      JSON.stringify({ resourceType: "Parameters", parameter: {} }),
      422,
      "INVALID_RESOURCE",
    ],
    [
      "no patientNHSNumber",
      JSON.stringify({ resourceType: "Parameters", parameter: [] }),
      422,
      "INVALID_PARAMETER",
    ],
    ["two patientNHSNumbers", JSON.stringify(twoNumbers), 422, "INVALID_PARAMETER"],
    [
      "the wrong identifier system",
      JSON.stringify(parametersFor(REGISTERED, "https://example.org/id")),
      400,
      "INVALID_IDENTIFIER_SYSTEM",
    ],
  ])("%s: %i %s", async (_case, body, status, code) => {
    const answer = await gateway.getRecord({ body });
    expect(answer.status).toBe(status);
    expect(spineErrorCode(answer.body)).toBe(code);
    gateway.expectNoSouthRequests();
  });

  it("validates the request before consent: refused consent with a bad NHS number is a 400", async () => {
    const answer = await gateway.getRecord({ nhsNumber: "9999999998", consent: "refused" });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("INVALID_NHS_NUMBER");
  });

  it("an unreadable consumer token: 400 BAD_REQUEST", async () => {
    const answer = await gateway.getRecord({ headers: { authorization: "Bearer not-a-jwt" } });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    gateway.expectNoSouthRequests();
  });

  it("a body over the limit: 413 OperationOutcome", async () => {
    const answer = await gateway.getRecord({
      body: JSON.stringify({ resourceType: "Parameters", padding: "x".repeat(100_000) }),
    });
    expect(answer.status).toBe(413);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
    gateway.expectNoSouthRequests();
  });

  it("an unsupported content type: 415 OperationOutcome", async () => {
    const answer = await gateway.getRecord({ headers: { "content-type": "text/plain" } });
    expect(answer.status).toBe(415);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });

  it("an unknown route: 404 OperationOutcome", async () => {
    const answer = await gateway.getRecord({ path: "/Patient/1" });
    expect(answer.status).toBe(404);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });

  it("the wrong method: 405 OperationOutcome with Allow: POST", async () => {
    const answer = await gateway.getRecord({ method: "GET" });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("POST");
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
  });
});

describe("what PDS and SDS say", () => {
  it("PDS 404: 404 PATIENT_NOT_FOUND, and no SDS or practice request", async () => {
    const answer = await gateway.getRecord({ nhsNumber: UNKNOWN_TO_PDS });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("PATIENT_NOT_FOUND");
    expect(gateway.stubs.received.pds).toHaveLength(1);
    expect(gateway.stubs.received.sds).toHaveLength(0);
    expect(gateway.stubs.received.practice).toHaveLength(0);
  });

  it.each([
    ["restricted", RESTRICTED],
    ["without a registered GP", WITHOUT_GP],
  ])("patient %s: 404 PATIENT_NOT_FOUND", async (_case, nhsNumber) => {
    const answer = await gateway.getRecord({ nhsNumber });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("PATIENT_NOT_FOUND");
    expect(gateway.stubs.received.practice).toHaveLength(0);
  });

  it("SDS lists no Device or Endpoint: 404 ORGANISATION_NOT_FOUND", async () => {
    const answer = await gateway.getRecord({ nhsNumber: AT_UNLISTED_PRACTICE });
    expect(answer.status).toBe(404);
    expect(spineErrorCode(answer.body)).toBe("ORGANISATION_NOT_FOUND");
    expect(issueOf(answer.body).diagnostics).toContain(UNLISTED_ODS);
    expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|localhost|\/work\/|\n\s+at /);
  });

  it.each([
    ["pds", "PDS"],
    ["sds", "SDS"],
  ] as const)("malformed JSON from %s: 502 naming it", async (service, name) => {
    gateway.stubs.overrides[service] = { status: 200, body: '{"resourceType": ' };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(502);
    expect((answer.body as fhir.OperationOutcome).resourceType).toBe("OperationOutcome");
    expect(issueOf(answer.body).diagnostics).toContain(name);
    expect(gateway.stubs.received.practice).toHaveLength(0);
  });

  it("PDS failing with 500: 502 naming PDS", async () => {
    gateway.stubs.overrides.pds = { status: 500, body: "<html>oops</html>" };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain("PDS");
  });
});

describe("what the practice says", () => {
  it("an OperationOutcome is passed through with its status (403 NO_PATIENT_CONSENT)", async () => {
    const dissent = operationOutcome("NO_PATIENT_CONSENT", "Patient has dissented from sharing");
    gateway.stubs.overrides.practice = { status: 403, body: JSON.stringify(dissent) };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual(dissent);
  });

  it("malformed JSON: 502 naming the practice", async () => {
    gateway.stubs.overrides.practice = { status: 200, body: '{"resourceType":"Bundle"' };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain(gateway.stubs.practice.ods);
  });

  it("a 200 that is not a Bundle: 502 naming the practice", async () => {
    gateway.stubs.overrides.practice = { status: 200, body: JSON.stringify({ resourceType: "Patient" }) };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).diagnostics).toContain(gateway.stubs.practice.ods);
  });

  it("offline (connection refused): 502 transient within 2 s, naming the ODS code", async () => {
    const answer = await gateway.getRecord({ nhsNumber: AT_OFFLINE_PRACTICE });
    expect(answer.status).toBe(502);
    expect(issueOf(answer.body).code).toBe("transient");
    expect(issueOf(answer.body).diagnostics).toContain(OFFLINE_ODS);
    expect(spineErrorCode(answer.body)).toBe("INTERNAL_SERVER_ERROR");
    expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(answer.elapsedMs).toBeLessThan(2000);
  });

  it("hanging: 504 timeout within PRACTICE_TIMEOUT_MS and a margin, naming the ODS code", async () => {
    gateway.stubs.overrides.practice = { hang: true };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(504);
    expect(issueOf(answer.body).code).toBe("timeout");
    expect(issueOf(answer.body).diagnostics).toContain(gateway.stubs.practice.ods);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(PRACTICE_TIMEOUT_MS - 50);
    expect(answer.elapsedMs).toBeLessThan(PRACTICE_TIMEOUT_MS + 1000);
  });
});

describe("NHS number check", () => {
  it("accepts valid modulus-11 numbers and rejects the rest", () => {
    expect(["9999999999", "9000000009", "9990000018"].every(isValidNhsNumber)).toBe(true);
    expect(
      ["9999999998", "9990000000", "999999999", "99999999990", " 999999999"].some(isValidNhsNumber),
    ).toBe(false);
  });
});
