/**
 * Parameters a practice does not recognise, as GP Connect 1.6 "API Version Compatibility" says a provider
 * answers them: 200, the record for the parameters it supports, and one OperationOutcome in the Bundle with a
 * warning for each parameter or part parameter it did not process. Known parameters with bad values, malformed
 * parts and requests with no recognised clinical area are still refused with 422.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { consumerJwt } from "../harness/consumer.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import {
  type PatientInfo,
  type PracticeInfo,
  type Region,
  startRegion,
} from "../simulators/region/region.js";
import { gpConnectHeaders } from "./support/gpconnect-request.js";
import {
  bundleOf,
  outcomesIn,
  postStructuredRecord,
  type RecordAnswer,
  recordOf,
  unrecognisedWarning,
} from "./support/structured-record.js";
import { stu3BundleErrors, stu3Errors } from "./support/stu3-schema.js";

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

function send(...parameter: unknown[]): Promise<RecordAnswer> {
  return postStructuredRecord(
    practice.endpoint,
    gpConnectHeaders({
      fromAsid: region.info().consumer.asid,
      toAsid: practice.asid,
      audience: practice.endpoint,
    }),
    JSON.stringify({ resourceType: "Parameters", parameter: [nhsNumberParameter(), ...parameter] }),
  );
}

function expectRefusal(answer: RecordAnswer, status: number, code: string, diagnostics: RegExp): void {
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
    const diagnostics = (answer: RecordAnswer) =>
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
      const answer = bundleOf(
        await postStructuredRecord(
          gateway.url,
          {
            "content-type": "application/fhir+json",
            "ssp-traceid": "5b8c36a4-3a9e-4d0c-9d7e-2f1f3c1a0b6d",
            "x-consent": "granted",
            authorization: `Bearer ${consumerJwt(gateway.url)}`,
          },
          JSON.stringify({
            resourceType: "Parameters",
            parameter: [nhsNumberParameter(), allergies, { name: "includeFutureArea" }],
          }),
        ),
      );
      expect(outcomesIn(answer).flatMap((o) => o.issue)).toEqual([unrecognisedWarning("includeFutureArea")]);
    } finally {
      await gateway.close();
    }
  });
});
