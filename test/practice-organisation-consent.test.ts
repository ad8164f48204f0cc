/**
 * Data-sharing agreements between organisations: a practice with no agreement with the requesting consumer
 * organisation refuses its record requests with 403 NO_ORGANISATION_CONSENT, as GP Connect providers do,
 * whether the consumer asks directly or through a gateway that passes its requesting_organization on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { SPINE_ERROR_SYSTEM } from "../gpconnect/error-codes.js";
import { consumerJwt, HARNESS_CONSUMER } from "../harness/north/identity.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { ControlClient } from "../simulators/control/client.js";
import { type PatientInfo, type PracticeInfo, type Region, startRegion } from "../simulators/index.js";
import { RegionError } from "../simulators/region/errors.js";
import { gpConnectHeaders, structuredRecordRequest } from "./support/gpconnect-request.js";
import { postStructuredRecord, type RecordAnswer } from "./support/structured-record.js";
import { stu3Errors } from "./support/stu3-schema.js";

/** A consumer organisation other than the harness's, with its agreement intact. */
const OTHER_CONSUMER_ODS = "Y99003";
const GATEWAY_ODS = "Y99002";

let region: Region;
let control: ControlClient;
let practice: PracticeInfo;
let otherPractice: PracticeInfo;
let patient: PatientInfo;

beforeAll(async () => {
  region = await startRegion({
    seed: 53,
    practices: 2,
    patientsPerPractice: 20,
    referenceDate: "2025-06-01",
  });
  control = new ControlClient(region.info().control);
  [practice, otherPractice] = region.info().practices as [PracticeInfo, PracticeInfo];
  patient = region.info().patients.find((p) => p.ods === practice.ods && p.traits.length === 0)!;
}, 30_000);

afterAll(async () => {
  await region?.close();
});

interface SendOptions {
  readonly to?: PracticeInfo;
  readonly nhsNumber?: string;
  /** The JWT's requesting_organization ODS code (default the harness's, Y99001). */
  readonly consumerOds?: string;
  /** Replaces the Parameters body. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function send(options: SendOptions = {}): Promise<RecordAnswer> {
  const to = options.to ?? practice;
  return postStructuredRecord(
    to.endpoint,
    {
      ...gpConnectHeaders({
        fromAsid: region.info().consumer.asid,
        toAsid: to.asid,
        audience: to.endpoint,
        ...(options.consumerOds === undefined ? {} : { consumerOds: options.consumerOds }),
      }),
      ...options.headers,
    },
    options.body ??
      JSON.stringify(
        structuredRecordRequest({
          nhsNumber: options.nhsNumber ?? patient.nhsNumber,
          includeAllergies: true,
          includeMedication: true,
        }),
      ),
  );
}

/** The answer is GP Connect's NO_ORGANISATION_CONSENT, naming both organisations. */
function expectNoOrganisationConsent(answer: RecordAnswer, consumerOds: string, practiceOds: string): void {
  expect(answer.status, answer.text).toBe(403);
  const outcome = answer.json as fhir.OperationOutcome;
  expect(outcome.issue).toHaveLength(1);
  expect(outcome.issue[0]).toMatchObject({
    severity: "error",
    code: "forbidden",
    details: {
      coding: [
        {
          system: SPINE_ERROR_SYSTEM,
          code: "NO_ORGANISATION_CONSENT",
          display: "Organisation has not provided consent to share data",
        },
      ],
    },
  });
  expect(outcome.issue[0]?.diagnostics).toContain(consumerOds);
  expect(outcome.issue[0]?.diagnostics).toContain(practiceOds);
  expect(stu3Errors(outcome)).toEqual([]);
}

describe("a practice with no data-sharing agreement with the requesting organisation", () => {
  it("refuses it with NO_ORGANISATION_CONSENT, serves others, and serves it the same record again once cleared", async () => {
    const before = await send();
    expect(before.status, before.text).toBe(200);

    expect(await control.setOrganisationsWithoutAgreement(practice.ods, [HARNESS_CONSUMER.ods])).toEqual([
      HARNESS_CONSUMER.ods,
    ]);
    expect(await control.organisationsWithoutAgreement(practice.ods)).toEqual([HARNESS_CONSUMER.ods]);

    expectNoOrganisationConsent(await send(), HARNESS_CONSUMER.ods, practice.ods);
    // Another organisation still has its agreement, and gets the record.
    const other = await send({ consumerOds: OTHER_CONSUMER_ODS });
    expect(other.status, other.text).toBe(200);
    expect(other.text).toBe(before.text);
    // The agreement is the one practice's: another practice still serves the harness.
    const elsewhere = region
      .info()
      .patients.find((p) => p.ods === otherPractice.ods && p.traits.length === 0)!;
    const otherAnswer = await send({ to: otherPractice, nhsNumber: elsewhere.nhsNumber });
    expect(otherAnswer.status, otherAnswer.text).toBe(200);

    await control.clearOrganisationsWithoutAgreement(practice.ods);
    expect(await control.organisationsWithoutAgreement(practice.ods)).toEqual([]);
    const after = await send();
    expect(after.status, after.text).toBe(200);
    expect(after.text).toBe(before.text);
  });

  it("journals the refused request with its status, patient and requesting organisation", async () => {
    region.setOrganisationsWithoutAgreement(practice.ods, [HARNESS_CONSUMER.ods]);
    try {
      const since = region.journal.list({ ods: practice.ods }).at(-1)?.seq ?? 0;
      expectNoOrganisationConsent(await send(), HARNESS_CONSUMER.ods, practice.ods);
      const entries = await control.journal({ ods: practice.ods, after: since });
      expect(entries).toHaveLength(1);
      const entry = entries[0]!;
      expect(entry).toMatchObject({
        target: "practice",
        method: "POST",
        status: 403,
        nhsNumber: patient.nhsNumber,
      });
      expect(JSON.stringify(entry.jwtClaims?.requesting_organization)).toContain(HARNESS_CONSUMER.ods);
    } finally {
      region.setOrganisationsWithoutAgreement(practice.ods, []);
    }
  });

  it("is refused after the Ssp headers and JWT are checked, and before the practice looks at anything else", async () => {
    region.setOrganisationsWithoutAgreement(practice.ods, [HARNESS_CONSUMER.ods]);
    try {
      // A request the practice rejects before asking who is asking is still that request's error.
      const noTrace = await send({ headers: { "Ssp-TraceID": "" } });
      expect(noTrace.status, noTrace.text).toBe(400);
      expect(spineErrorCode(noTrace.json)).toBe("BAD_REQUEST");
      // Nothing about the patient or the body is disclosed or judged: the request never reaches the provider.
      expectNoOrganisationConsent(
        await send({ nhsNumber: region.unknownNhsNumber() }),
        HARNESS_CONSUMER.ods,
        practice.ods,
      );
      expectNoOrganisationConsent(await send({ body: "{not json" }), HARNESS_CONSUMER.ods, practice.ods);
      // ODS codes are not case-sensitive: a lower-case one in the JWT is the same organisation.
      expectNoOrganisationConsent(await send({ consumerOds: "y99001" }), "y99001", practice.ods);
    } finally {
      region.setOrganisationsWithoutAgreement(practice.ods, []);
    }
  });

  it("is refused before a practice's own sharing switch, at a practice added at run time", async () => {
    const closed = await control.addPractice("tpp", { sharingEnabled: false });
    const closedPatient = await control.addPatient(closed.ods, []);
    const denied = await send({ to: closed, nhsNumber: closedPatient.nhsNumber });
    expect(spineErrorCode(denied.json)).toBe("ACCESS DENIED");
    await control.setOrganisationsWithoutAgreement(closed.ods, [HARNESS_CONSUMER.ods]);
    expectNoOrganisationConsent(
      await send({ to: closed, nhsNumber: closedPatient.nhsNumber }),
      HARNESS_CONSUMER.ods,
      closed.ods,
    );
  });
});

describe("through the reference gateway", () => {
  it("checks the gateway's end consumer, and the gateway passes the 403 NO_ORGANISATION_CONSENT on", async () => {
    const info = region.info();
    const gateway = await startGateway(
      readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
    );
    const viaGateway = (): Promise<RecordAnswer> =>
      postStructuredRecord(
        gateway.url,
        {
          "content-type": "application/fhir+json",
          "ssp-traceid": "0e6f3b52-8c1d-4a7e-9f20-6b5d4c3a2b1e",
          "x-consent": "granted",
          authorization: `Bearer ${consumerJwt(gateway.url)}`,
        },
        JSON.stringify(
          structuredRecordRequest({
            nhsNumber: patient.nhsNumber,
            includeAllergies: true,
            includeMedication: true,
          }),
        ),
      );
    try {
      const served = await viaGateway();
      expect(served.status, served.text).toBe(200);

      region.setOrganisationsWithoutAgreement(practice.ods, [HARNESS_CONSUMER.ods]);
      const since = region.journal.list({ ods: practice.ods }).at(-1)?.seq ?? 0;
      expectNoOrganisationConsent(await viaGateway(), HARNESS_CONSUMER.ods, practice.ods);
      const [southEntry] = region.journal.list({ ods: practice.ods, after: since });
      expect(southEntry?.status).toBe(403);
      expect(southEntry?.headers["ssp-from"]).toBe("999000000002");

      // Without an agreement with the gateway's own organisation, its consumer (which has one) is served.
      region.setOrganisationsWithoutAgreement(practice.ods, [GATEWAY_ODS]);
      const consumerServed = await viaGateway();
      expect(consumerServed.status, consumerServed.text).toBe(200);
      expect(consumerServed.text).toBe(served.text);
    } finally {
      region.setOrganisationsWithoutAgreement(practice.ods, []);
      await gateway.close();
    }
  });
});

describe("the in-process sharing-agreements API", () => {
  const thrown = (f: () => unknown): RegionError => {
    try {
      f();
    } catch (error) {
      if (error instanceof RegionError) return error;
      throw error;
    }
    throw new Error("expected a RegionError");
  };

  it("replaces the setting, answers it sorted without repeats, and clears with []", () => {
    expect(region.setOrganisationsWithoutAgreement(practice.ods, ["Y99003", "A12345", "Y99003"])).toEqual([
      "A12345",
      "Y99003",
    ]);
    expect(region.setOrganisationsWithoutAgreement(practice.ods, ["Y99001"])).toEqual(["Y99001"]);
    expect(region.organisationsWithoutAgreement(practice.ods)).toEqual(["Y99001"]);
    expect(region.organisationsWithoutAgreement(otherPractice.ods)).toEqual([]);
    expect(region.setOrganisationsWithoutAgreement(practice.ods, [])).toEqual([]);
    expect(region.organisationsWithoutAgreement(practice.ods)).toEqual([]);
  });

  it("refuses an unknown practice or a code that is not an ODS code, and then changes nothing", () => {
    region.setOrganisationsWithoutAgreement(practice.ods, ["Y99003"]);
    try {
      const unknownPractice = thrown(() => region.setOrganisationsWithoutAgreement("Z99999", ["Y99001"]));
      expect(unknownPractice.code).toBe("UNKNOWN_PRACTICE");
      expect(unknownPractice.message).toContain('"Z99999"');
      expect(thrown(() => region.organisationsWithoutAgreement("Z99999")).code).toBe("UNKNOWN_PRACTICE");

      for (const bad of ["y99001", "Y9", "Y99001 ", "Y9900100000", 42]) {
        const error = thrown(() =>
          region.setOrganisationsWithoutAgreement(practice.ods, ["Y99001", bad as string]),
        );
        expect(error.code, String(bad)).toBe("INVALID_REQUEST");
        expect(error.message, String(bad)).toContain(
          `holds ${JSON.stringify(bad)}, which is not an ODS code`,
        );
      }
      const notAList = thrown(() =>
        region.setOrganisationsWithoutAgreement(practice.ods, "Y99001" as unknown as string[]),
      );
      expect(notAList.code).toBe("INVALID_REQUEST");
      expect(notAList.message).toBe('"withoutAgreement" must be an array of ODS codes, got "Y99001"');
      expect(region.organisationsWithoutAgreement(practice.ods)).toEqual(["Y99003"]);
    } finally {
      region.setOrganisationsWithoutAgreement(practice.ods, []);
    }
  });
});
