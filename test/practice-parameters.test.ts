/**
 * The Parameters of a structured-record request, as a practice checks them. Those it does not recognise, as
 * GP Connect 1.6 "API Version Compatibility" says a provider answers them: 200, the record for the parameters it
 * supports, and one OperationOutcome in the Bundle with a warning for each parameter or part parameter it did
 * not process. Known parameters with bad values, malformed parts and requests that do not name the patient
 * are still refused with 422. And those it knows, each refused as GP Connect 1.6 says when it is wrong: the
 * patient's NHS number and its identifier system, the allergy and medication parts, the clinical areas'
 * periods, counts and filters, and the combinations GP Connect forbids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import { NHS_NUMBER_SYSTEM } from "../gpconnect/identifiers.js";
import { consumerJwt } from "../harness/north/identity.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { type PatientInfo, type PracticeInfo, type Region, startRegion } from "../simulators/index.js";
import {
  gpConnectHeaders,
  type StructuredRecordRequestOptions,
  structuredRecordRequest,
} from "./support/gpconnect-request.js";
import {
  bundleOf,
  expectError,
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

/** A request whose Parameters are `parameter`, nothing added. */
function sendParameters(parameter: unknown[]): Promise<RecordAnswer> {
  return postStructuredRecord(
    practice.endpoint,
    gpConnectHeaders({
      fromAsid: region.info().consumer.asid,
      toAsid: practice.asid,
      audience: practice.endpoint,
    }),
    JSON.stringify({ resourceType: "Parameters", parameter }),
  );
}

/** A request for the patient's record with `parameter` after the NHS number. */
function send(...parameter: unknown[]): Promise<RecordAnswer> {
  return sendParameters([nhsNumberParameter(), ...parameter]);
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

  it("answers a request whose only clinical areas are unknown with the patient and a warning for each", async () => {
    const answer = bundleOf(await send({ name: "includeFutureArea" }, { name: "includeOtherArea" }));
    expect(outcomesIn(answer).flatMap((o) => o.issue)).toEqual([
      unrecognisedWarning("includeFutureArea"),
      unrecognisedWarning("includeOtherArea"),
    ]);
    // The record is the one a request naming the patient alone gets: the Patient and their practice's directory.
    expect(recordOf(answer)).toEqual(bundleOf(await send()));
    expect(stu3BundleErrors(answer)).toEqual([]);
  });

  it("still refuses a request that does not name the patient", async () => {
    expectRefusal(
      await sendParameters([{ name: "includeFutureArea" }]),
      422,
      "INVALID_PARAMETER",
      /patientNHSNumber is required/,
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

/** A request a practice refuses: its Parameters, and the status, Spine error code and diagnostics it answers. */
interface Refusal {
  readonly what: string;
  /** Built when the test runs (the patient is known then, and "tomorrow" is tomorrow). */
  readonly parameter: () => unknown[];
  readonly status: number;
  readonly code: string;
  readonly diagnostics?: RegExp;
}

/** Refusals as it.each rows, named by what is wrong and the answer. */
const cases = (refusals: readonly Refusal[]) =>
  refusals.map((refusal) => [refusal.what, refusal.status, refusal.code, refusal] as const);

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** The patient's request for medications, with `options` changed. */
const medicationRequest = (options: Partial<StructuredRecordRequestOptions>) => (): unknown[] =>
  structuredRecordRequest({ nhsNumber: patient.nhsNumber, includeMedication: true, ...options }).parameter ??
  [];

const invalidParameter = (what: string, parameter: () => unknown[], diagnostics: RegExp): Refusal => ({
  what,
  parameter,
  status: 422,
  code: "INVALID_PARAMETER",
  diagnostics,
});

const medicationSearchFromDate = (valueDate: string) => (): unknown[] => [
  nhsNumberParameter(),
  { name: "includeMedication", part: [{ name: "medicationSearchFromDate", valueDate }] },
];

const PATIENT_AND_PART_REFUSALS: readonly Refusal[] = [
  {
    what: "an NHS number in another identifier system",
    parameter: medicationRequest({ nhsNumberSystem: "https://example.org/mrn" }),
    status: 400,
    code: "INVALID_IDENTIFIER_SYSTEM",
  },
  {
    what: "an NHS number with no identifier system",
    parameter: () => [{ name: "patientNHSNumber", valueIdentifier: { value: patient.nhsNumber } }],
    status: 400,
    code: "INVALID_IDENTIFIER_SYSTEM",
  },
  {
    what: "an NHS number with a wrong check digit",
    parameter: medicationRequest({ nhsNumber: "9434765918" }),
    status: 400,
    code: "INVALID_NHS_NUMBER",
  },
  {
    what: "an empty NHS number",
    parameter: medicationRequest({ nhsNumber: "" }),
    status: 400,
    code: "INVALID_NHS_NUMBER",
  },
  invalidParameter("a request with no patientNHSNumber", () => [], /patientNHSNumber is required/),
  invalidParameter(
    "a patientNHSNumber that is not a valueIdentifier",
    () => [{ name: "patientNHSNumber", valueString: patient.nhsNumber }],
    /valueIdentifier/,
  ),
  invalidParameter(
    "patientNHSNumber twice",
    () => [nhsNumberParameter(), nhsNumberParameter()],
    /more than once/,
  ),
  invalidParameter(
    "includeAllergies without includeResolvedAllergies",
    () => [nhsNumberParameter(), { name: "includeAllergies" }],
    /includeResolvedAllergies/,
  ),
  invalidParameter(
    "an includeResolvedAllergies that is not a valueBoolean",
    () => [
      nhsNumberParameter(),
      { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueString: "yes" }] },
    ],
    /valueBoolean/,
  ),
  ...["2014", "2014-02", "X2014-02-01", "2015-10-23T11:08:32"].map((date) =>
    invalidParameter(
      `medicationSearchFromDate ${date}, not a whole date`,
      medicationSearchFromDate(date),
      /medicationSearchFromDate/,
    ),
  ),
  invalidParameter(
    "a medicationSearchFromDate in the future",
    () => medicationSearchFromDate(tomorrow())(),
    /future/,
  ),
];

/** The clinical areas' search periods, each as its area's part. */
const SEARCH_PERIODS = [
  ["includeConsultations", "consultationSearchPeriod"],
  ["includeUncategorisedData", "uncategorisedDataSearchPeriod"],
  ["includeInvestigations", "investigationSearchPeriod"],
  ["includeReferrals", "referralSearchPeriod"],
] as const;

/** After the patient's NHS number, `areas`. */
const withAreas =
  (...areas: unknown[]) =>
  (): unknown[] => [nhsNumberParameter(), ...areas];

const CLINICAL_AREA_REFUSALS: readonly Refusal[] = [
  {
    what: "both a consultationSearchPeriod and an includeNumberOfMostRecent",
    parameter: withAreas({
      name: "includeConsultations",
      part: [
        { name: "consultationSearchPeriod", valuePeriod: { start: "2020-01-01" } },
        { name: "includeNumberOfMostRecent", valuePositiveInt: 3 },
      ],
    }),
    status: 422,
    code: "INVALID_RESOURCE",
    diagnostics: /both/,
  },
  invalidParameter(
    "includeNumberOfMostRecent 0",
    withAreas({
      name: "includeConsultations",
      part: [{ name: "includeNumberOfMostRecent", valuePositiveInt: 0 }],
    }),
    /includeNumberOfMostRecent/,
  ),
  ...SEARCH_PERIODS.flatMap(([name, part]) => [
    invalidParameter(
      `${part} starting after it ends`,
      withAreas({ name, part: [{ name: part, valuePeriod: { start: "2021-02-01", end: "2020-01-01" } }] }),
      new RegExp(`${part}.*after it ends`),
    ),
    invalidParameter(
      `${part} ending in the future`,
      () => withAreas({ name, part: [{ name: part, valuePeriod: { end: tomorrow() } }] })(),
      /future/,
    ),
    invalidParameter(
      `${part} with a time, not a whole date`,
      withAreas({ name, part: [{ name: part, valuePeriod: { start: "2020-01-01T10:00:00Z" } }] }),
      /whole date/,
    ),
  ]),
  invalidParameter(
    "a problem filterStatus GP Connect does not name",
    withAreas({ name: "includeProblems", part: [{ name: "filterStatus", valueCode: "resolved" }] }),
    /filterStatus/,
  ),
  invalidParameter(
    "a problem filterSignificance GP Connect does not name",
    withAreas({ name: "includeProblems", part: [{ name: "filterSignificance", valueCode: "huge" }] }),
    /filterSignificance/,
  ),
  invalidParameter(
    "includeProblems beside a medicationSearchFromDate",
    withAreas(
      { name: "includeProblems" },
      { name: "includeMedication", part: [{ name: "medicationSearchFromDate", valueDate: "2020-01-01" }] },
    ),
    /not permitted/,
  ),
  invalidParameter(
    "includeConsultations beside a problem filter",
    withAreas(
      { name: "includeConsultations" },
      { name: "includeProblems", part: [{ name: "filterStatus", valueCode: "active" }] },
    ),
    /not permitted/,
  ),
  invalidParameter(
    "a diaryEntriesSearchDate in the past",
    withAreas({
      name: "includeDiaryEntries",
      part: [{ name: "diaryEntriesSearchDate", valueDate: "2020-01-01" }],
    }),
    /past/,
  ),
];

describe("the patient's NHS number and the allergy and medication parts, as GP Connect 1.6 says", () => {
  it.each(cases(PATIENT_AND_PART_REFUSALS))("refuses %s: %i %s", async (_what, status, code, refusal) => {
    await expectError(await sendParameters(refusal.parameter()), status, code, refusal.diagnostics);
  });

  it("answers an unknown part beside known ones with a warning in the Bundle, not a refusal", async () => {
    // An unknown part is not refused: GP Connect forwards compatibility answers it with a warning in the Bundle.
    const withUnknownPart = bundleOf(
      await send({
        name: "includeMedication",
        part: [{ name: "includePrescriptionIssues", valueBoolean: true }, { name: "bogus" }],
      }),
    );
    expect(
      outcomesIn(withUnknownPart).flatMap((o) =>
        o.issue.map((issue) => [issue.severity, issue.code, issue.diagnostics]),
      ),
    ).toEqual([["warning", "not-supported", "includeMedication.bogus"]]);
  });
});

describe("the clinical areas' periods, counts, filters and forbidden combinations (GP Connect 1.6)", () => {
  it.each(cases(CLINICAL_AREA_REFUSALS))("refuses %s: %i %s", async (_what, status, code, refusal) => {
    await expectError(await sendParameters(refusal.parameter()), status, code, refusal.diagnostics);
  });

  it("lets includeProblems repeat, one status or significance filter each", async () => {
    // includeProblems may repeat, one status/significance pair each.
    expect(
      (
        await send(
          { name: "includeProblems", part: [{ name: "filterStatus", valueCode: "active" }] },
          { name: "includeProblems", part: [{ name: "filterSignificance", valueCode: "major" }] },
        )
      ).status,
    ).toBe(200);
  });
});
