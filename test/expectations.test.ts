/**
 * The expectations, judged against answers made by hand: each passes on what GP Connect says and fails,
 * with a detail a reader can act on, on what it does not.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Expect, ExpectationFailure, type ExpectOptions } from "../harness/expectations.js";
import type { GatewayAnswer } from "../harness/north/consumer.js";
import { FHIR_SCHEMA_ENV, schemaCandidates } from "../harness/oracle/stu3-schema.js";
import { ControlClient } from "../simulators/index.js";
import { answerWith, errorAnswer, HAND_MADE_PATIENT, handMadeRecord } from "./support/hand-made-record.js";

const PDS = "http://pds.region.internal:8443";

function expectations(options: Partial<ExpectOptions> = {}): Expect {
  // No test here reads the journal: the control client is never called.
  return new Expect({
    control: new ControlClient("http://127.0.0.1:9"),
    settleMs: 0,
    since: new Date().toISOString(),
    internalUrls: [PDS, HAND_MADE_PATIENT.practice.endpoint],
    patient: { name: HAND_MADE_PATIENT.name, birthDate: "1970-01-02", address: ["1 Mill Lane", "LS1 4AB"] },
    ...options,
  });
}

const failed = (e: Expect) => e.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);

describe("expect.record", () => {
  it("passes a record that is valid STU3 and follows GP Connect's rules, and says what it checked", () => {
    const e = expectations();
    e.record(answerWith(200, handMadeRecord()), HAND_MADE_PATIENT);
    expect(failed(e)).toEqual([]);
    expect(e.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "the record is valid FHIR STU3",
        "the record carries the GP Connect structured-record profile",
        "the record is a collection",
        "the record holds exactly one Patient",
        "the record names the registered practice",
        "a List for includeAllergies (Allergies and adverse reactions)",
        "a List for includeMedication (Medications and medical devices)",
      ]),
    );
    expect(e.failures()).toBeUndefined();
  });

  it("rejects a broken Bundle with readable paths: a wrong type, an unknown field, a code out of its set", () => {
    const bundle = handMadeRecord() as unknown as { type: string; entry: Array<{ resource: never }> };
    bundle.type = "pile";
    Object.assign(bundle.entry[3]!.resource, { colour: "red", clinicalStatus: "maybe" });
    const e = expectations();
    e.record(answerWith(200, bundle), HAND_MADE_PATIENT);
    expect(failed(e)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the record is valid FHIR STU3: Bundle\.type: must be one of .*collection/),
        'the record is valid FHIR STU3: Bundle.entry[3].resource (AllergyIntolerance): has an unknown element "colour"',
        expect.stringMatching(
          /^the record is valid FHIR STU3: Bundle\.entry\[3\]\.resource \(AllergyIntolerance\)\.clinicalStatus: must be one of active, inactive, resolved/,
        ),
        'the record is a collection: Bundle.type is "pile"',
      ]),
    );
  });

  it("fails a record without the profile, with two Patients, another practice, or an area's List missing", () => {
    const bundle = handMadeRecord();
    bundle.meta = {};
    bundle.entry = [...bundle.entry!, { resource: { ...bundle.entry![0]!.resource!, id: "p2" } }];
    const e = expectations();
    e.record(
      answerWith(200, bundle),
      { ...HAND_MADE_PATIENT, practice: { ...HAND_MADE_PATIENT.practice, ods: "Z99999" } },
      {
        areas: ["includeAllergies", "includeImmunisations"],
      },
    );
    expect(failed(e)).toEqual([
      "the record carries the GP Connect structured-record profile: Bundle.meta.profile: none",
      "the record holds exactly one Patient: 2 Patient resources",
      "the record names the registered practice: Organizations with ODS codes: Y01234 (the practice is Z99999)",
      "a List for includeImmunisations (Immunisations): 0 Lists coded 1102181000000102",
    ]);
  });

  it("stops at a failed precondition: no Bundle to check when the status is not 200", () => {
    const e = expectations();
    expect(() => e.record(errorAnswer(403, "NO_PATIENT_CONSENT", "refused"), HAND_MADE_PATIENT)).toThrow(
      ExpectationFailure,
    );
    expect(e.checks).toEqual([
      {
        name: "HTTP status 200",
        passed: false,
        precondition: true,
        detail: "the gateway answered 403 (NO_PATIENT_CONSENT)",
      },
    ]);
  });

  it("records the STU3 validation as not run, visibly, when the schema cannot be found", () => {
    const e = expectations({ fhirSchema: "/nowhere/fhir.schema.json" });
    e.record(answerWith(200, handMadeRecord()), HAND_MADE_PATIENT);
    const validation = e.checks.find((c) => c.name === "the record is valid FHIR STU3");
    expect(validation).toMatchObject({ notRun: true });
    expect(validation?.detail).toMatch(
      /^NOT RUN: the FHIR STU3 schema was not found .*\/nowhere\/fhir\.schema\.json/,
    );
  });
});

describe("where the STU3 schema is found", () => {
  it("takes the path given, else the environment's, and only then the project's sibling reference folder", () => {
    const env = { [FHIR_SCHEMA_ENV]: "/from/env.json" };
    expect(schemaCandidates("/given.json", env)).toEqual(["/given.json"]);
    expect(schemaCandidates(undefined, env)).toEqual(["/from/env.json"]);
    const sibling = fileURLToPath(
      new URL("../../shared/reference/fhir-stu3/fhir.schema.json", import.meta.url),
    );
    expect(schemaCandidates(undefined, {})).toContain(sibling);
  });
});

describe("expect.fhirpath", () => {
  const bundle = handMadeRecord();

  it("passes when the expression is true, and shows what it gave", () => {
    const e = expectations();
    expect(
      e.fhirpath(
        bundle,
        "Bundle.entry.resource.ofType(AllergyIntolerance).count() > 0",
        "an allergy is listed",
      ),
    ).toBe(true);
    expect(e.checks).toEqual([expect.objectContaining({ name: "an allergy is listed", passed: true })]);
  });

  it("fails when it is false, empty, or cannot be evaluated", () => {
    const e = expectations();
    e.fhirpath(bundle, "Bundle.entry.resource.ofType(Immunization).exists()", "an immunisation is listed");
    e.fhirpath(bundle, "Bundle.entry.resource.ofType(Patient).deceased", "the patient is deceased");
    e.fhirpath(bundle, "Bundle.entry.resource.(", "a broken expression");
    expect(failed(e)).toEqual([
      "an immunisation is listed: Bundle.entry.resource.ofType(Immunization).exists() gave [false]",
      "the patient is deceased: Bundle.entry.resource.ofType(Patient).deceased gave []",
      expect.stringMatching(/^a broken expression: Bundle\.entry\.resource\.\( could not be evaluated: /),
    ]);
  });
});

describe("expect.warning and expect.noWarning", () => {
  const bundle = handMadeRecord();

  it("finds a List's warning by its area or its code", () => {
    const e = expectations();
    expect(e.warning(bundle, "includeAllergies", "confidential-items")).toBe(true);
    expect(e.warning(bundle, "886921000000105", "confidential-items")).toBe(true);
    expect(e.noWarning(bundle, "includeMedication")).toBe(true);
    expect(e.noWarning(bundle, "includeAllergies", "data-in-transit")).toBe(true);
    expect(failed(e)).toEqual([]);
  });

  it("fails on a missing warning, an unwanted one, or no such List", () => {
    const e = expectations();
    e.warning(bundle, "includeMedication", "data-awaiting-filing");
    e.noWarning(bundle, "includeAllergies");
    e.warning(bundle, "includeImmunisations", "confidential-items");
    expect(failed(e)).toEqual([
      "the Medications and medical devices list warns data-awaiting-filing: no warning",
      "the Allergies and adverse reactions list carries no warning: warnings: confidential-items",
      "the Immunisations list warns confidential-items: the record holds no such List",
    ]);
  });
});

describe("expect.leaksNothing, and every error answer checked for leaks", () => {
  it("passes a plain OperationOutcome that echoes the NHS number the consumer sent", () => {
    const e = expectations();
    e.refused(
      errorAnswer(403, "NO_PATIENT_CONSENT", `The patient ${HAND_MADE_PATIENT.nhsNumber} refused consent.`),
      "NO_PATIENT_CONSENT",
    );
    expect(failed(e)).toEqual([]);
    expect(e.checks.map((c) => c.name)).toEqual([
      "HTTP status 403",
      "error code NO_PATIENT_CONSENT",
      "a FHIR JSON content type",
      "the answer leaks no stack trace",
      "the answer leaks no file path",
      "the answer leaks no internal address",
      "the answer leaks no patient details",
    ]);
  });

  it.each([
    [
      "stack trace",
      "TypeError: x is undefined\n    at fetchRecord (/app/dist/south.js:41:7)",
      /at fetchRecord/,
    ],
    ["stack trace", "java.lang.NullPointerException\n\tat uk.nhs.Gateway.get(Gateway.java:88)", /java\.lang/],
    ["stack trace", "at Gateway.Get() in C:\\src\\Gateway.cs:line 12", /at Gateway\.Get\(\)/],
    ["file path", "could not open /home/gateway/config.yaml", /\/home\/gateway/],
    ["file path", "cannot find module in node_modules", /node_modules/],
    ["internal address", "connect ECONNREFUSED 127.0.0.1:36837", /127\.0\.0\.1:36837/],
    ["internal address", "PDS at pds.region.internal:8443 said no", /pds\.region\.internal:8443/],
    ["patient details", "Siobhán O'Brien-Smythe has no consent", /Siobhán O'Brien-Smythe/],
    ["patient details", "born 1970-01-02", /1970-01-02/],
    ["patient details", "of 1 Mill Lane", /1 Mill Lane/],
  ])("fails an answer carrying a %s: %s", (kind, diagnostics, seen) => {
    const e = expectations();
    e.error(errorAnswer(500, "INTERNAL_SERVER_ERROR", diagnostics), 500, "INTERNAL_SERVER_ERROR");
    const failures = e.checks.filter((c) => !c.passed);
    expect(failures.map((c) => c.name)).toContain(`the answer leaks no ${kind}`);
    expect(failures.find((c) => c.name === `the answer leaks no ${kind}`)?.detail).toMatch(seen);
  });

  it("leaves a successful answer alone when run from error, and checks any answer asked for by name", () => {
    const e = expectations();
    e.error(answerWith(200, handMadeRecord()), 403, "NO_PATIENT_CONSENT");
    expect(e.checks.map((c) => c.name)).toEqual([
      "HTTP status 403",
      "error code NO_PATIENT_CONSENT",
      "a FHIR JSON content type",
    ]);
    expect(e.leaksNothing(errorAnswer(404, "PATIENT_NOT_FOUND", "born 1970-01-02"))).toBe(false);
    expect(
      e.leaksNothing(errorAnswer(404, "PATIENT_NOT_FOUND", "Ann Other not found"), { name: "Ann Other" }),
    ).toBe(false);
  });
});

describe("a scenario's message", () => {
  it("names the first three failed checks, then how many more", () => {
    const e = expectations();
    for (const status of [201, 202, 203, 204, 205]) e.status(answerWith(200, {}), status);
    expect(e.failures()).toBe(
      "HTTP status 201: the gateway answered 200; HTTP status 202: the gateway answered 200; " +
        "HTTP status 203: the gateway answered 200; and 2 more",
    );
  });
});

describe("a FHIR JSON content type, on every record and every OperationOutcome", () => {
  const labelled = (status: number, body: unknown, type: string | undefined): GatewayAnswer => ({
    ...answerWith(status, body),
    headers: type === undefined ? {} : { "content-type": type },
  });
  const verdicts = (e: Expect) =>
    e.checks.filter((c) => c.name === "a FHIR JSON content type").map((c) => `${c.passed}: ${c.detail}`);

  it("passes application/fhir+json in UTF-8, however spelt, with the parameters FHIR allows", () => {
    const e = expectations();
    for (const type of [
      "application/fhir+json",
      "application/fhir+json;charset=UTF-8",
      'Application/FHIR+JSON; charset="utf-8"; fhirVersion=3.0',
    ]) {
      e.record(labelled(200, handMadeRecord(), type), HAND_MADE_PATIENT);
    }
    expect(verdicts(e).every((v) => v.startsWith("true"))).toBe(true);
  });

  it("fails a correct record labelled text/plain, plain JSON, another charset or nothing, saying what it was", () => {
    const e = expectations();
    for (const type of [
      "text/plain",
      "application/json",
      "application/fhir+json; charset=iso-8859-1",
      undefined,
    ]) {
      e.record(labelled(200, handMadeRecord(), type), HAND_MADE_PATIENT);
    }
    expect(verdicts(e)).toEqual([
      "false: Content-Type is text/plain; GP Connect answers application/fhir+json",
      "false: Content-Type is application/json; GP Connect answers application/fhir+json",
      "false: Content-Type is application/fhir+json; charset=iso-8859-1; GP Connect answers in UTF-8",
      "false: no Content-Type; GP Connect answers application/fhir+json",
    ]);
  });

  it("is checked on refusals and client errors, and not run on an answer a consumer adapter made", () => {
    const e = expectations();
    const outcome = errorAnswer(403, "NO_PATIENT_CONSENT", "refused").body;
    e.refused(labelled(403, outcome, "text/plain"), "NO_PATIENT_CONSENT");
    e.clientError(labelled(400, outcome, "text/plain"));
    e.record({ ...labelled(200, handMadeRecord(), undefined), throughAdapter: true }, HAND_MADE_PATIENT);
    expect(verdicts(e)).toEqual([
      "false: Content-Type is text/plain; GP Connect answers application/fhir+json",
      "false: Content-Type is text/plain; GP Connect answers application/fhir+json",
      "true: NOT RUN: the answer came through a consumer adapter",
    ]);
  });
});
