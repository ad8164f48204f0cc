import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../gpconnect/identifiers.js";
import { Journal } from "../simulators/journal/journal.js";
import { NhsNumberAllocator } from "../simulators/population/nhs-number.js";
import { createPopulation } from "../simulators/population/population.js";
import type { Population, SyntheticPatient } from "../simulators/population/types.js";
import type { R4OperationOutcome, R4Patient } from "../simulators/spine/fhir-r4.js";
import { buildPdsApp, PDS_BASE_PATH, pdsPatientResource } from "../simulators/spine/pds.js";
import { PDS_ERROR_SYSTEM } from "../simulators/spine/pds-errors.js";

const SANDBOX_PATIENT = JSON.parse(
  readFileSync(new URL("../../shared/reference/spine/pds/Patient.json", import.meta.url), "utf8"),
) as R4Patient;

let population: Population;
let journal: Journal;
let app: FastifyInstance;
let base: string;
let patient: SyntheticPatient;

beforeAll(async () => {
  population = createPopulation({
    seed: 11,
    practices: 2,
    patientsPerPractice: 5,
    referenceDate: "2025-06-01",
  });
  journal = new Journal();
  app = buildPdsApp({ population, journal });
  const origin = await app.listen({ host: "127.0.0.1", port: 0 });
  base = `${origin}${PDS_BASE_PATH}`;
  patient = population.patient(population.practices()[1]!.ods, 2);
});

afterAll(async () => {
  await app.close();
});

async function getPatient(
  nhsNumber: string,
  headers: Record<string, string> = { "x-request-id": randomUUID() },
) {
  const response = await request(`${base}/Patient/${nhsNumber}`, { headers });
  const body = (await response.body.json()) as unknown;
  return { status: response.statusCode, headers: response.headers, body };
}

function errorCoding(body: unknown) {
  const outcome = body as R4OperationOutcome;
  expect(outcome.resourceType).toBe("OperationOutcome");
  return { issue: outcome.issue[0]!, coding: outcome.issue[0]!.details.coding[0]! };
}

describe("PDS GET /Patient/{nhsNumber}", () => {
  it("answers a registered patient with an R4 Patient naming the practice, and mirrors the tracing headers", async () => {
    const requestId = randomUUID();
    const answer = await getPatient(patient.nhsNumber, {
      "x-request-id": requestId,
      "x-correlation-id": "corr-42",
    });

    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(answer.headers["x-request-id"]).toBe(requestId);
    expect(answer.headers["x-correlation-id"]).toBe("corr-42");
    const resource = answer.body as R4Patient;
    expect(answer.headers.etag).toBe(`W/"${resource.meta.versionId}"`);
    expect(resource.resourceType).toBe("Patient");
    expect(resource.id).toBe(patient.nhsNumber);
    expect(resource.identifier[0]).toMatchObject({ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber });
    expect(resource.meta.security?.[0]?.code).toBe("U");
    expect(resource.name?.[0]).toMatchObject({
      use: "usual",
      family: patient.name.family,
      given: patient.name.given,
    });
    expect(resource.gender).toBe(patient.gender);
    expect(resource.birthDate).toBe(patient.birthDate);
    expect(resource.address?.[0]?.postalCode).toBe(patient.address.postalCode);
    expect(resource.generalPractitioner?.[0]?.identifier).toMatchObject({
      system: ODS_ORGANISATION_SYSTEM,
      value: patient.practiceOds,
    });
  });

  it("is shaped like the PDS sandbox's Patient.json (same systems and extension URLs)", async () => {
    const resource = (await getPatient(patient.nhsNumber)).body as R4Patient;
    const sandboxIdentifier = SANDBOX_PATIENT.identifier[0]!;
    expect(resource.identifier[0]?.system).toBe(sandboxIdentifier.system);
    expect(resource.identifier[0]?.extension?.[0]?.url).toBe(sandboxIdentifier.extension?.[0]?.url);
    expect(resource.identifier[0]?.extension?.[0]?.valueCodeableConcept?.coding[0]).toEqual(
      sandboxIdentifier.extension?.[0]?.valueCodeableConcept?.coding[0],
    );
    expect(resource.meta.security).toEqual(SANDBOX_PATIENT.meta.security);
    expect(resource.generalPractitioner?.[0]?.type).toBe(SANDBOX_PATIENT.generalPractitioner?.[0]?.type);
    expect(resource.generalPractitioner?.[0]?.identifier.system).toBe(
      SANDBOX_PATIENT.generalPractitioner?.[0]?.identifier.system,
    );
    for (const key of Object.keys(resource)) expect(Object.keys(SANDBOX_PATIENT)).toContain(key);
  });

  it("finds patients added after the region started", async () => {
    const added = population.addPatient(population.practices()[0]!.ods, ["dissent"]);
    const answer = await getPatient(added.nhsNumber);
    expect(answer.status).toBe(200);
    expect((answer.body as R4Patient).generalPractitioner?.[0]?.identifier.value).toBe(added.practiceOds);
  });

  it("refuses a request without X-Request-ID with 412 PRECONDITION_FAILED", async () => {
    const answer = await getPatient(patient.nhsNumber, {});
    expect(answer.status).toBe(412);
    const { issue, coding } = errorCoding(answer.body);
    expect(coding).toMatchObject({ system: PDS_ERROR_SYSTEM, version: "1", code: "PRECONDITION_FAILED" });
    expect(issue.diagnostics).toContain("X-Request-ID header must be supplied");
  });

  it("refuses an X-Request-ID that is not a UUID with 400 INVALID_VALUE, echoing the header", async () => {
    const answer = await getPatient(patient.nhsNumber, { "x-request-id": "1234" });
    expect(answer.status).toBe(400);
    expect(answer.headers["x-request-id"]).toBe("1234");
    const { issue, coding } = errorCoding(answer.body);
    expect(coding.code).toBe("INVALID_VALUE");
    expect(issue.diagnostics).toBe("Invalid value - '1234' in header 'X-Request-ID'");
  });

  it.each([
    [
      "a wrong check digit",
      () => `${patient.nhsNumber.slice(0, 9)}${(Number(patient.nhsNumber[9]) + 1) % 10}`,
    ],
    ["too few digits", () => "99912345"],
    ["letters", () => "ABCDEFGHIJ"],
  ])("answers 400 INVALID_RESOURCE_ID for an NHS number with %s", async (_label, number) => {
    const answer = await getPatient(number());
    expect(answer.status).toBe(400);
    const { issue, coding } = errorCoding(answer.body);
    expect(issue.code).toBe("value");
    expect(coding).toMatchObject({
      system: PDS_ERROR_SYSTEM,
      code: "INVALID_RESOURCE_ID",
      display: "Resource Id is invalid",
    });
  });

  it("answers 404 RESOURCE_NOT_FOUND for a valid NHS number no patient has", async () => {
    const allocator = new NhsNumberAllocator(population.seed);
    const unknown = allocator.numberForSerial(Math.floor(allocator.capacity / 2));
    expect(population.findByNhsNumber(unknown)).toBeUndefined();
    const answer = await getPatient(unknown);
    expect(answer.status).toBe(404);
    const { issue, coding } = errorCoding(answer.body);
    expect(issue.code).toBe("not-found");
    expect(coding.code).toBe("RESOURCE_NOT_FOUND");
  });

  it("answers a search (no NHS number) with 400 UNSUPPORTED_SERVICE", async () => {
    const response = await request(`${base}/Patient?family=Smith`, {
      headers: { "x-request-id": randomUUID() },
    });
    expect(response.statusCode).toBe(400);
    expect(errorCoding(await response.body.json()).coding.code).toBe("UNSUPPORTED_SERVICE");
  });

  it("records every request in the journal as a PDS lookup of the number asked for", async () => {
    const after = journal.lastSeq;
    await getPatient(patient.nhsNumber, {
      "x-request-id": randomUUID(),
      "nhsd-end-user-organisation-ods": "Y99002",
    });
    await getPatient("123", {});
    const entries = journal.list({ after });
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      target: "pds",
      method: "GET",
      nhsNumber: patient.nhsNumber,
      status: 200,
    });
    expect(entries[0]?.headers["nhsd-end-user-organisation-ods"]).toBe("Y99002");
    expect(entries[1]).toMatchObject({ target: "pds", nhsNumber: "123", status: 412 });
    expect(journal.list({ target: "pds", nhsNumber: patient.nhsNumber }).length).toBeGreaterThanOrEqual(1);
  });
});

describe("PDS patients as the spec describes them", () => {
  const pdsOf = async (nhsNumber: string) => (await getPatient(nhsNumber)).body as R4Patient;

  it("restricts a sensitive patient: meta.security R, no address, telecom or GP", async () => {
    const sensitive = population.addPatient(population.practices()[0]!.ods, ["sensitive-patient"]);
    const resource = await pdsOf(sensitive.nhsNumber);
    expect(resource.meta.security?.[0]).toMatchObject({ code: "R", display: "restricted" });
    expect(resource.address).toBeUndefined();
    expect(resource.telecom).toBeUndefined();
    expect(resource.generalPractitioner).toBeUndefined();
  });

  it("gives a deceased patient's date of death and the formal death notification, as the sandbox does", async () => {
    const dead = population.addPatient(population.practices()[0]!.ods, ["deceased"]);
    expect(dead.deceasedDate).toBeDefined();
    const resource = await pdsOf(dead.nhsNumber);
    expect(resource.deceasedDateTime).toBe(`${dead.deceasedDate}T00:00:00+00:00`);
    const sensitiveSandbox = JSON.parse(
      readFileSync(
        new URL("../../shared/reference/spine/pds/Sensitive_Patient.json", import.meta.url),
        "utf8",
      ),
    ) as R4Patient;
    const notification = (r: R4Patient) => r.extension?.[0]?.extension?.[0];
    expect(resource.extension?.[0]?.url).toBe(sensitiveSandbox.extension?.[0]?.url);
    expect(notification(resource)).toEqual(notification(sensitiveSandbox));
  });

  it("names the new practice of a patient who moved", async () => {
    const moved = population.addPatient(population.practices()[1]!.ods, ["moved-practice"]);
    expect(moved.previousPractice?.ods).not.toBe(moved.practiceOds);
    const resource = await pdsOf(moved.nhsNumber);
    expect(resource.generalPractitioner?.[0]?.identifier.value).toBe(moved.practiceOds);
  });

  it("answers a superseded NHS number with the current record, under the current number", async () => {
    const allocator = new NhsNumberAllocator(population.seed);
    const old = allocator.numberForSerial(Math.floor(allocator.capacity / 2) + 1);
    const merged: Population = {
      ...population,
      findByNhsNumber: (n) => (n === old ? patient : population.findByNhsNumber(n)),
    };
    const mergedApp = buildPdsApp({ population: merged, journal: new Journal() });
    try {
      const answer = await mergedApp.inject({
        url: `${PDS_BASE_PATH}/Patient/${old}`,
        headers: { "x-request-id": randomUUID() },
      });
      expect(answer.statusCode).toBe(200);
      const resource = answer.json<R4Patient>();
      expect(resource.id).toBe(patient.nhsNumber);
      expect(resource.identifier[0]?.value).toBe(patient.nhsNumber);
    } finally {
      await mergedApp.close();
    }
  });
});

describe("PDS bad input", () => {
  it("answers another method with 405 and Allow: GET", async () => {
    const response = await request(`${base}/Patient/${patient.nhsNumber}`, {
      method: "POST",
      headers: { "x-request-id": randomUUID(), "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET");
    expect(errorCoding(await response.body.json()).coding.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers an oversized body with 413, and ignores a stray body of any type on a read", async () => {
    const big = await request(`${base}/Patient/${patient.nhsNumber}`, {
      method: "PATCH",
      headers: { "x-request-id": randomUUID(), "content-type": "application/json" },
      body: "x".repeat(100_000),
    });
    expect(big.statusCode).toBe(413);
    expect(errorCoding(await big.body.json()).coding.code).toBe("PAYLOAD_TOO_LARGE");
    const stray = await app.inject({
      method: "GET",
      url: `${PDS_BASE_PATH}/Patient/${patient.nhsNumber}`,
      headers: { "x-request-id": randomUUID(), "content-type": "text/xml" },
      payload: "<oops",
    });
    expect(stray.statusCode).toBe(200);
  });

  it("answers an unknown path with 404 RESOURCE_NOT_FOUND", async () => {
    const response = await request(`${base}/Observation/1`, { headers: { "x-request-id": randomUUID() } });
    expect(response.statusCode).toBe(404);
    expect(errorCoding(await response.body.json()).coding.code).toBe("RESOURCE_NOT_FOUND");
  });
});

describe("pdsPatientResource", () => {
  it("removes address, telecom and registered GP of a restricted patient and marks it R", () => {
    const withTelecom: SyntheticPatient = {
      ...patient,
      telecom: "01632960587",
      email: "jo.smith@example.net",
    };
    const open = pdsPatientResource(withTelecom, { restricted: false });
    expect(open.telecom).toEqual([
      { system: "phone", value: "01632960587", use: "home" },
      { system: "email", value: "jo.smith@example.net", use: "home" },
    ]);

    const restricted = pdsPatientResource(withTelecom, { restricted: true });
    expect(restricted.meta.security).toEqual([
      {
        system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        code: "R",
        display: "restricted",
      },
    ]);
    expect(restricted.address).toBeUndefined();
    expect(restricted.telecom).toBeUndefined();
    expect(restricted.generalPractitioner).toBeUndefined();
    expect(restricted.name?.[0]?.family).toBe(patient.name.family);
  });

  it("carries the town (and county) as address lines, as PDS does", () => {
    const resource = pdsPatientResource(patient, { restricted: false });
    expect(resource.address?.[0]?.line).toContain(patient.address.city);
    expect(resource.address?.[0]?.line.slice(0, patient.address.line.length)).toEqual(patient.address.line);
  });
});
