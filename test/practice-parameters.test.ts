/**
 * Parameters a practice does not recognise, as GP Connect 1.6 "API Version Compatibility" says a provider
 * answers them: 200, the record for the parameters it supports, and one OperationOutcome in the Bundle with a
 * warning for each parameter or part parameter it did not process. Known parameters with bad values, malformed
 * parts and requests with no recognised clinical area are still refused with 422.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { consumerJwt } from "../harness/consumer.js";
import { SPINE_ERROR_SYSTEM, spineErrorCode } from "../simulators/gpconnect/errors.js";
import { NHS_NUMBER_SYSTEM } from "../simulators/gpconnect/identifiers.js";
import { type PatientInfo, type PracticeInfo, type Region, startRegion } from "../simulators/region.js";
import { gpConnectHeaders } from "./support/gpconnect-request.js";
import { stu3BundleErrors, stu3Errors } from "./support/stu3-schema.js";

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

let region: Region;
let practice: PracticeInfo;
let patient: PatientInfo;

beforeAll(async () => {
  region = await startRegion({ seed: 31, practices: 1, patientsPerPractice: 20 });
  practice = region.info().practices[0]!;
  patient = region.info().patients.find((p) => p.ods === practice.ods && p.traits.length === 0)!;
}, 30_000);

afterAll(async () => {
  await region?.close();
});

const nhsNumberParameter = () => ({
  name: "patientNHSNumber",
  valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber },
});
const allergies = {
  name: "includeAllergies",
  part: [{ name: "includeResolvedAllergies", valueBoolean: true }],
};
const medication = {
  name: "includeMedication",
  part: [{ name: "includePrescriptionIssues", valueBoolean: true }],
};

async function send(...parameter: unknown[]): Promise<Answer> {
  const response = await request(`${practice.endpoint}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers: gpConnectHeaders({
      fromAsid: region.info().consumer.asid,
      toAsid: practice.asid,
      audience: practice.endpoint,
    }),
    body: JSON.stringify({ resourceType: "Parameters", parameter: [nhsNumberParameter(), ...parameter] }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, text, json: JSON.parse(text) as unknown };
}

function bundleOf(answer: Answer): fhir.Bundle {
  expect(answer.status, answer.text).toBe(200);
  const bundle = answer.json as fhir.Bundle;
  expect(bundle.resourceType).toBe("Bundle");
  return bundle;
}

const outcomesIn = (bundle: fhir.Bundle) =>
  (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((r): r is fhir.OperationOutcome => r?.resourceType === "OperationOutcome");

/** The Bundle without its OperationOutcome: the record itself. */
const recordOf = (bundle: fhir.Bundle) => ({
  ...bundle,
  entry: (bundle.entry ?? []).filter((entry) => entry.resource?.resourceType !== "OperationOutcome"),
});

/** The warning GP Connect specifies for one parameter or part the provider did not process. */
const unrecognisedWarning = (name: string): fhir.OperationOutcomeIssue => ({
  severity: "warning",
  code: "not-supported",
  details: {
    coding: [{ system: SPINE_ERROR_SYSTEM, code: "NOT_IMPLEMENTED", display: "Not implemented" }],
    text: `${name} is an unrecognised parameter`,
  },
  diagnostics: name,
});

function expectRefusal(answer: Answer, status: number, code: string, diagnostics: RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expect(spineErrorCode(answer.json)).toBe(code);
  const outcome = answer.json as fhir.OperationOutcome;
  expect(outcome.issue.map((issue) => issue.severity)).toEqual(["error"]);
  expect(outcome.issue[0]?.diagnostics).toMatch(diagnostics);
  expect(stu3Errors(outcome)).toEqual([]);
}

describe("parameters a practice does not recognise (GP Connect 1.6 forwards compatibility)", () => {
  it("answers an unknown parameter with the record and one warning naming it", async () => {
    const plain = bundleOf(await send(allergies, medication));
    expect(outcomesIn(plain)).toEqual([]);

    const answer = bundleOf(await send(allergies, { name: "includeFutureArea" }, medication));
    const outcomes = outcomesIn(answer);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.issue).toEqual([unrecognisedWarning("includeFutureArea")]);
    expect(outcomes[0]?.meta?.profile).toEqual([
      "https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1",
    ]);
    // The record is the one the same request without the unknown parameter gets.
    expect(recordOf(answer)).toEqual(plain);
    expect(stu3Errors(outcomes[0])).toEqual([]);
    expect(stu3BundleErrors(answer)).toEqual([]);
  });

  it("names an unknown part as parameter.part, and processes the known parts beside it", async () => {
    const withoutIssues = {
      name: "includeMedication",
      part: [{ name: "includePrescriptionIssues", valueBoolean: false }],
    };
    const plain = bundleOf(await send(withoutIssues));
    const answer = bundleOf(
      await send({
        ...withoutIssues,
        part: [...withoutIssues.part, { name: "includeFuturePart", valueBoolean: true }],
      }),
    );
    expect(outcomesIn(answer).flatMap((o) => o.issue)).toEqual([
      unrecognisedWarning("includeMedication.includeFuturePart"),
    ]);
    expect(recordOf(answer)).toEqual(plain);
  });

  it("reports an unknown parameter once, not its parts, and each unknown name once", async () => {
    const answer = bundleOf(
      await send(
        allergies,
        { name: "includeFutureArea", part: [{ name: "someFilter", valueCode: "x" }] },
        { name: "includeFutureArea" },
        { name: "includeOtherArea", valueString: "anything" },
        { ...allergies, name: "includeMedication", part: [{ name: "oldPart" }, { name: "oldPart" }] },
      ),
    );
    expect(outcomesIn(answer)).toHaveLength(1);
    expect(outcomesIn(answer)[0]?.issue.map((issue) => issue.diagnostics)).toEqual([
      "includeFutureArea",
      "includeOtherArea",
      "includeMedication.oldPart",
    ]);
  });

  it("answers a 1.3 problem filter (includeProblems.includeStatus) with every problem and a warning", async () => {
    const plain = bundleOf(await send({ name: "includeProblems" }));
    const answer = bundleOf(
      await send({ name: "includeProblems", part: [{ name: "includeStatus", valueCode: "active" }] }),
    );
    expect(outcomesIn(answer).flatMap((o) => o.issue)).toEqual([
      unrecognisedWarning("includeProblems.includeStatus"),
    ]);
    expect(recordOf(answer)).toEqual(plain);
  });

  it("still refuses a known parameter with a bad value, unknown parameters or not", async () => {
    expectRefusal(
      await send(
        { name: "includeFutureArea" },
        { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueString: "yes" }] },
      ),
      422,
      "INVALID_PARAMETER",
      /includeAllergies\.includeResolvedAllergies must carry a valueBoolean/,
    );
    expectRefusal(
      await send({
        name: "includeMedication",
        part: [{ name: "includeFuturePart" }, { name: "medicationSearchFromDate", valueDate: "2020-02" }],
      }),
      422,
      "INVALID_PARAMETER",
      /medicationSearchFromDate/,
    );
  });

  it("still refuses malformed parameters and parts", async () => {
    expectRefusal(
      await send({ name: "includeMedication", part: ["not a part"] }),
      422,
      "INVALID_RESOURCE",
      /includeMedication\.part\[0\] is not an object/,
    );
    expectRefusal(await send(allergies, { part: [] }), 422, "INVALID_PARAMETER", /has no name/);
    expectRefusal(
      await send({ name: "includeMedication", part: [{ valueBoolean: true }] }),
      422,
      "INVALID_PARAMETER",
      /includeMedication\.part\[0\] has no name/,
    );
  });

  it("refuses a request whose only clinical areas are unknown: no recognised parameters", async () => {
    expectRefusal(
      await send({ name: "includeFutureArea" }, { name: "includeOtherArea" }),
      422,
      "INVALID_PARAMETER",
      /not recognised: includeFutureArea, includeOtherArea/,
    );
  });

  it("does not share a cached answer between requests that differ only in their unknown parameters", async () => {
    const first = await send(allergies, { name: "includeFutureArea" });
    const second = await send(allergies, { name: "includeOtherArea" });
    const firstAgain = await send(allergies, { name: "includeFutureArea" });
    const none = await send(allergies);
    const diagnostics = (answer: Answer) =>
      outcomesIn(bundleOf(answer)).flatMap((o) => o.issue.map((issue) => issue.diagnostics));
    expect(diagnostics(first)).toEqual(["includeFutureArea"]);
    expect(diagnostics(second)).toEqual(["includeOtherArea"]);
    expect(diagnostics(none)).toEqual([]);
    // The same request, the same answer, byte for byte (and the same record under all of them).
    expect(firstAgain.text).toBe(first.text);
    expect(recordOf(bundleOf(second))).toEqual(bundleOf(none));
  });

  it("is passed through the reference gateway, warning included", async () => {
    const info = region.info();
    const gateway = await startGateway(
      readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
    );
    try {
      const url = `${gateway.url}/Patient/$gpc.getstructuredrecord`;
      const response = await request(url, {
        method: "POST",
        headers: {
          "content-type": "application/fhir+json",
          "ssp-traceid": "5b8c36a4-3a9e-4d0c-9d7e-2f1f3c1a0b6d",
          "x-consent": "granted",
          authorization: `Bearer ${consumerJwt(gateway.url)}`,
        },
        body: JSON.stringify({
          resourceType: "Parameters",
          parameter: [nhsNumberParameter(), allergies, { name: "includeFutureArea" }],
        }),
      });
      const text = await response.body.text();
      const answer = bundleOf({ status: response.statusCode, text, json: JSON.parse(text) as unknown });
      expect(outcomesIn(answer).flatMap((o) => o.issue)).toEqual([unrecognisedWarning("includeFutureArea")]);
    } finally {
      await gateway.close();
    }
  });
});
