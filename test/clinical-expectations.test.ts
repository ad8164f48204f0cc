/**
 * The clinical expectations, judged against records made by hand from GP Connect 1.6's own examples: each
 * passes on what the specification says a provider sends and fails, with a detail a reader can act on, on the
 * ways a gateway could blur it — "no known allergies" against nothing recorded, a switched-off area against
 * an empty one, a name as the practice holds it against a changed one.
 */
import { describe, expect, it } from "vitest";
import { SPINE_ERROR_SYSTEM } from "../gpconnect/error-codes.js";
import { CODE_SYSTEMS, LIST_CODES, PROFILES } from "../gpconnect/profiles.js";
import { Expect } from "../harness/expectations.js";
import { ControlClient } from "../simulators/index.js";
import { HAND_MADE_PATIENT, handMadeRecord } from "./support/hand-made-record.js";

const SNOMED = "http://snomed.info/sct";

function expectations(): Expect {
  return new Expect({
    control: new ControlClient("http://127.0.0.1:9"),
    settleMs: 0,
    since: new Date().toISOString(),
  });
}

const failed = (e: Expect) => e.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);

function resourceOf<T extends fhir.Resource>(bundle: fhir.Bundle, id: string): T {
  return bundle.entry!.find((e) => e.resource?.id === id)!.resource as T;
}

/** The hand-made record with its one allergy recorded as "no known allergy", as allergies_response2.json. */
function noKnownAllergyRecord(): fhir.Bundle {
  const bundle = handMadeRecord();
  resourceOf<fhir.AllergyIntolerance>(bundle, "a1").code = {
    coding: [{ system: SNOMED, code: "716186003", display: "No known allergy" }],
  };
  return bundle;
}

/** The hand-made record with an empty allergies List, as allergies_response3.json. */
function nothingRecordedRecord(emptyReason: string | null = "no-content-recorded"): fhir.Bundle {
  const bundle = handMadeRecord();
  bundle.entry = bundle.entry!.filter((e) => e.resource?.id !== "a1");
  const list = resourceOf<fhir.List>(bundle, "l1");
  delete list.entry;
  delete list.extension;
  if (emptyReason !== null)
    list.emptyReason = { coding: [{ system: CODE_SYSTEMS.listEmptyReason, code: emptyReason }] };
  return bundle;
}

describe("expect.noKnownAllergies", () => {
  it('passes a List holding the "no known allergy" AllergyIntolerance', () => {
    const e = expectations();
    e.noKnownAllergies(noKnownAllergyRecord());
    expect(failed(e)).toEqual([]);
  });

  it("passes an empty List whose emptyReason is nilknown, as earlier guidance allowed", () => {
    const e = expectations();
    e.noKnownAllergies(nothingRecordedRecord("nilknown"));
    expect(failed(e)).toEqual([]);
  });

  it("fails a List with nothing in it, and one holding a real allergy, saying what it holds", () => {
    const empty = expectations();
    empty.noKnownAllergies(nothingRecordedRecord(null));
    expect(failed(empty)).toEqual([
      "the allergies List states no known allergies: the allergies List is empty and gives no emptyReason",
    ]);
    const allergic = expectations();
    allergic.noKnownAllergies(handMadeRecord());
    expect(failed(allergic)).toEqual([
      "the allergies List states no known allergies: the allergies List holds Penicillin",
    ]);
  });
});

describe("expect.noAllergiesRecorded", () => {
  it("passes an empty List with emptyReason no-content-recorded", () => {
    const e = expectations();
    e.noAllergiesRecorded(nothingRecordedRecord());
    expect(failed(e)).toEqual([]);
  });

  it('fails an empty List with no reason, and "no known allergies" in place of nothing recorded', () => {
    const bare = expectations();
    bare.noAllergiesRecorded(nothingRecordedRecord(null));
    expect(failed(bare)).toEqual([
      "the allergies List is empty, with emptyReason no-content-recorded: the allergies List is empty and gives no emptyReason",
    ]);
    const asserted = expectations();
    asserted.noAllergiesRecorded(noKnownAllergyRecord());
    expect(failed(asserted)).toEqual([
      'the allergies List is empty, with emptyReason no-content-recorded: the allergies List holds "no known allergy" (SNOMED CT 716186003)',
      'the allergies List does not state no known allergies: the allergies List holds "no known allergy" (SNOMED CT 716186003)',
    ]);
  });

  it("fails an empty reason under a code system of its own", () => {
    const bundle = nothingRecordedRecord();
    resourceOf<fhir.List>(bundle, "l1").emptyReason = {
      coding: [{ system: "https://gateway.example/empty", code: "no-content-recorded" }],
    };
    const e = expectations();
    e.noAllergiesRecorded(bundle);
    expect(failed(e)).toEqual([
      "the allergies List is empty, with emptyReason no-content-recorded: the allergies List is empty with emptyReason no-content-recorded under https://gateway.example/empty",
    ]);
  });

  it("fails a record without an allergies List, or with two", () => {
    const bundle = handMadeRecord();
    bundle.entry = bundle.entry!.filter((e) => e.resource?.id !== "l1");
    const none = expectations();
    none.noAllergiesRecorded(bundle);
    expect(failed(none)).toEqual([
      "the allergies List is empty, with emptyReason no-content-recorded: the record holds no allergies List",
    ]);
    const twice = nothingRecordedRecord();
    twice.entry!.push({ resource: { ...resourceOf<fhir.List>(twice, "l1"), id: "l9" } });
    const two = expectations();
    two.noAllergiesRecorded(twice);
    expect(failed(two)).toEqual([
      "the allergies List is empty, with emptyReason no-content-recorded: the record holds 2 active allergies Lists",
    ]);
  });
});

/** The hand-made record as a practice with allergies switched off answers: no allergies, and the warning. */
function switchedOffRecord(warning: Partial<fhir.OperationOutcomeIssue> = {}): fhir.Bundle {
  const bundle = handMadeRecord();
  bundle.entry = bundle.entry!.filter((e) => !["l1", "a1"].includes(e.resource?.id ?? ""));
  const issue: fhir.OperationOutcomeIssue = {
    severity: "warning",
    code: "not-supported",
    details: {
      coding: [{ system: SPINE_ERROR_SYSTEM, code: "NOT_IMPLEMENTED", display: "Not implemented" }],
      text: "includeAllergies has been disabled",
    },
    diagnostics: "includeAllergies",
    ...warning,
  };
  bundle.entry!.push({
    resource: {
      resourceType: "OperationOutcome",
      meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"] },
      issue: [issue],
    } as fhir.OperationOutcome,
  });
  return bundle;
}

describe("expect.areaNotSupported", () => {
  it("passes a record that leaves the area out and names it in a not-supported warning", () => {
    const e = expectations();
    e.areaNotSupported(switchedOffRecord(), "includeAllergies");
    expect(failed(e)).toEqual([]);
  });

  it("fails a warning naming another area, or one that is not a Spine NOT_IMPLEMENTED", () => {
    const other = expectations();
    other.areaNotSupported(switchedOffRecord({ diagnostics: "includeProblems" }), "includeAllergies");
    expect(failed(other)).toEqual([
      "the record says includeAllergies is not supported: not-supported warnings name includeProblems",
    ]);
    const unofficial = expectations();
    unofficial.areaNotSupported(
      switchedOffRecord({ details: { coding: [{ system: "http://example.org", code: "NOT_IMPLEMENTED" }] } }),
      "includeAllergies",
    );
    expect(failed(unofficial)).toEqual([
      "the record says includeAllergies is not supported: the record carries no not-supported warning (OperationOutcome, NOT_IMPLEMENTED)",
    ]);
  });

  it("fails a record that shows the switched-off area as an empty List", () => {
    const bundle = switchedOffRecord();
    bundle.entry!.push({
      resource: {
        resourceType: "List",
        meta: { profile: [PROFILES.list] },
        status: "current",
        mode: "snapshot",
        code: { coding: [{ system: SNOMED, code: LIST_CODES.allergies.code }] },
        subject: { reference: "Patient/p1" },
        emptyReason: { coding: [{ system: CODE_SYSTEMS.listEmptyReason, code: "no-content-recorded" }] },
      } as fhir.List,
    });
    const e = expectations();
    e.areaNotSupported(bundle, "includeAllergies");
    expect(failed(e)).toEqual([
      "the Allergies and adverse reactions list is left out, not shown as nothing recorded: the record holds an empty Allergies and adverse reactions list",
    ]);
  });
});

describe("expect.nameUnchanged", () => {
  it("passes the name as the practice holds it, however its letters are encoded", () => {
    const e = expectations();
    e.nameUnchanged(handMadeRecord(), HAND_MADE_PATIENT);
    const decomposed = handMadeRecord();
    resourceOf<fhir.Patient>(decomposed, "p1").name![0]!.given = ["Siobhán".normalize("NFD")];
    e.nameUnchanged(decomposed, HAND_MADE_PATIENT);
    expect(failed(e)).toEqual([]);
  });

  it("fails a folded diacritic, a lost apostrophe, capitals, or no name at all", () => {
    const cases: Array<[fhir.HumanName[], string]> = [
      [[{ use: "official", family: "O'Brien-Smythe", given: ["Siobhan"] }], '"Siobhan O\'Brien-Smythe"'],
      [[{ use: "official", family: "OBrien Smythe", given: ["Siobhán"] }], '"Siobhán OBrien Smythe"'],
      [[{ use: "official", family: "O'BRIEN-SMYTHE", given: ["SIOBHÁN"] }], '"SIOBHÁN O\'BRIEN-SMYTHE"'],
      [[], "carries no name"],
    ];
    for (const [name, seen] of cases) {
      const bundle = handMadeRecord();
      resourceOf<fhir.Patient>(bundle, "p1").name = name;
      const e = expectations();
      e.nameUnchanged(bundle, HAND_MADE_PATIENT);
      expect(failed(e)).toEqual([expect.stringContaining(seen)]);
    }
  });

  it("reads the official name before a usual or other one", () => {
    const bundle = handMadeRecord();
    resourceOf<fhir.Patient>(bundle, "p1").name = [
      { use: "nickname", given: ["Shiv"] },
      { use: "official", family: "O'Brien-Smythe", given: ["Siobhán"] },
    ];
    const e = expectations();
    e.nameUnchanged(bundle, HAND_MADE_PATIENT);
    expect(failed(e)).toEqual([]);
  });
});

const WARFARIN = { code: "42217611000001104", name: /warfarin/i };

/** A record holding one warfarin course as GP Connect 1.6 lays it out: its statement, plan and Medication. */
function warfarinRecord(
  statementStatus: string,
  planStatus: string,
  basedOn = "MedicationRequest/mp1",
): fhir.Bundle {
  const bundle = handMadeRecord();
  const medication: fhir.Medication = {
    resourceType: "Medication",
    id: "med1",
    code: { coding: [{ system: SNOMED, code: WARFARIN.code, display: "Warfarin 3mg tablets" }] },
  };
  const plan = {
    resourceType: "MedicationRequest",
    id: "mp1",
    extension: [
      {
        url: "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-MedicationStatusReason-1",
        extension: [
          { url: "statusReason", valueCodeableConcept: { text: "Clinical grounds" } },
          { url: "statusChangeDate", valueDateTime: "2026-10-01" },
        ],
      },
    ],
    status: planStatus,
    intent: "plan",
    medicationReference: { reference: "Medication/med1" },
    subject: { reference: "Patient/p1" },
  } as fhir.MedicationRequest;
  const statement = {
    resourceType: "MedicationStatement",
    id: "ms1",
    basedOn: [{ reference: basedOn }],
    status: statementStatus,
    medicationReference: { reference: "Medication/med1" },
    subject: { reference: "Patient/p1" },
    taken: "unk",
  } as fhir.MedicationStatement;
  bundle.entry!.push({ resource: statement }, { resource: plan }, { resource: medication });
  return bundle;
}

describe("expect.medicationNotCurrent", () => {
  it("passes a stopped or completed course whose plan agrees, and says the reason it read", () => {
    for (const status of ["stopped", "completed"]) {
      const e = expectations();
      e.medicationNotCurrent(warfarinRecord(status, status), WARFARIN);
      expect(failed(e)).toEqual([]);
    }
    const e = expectations();
    e.medicationNotCurrent(warfarinRecord("stopped", "stopped"), WARFARIN);
    expect(e.checks.at(-1)?.detail).toBe("statement stopped, plan stopped (Clinical grounds)");
  });

  it("fails a course shown active on its statement or on its plan", () => {
    const e = expectations();
    e.medicationNotCurrent(warfarinRecord("active", "stopped"), WARFARIN);
    e.medicationNotCurrent(warfarinRecord("stopped", "active"), WARFARIN);
    expect(failed(e)).toEqual([
      "the stopped medication is not shown as current: statement active, plan stopped (Clinical grounds)",
      "the stopped medication is not shown as current: statement stopped, plan active (Clinical grounds)",
    ]);
  });

  it("judges the statement alone when it names no plan the record holds", () => {
    const e = expectations();
    e.medicationNotCurrent(warfarinRecord("active", "stopped", "MedicationRequest/elsewhere"), WARFARIN);
    expect(failed(e)).toEqual(["the stopped medication is not shown as current: statement active, no plan"]);
  });

  it("stops when the record holds no statement of the medication", () => {
    const e = expectations();
    expect(() => e.medicationNotCurrent(handMadeRecord(), WARFARIN)).toThrow();
    expect(failed(e)).toEqual(["a medication matching /warfarin/i is listed: no MedicationStatement of it"]);
  });
});
