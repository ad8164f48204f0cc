/** Faulty gateways that change what the clinician is shown: dropped items, lost markings, lost warnings. */
import { operationOutcome } from "../../../gpconnect/outcomes.js";
import { CLINICAL_AREA_PARAMETERS, type ClinicalAreaParameter } from "../../../gpconnect/parameters.js";
import {
  CODE_SYSTEMS,
  EXTENSIONS,
  LIST_CODES,
  MEDICATION_EXTENSIONS,
  PROFILES,
} from "../../../gpconnect/profiles.js";
import { AREA_LISTS } from "../../../harness/oracle/structured-record-rules.js";
import { type Answer, changeRecord, type Fault, type Forwarded, resourcesOf } from "../faulty-gateway.js";

const SNOMED = "http://snomed.info/sct";
const NO_KNOWN_ALLERGY = "716186003";

/** The Lists of a record, each with its warning codes filtered by `keep`. */
function filterListWarnings(bundle: fhir.Bundle, keep: (code: string) => boolean): void {
  for (const list of resourcesOf<fhir.List>(bundle, "List")) {
    list.extension = (list.extension ?? []).filter(
      (x) => x.url !== EXTENSIONS.listWarningCode || keep(x.valueCode ?? ""),
    );
    if (list.extension.length === 0) delete list.extension;
  }
}

const isAllergiesList = (list: fhir.List) =>
  (list.code?.coding ?? []).some((c) => c.system === SNOMED && c.code === LIST_CODES.allergies.code);

/** The clinical areas a Parameters request asked for. */
function areasAsked(body: string): ClinicalAreaParameter[] {
  try {
    const parameters = JSON.parse(body) as fhir.Parameters;
    const names = new Set((parameters.parameter ?? []).map((p) => p.name));
    return CLINICAL_AREA_PARAMETERS.filter((area) => names.has(area));
  } catch {
    return [];
  }
}

/** Letters a seven-bit system has no room for, mapped as such systems map them. */
const ASCII_LETTERS: Record<string, string> = { ł: "l", Ł: "L", ø: "o", Ø: "O", ß: "ss", æ: "ae", Æ: "AE" };

function asciiFolded(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁøØßæÆ]/g, (c) => ASCII_LETTERS[c] ?? c)
    .replace(/['’]/g, "")
    .replace(/-/g, " ");
}

/** Every person's name of a record (patient and clinicians), changed by `change`. */
function changeNames(bundle: fhir.Bundle, change: (text: string) => string): void {
  for (const type of ["Patient", "Practitioner"] as const) {
    for (const person of resourcesOf<fhir.Patient | fhir.Practitioner>(bundle, type)) {
      for (const name of person.name ?? []) {
        if (name.family !== undefined) name.family = change(name.family);
        if (name.given !== undefined) name.given = name.given.map(change);
      }
    }
  }
}

/** Patients PDS said are restricted, as the gateway that remembers it saw them (see below). */
const restrictedPatients = new Set<string>();

/** A shared table of answer slots, for the gateway that hands out answers through it (see below). */
const ANSWER_SLOTS = 6;
const slotTable: Answer[] = [];
const slotHolders = new Map<number, number>();
const slotOf = new WeakMap<Forwarded, number>();
let sharedSlot = 0;
/** Requests waiting for the next answer written into their slot, by slot. */
const slotWaiters = new Map<number, Array<() => void>>();
/** How long an answer waits for its slot's other holder, who may have failed and never write. */
const SLOT_WAIT_MS = 10_000;

/** Writes an answer into its slot and reads the slot back once every other holder has written too. */
async function throughSlot(slot: number, answer: Answer): Promise<Answer> {
  slotTable[slot] = answer;
  const holders = (slotHolders.get(slot) ?? 1) - 1;
  slotHolders.set(slot, holders);
  for (const wake of slotWaiters.get(slot)?.splice(0) ?? []) wake();
  if (holders > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SLOT_WAIT_MS);
      const waiters = slotWaiters.get(slot) ?? [];
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      slotWaiters.set(slot, waiters);
    });
  }
  return slotTable[slot] ?? answer;
}

export const CLINICAL_SAFETY_FAULTS = {
  "drops-outside-prescriptions": {
    defect: "Drops medication prescribed elsewhere, keeping only what the practice issued.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.entry = (bundle.entry ?? []).filter(
          (e) =>
            e.resource?.resourceType !== "MedicationStatement" ||
            !JSON.stringify(e.resource).includes("prescribed-by-another-organisation"),
        );
      }),
    catches: {
      "SAFETY-01": /a medication matching \/tramadol\/i is listed/,
      "SAFETY-13": /a medication matching \/tramadol\/i is listed/,
    },
  },
  "strips-prescribing-agency": {
    defect: "Strips the prescribing-agency extension, so outside medication looks like the practice's own.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const entry of bundle.entry ?? []) {
          const resource = entry.resource as fhir.MedicationStatement | undefined;
          if (resource?.resourceType === "MedicationStatement" && resource.extension) {
            resource.extension = resource.extension.filter((x) => !x.url.includes("PrescribingAgency"));
          }
        }
      }),
    catches: {
      "SAFETY-01":
        /marked as prescribed by another organisation: the MedicationStatement has no prescribing agency/,
      "SAFETY-13":
        /marked as prescribed by another organisation: the MedicationStatement has no prescribing agency/,
    },
    // Only when the CORE-09 patient's record holds what it changes.
    mayCatch: { "CORE-09": /the record passed through intact/ },
  },
  "drops-list-warnings": {
    defect:
      "Rebuilds each List from its entries alone, losing the warning codes: nobody is told the record is incomplete.",
    answer: (answer) => changeRecord(answer, (bundle) => filterListWarnings(bundle, () => false)),
    catches: {
      "SAFETY-04": /the Medications and medical devices list warns confidential-items: no warning/,
      "SAFETY-05": /the Medications and medical devices list warns data-awaiting-filing: no warning/,
      "SAFETY-06": /the Allergies and adverse reactions list warns data-in-transit: no warning/,
      "SAFETY-14": /the Medications and medical devices list warns confidential-items: no warning/,
    },
  },
  "drops-confidential-warning": {
    defect:
      "Removes the confidential-items warning, judging that telling a clinician something was withheld discloses too much.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => filterListWarnings(bundle, (code) => code !== "confidential-items")),
    catches: {
      "SAFETY-04": /list warns confidential-items: no warning/,
      "SAFETY-14": /list warns confidential-items: warnings: data-awaiting-filing/,
    },
  },
  "keeps-first-list-warning": {
    defect:
      "Reads a List's warning code as a single value (its 0..1 in the List guidance) and keeps only the first of several.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const list of resourcesOf<fhir.List>(bundle, "List")) {
          if (list.extension === undefined) continue;
          let seen = false;
          list.extension = list.extension.filter((x) => {
            if (x.url !== EXTENSIONS.listWarningCode) return true;
            const first = !seen;
            seen = true;
            return first;
          });
        }
      }),
    catches: {
      "SAFETY-14":
        /the Medications and medical devices list warns data-awaiting-filing: warnings: confidential-items$/,
    },
  },
  "drops-in-transit-warning": {
    defect:
      "Drops the data-in-transit warning as GP2GP housekeeping, so a new patient's thin record looks complete.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => filterListWarnings(bundle, (code) => code !== "data-in-transit")),
    catches: { "SAFETY-06": /list warns data-in-transit: no warning/ },
  },
  "empty-allergies-as-nka": {
    defect: 'Shows an allergies List with nothing in it as "No known allergies", the way its own screens do.',
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const list of resourcesOf<fhir.List>(bundle, "List")) {
          if (!isAllergiesList(list) || (list.entry ?? []).length > 0) continue;
          const id = "nka-0f3c2b8e-5d1a-4f67-9a0e-3b2c1d4e5f60";
          bundle.entry = [
            ...(bundle.entry ?? []),
            {
              resource: {
                resourceType: "AllergyIntolerance",
                id,
                meta: { profile: [PROFILES.allergyIntolerance] },
                clinicalStatus: "active",
                verificationStatus: "unconfirmed",
                type: "allergy",
                category: ["medication"],
                code: { coding: [{ system: SNOMED, code: NO_KNOWN_ALLERGY, display: "No known allergy" }] },
                patient: list.subject,
              } as fhir.AllergyIntolerance,
            },
          ];
          list.entry = [{ item: { reference: `AllergyIntolerance/${id}` } }];
          delete list.emptyReason;
          delete list.note;
        }
      }),
    catches: {
      "SAFETY-03": /the allergies List is empty, with emptyReason no-content-recorded: .*no known allergy/,
    },
    // Only when the CORE-09 patient's record holds what it changes.
    mayCatch: { "CORE-09": /the record passed through intact/ },
  },
  "drops-no-known-allergy-entry": {
    defect:
      'Filters "No known allergy" out of the allergies as not being an allergy, leaving a List that says nothing.',
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        const nka = new Set(
          resourcesOf<fhir.AllergyIntolerance>(bundle, "AllergyIntolerance")
            .filter((a) => (a.code?.coding ?? []).some((c) => c.code === NO_KNOWN_ALLERGY))
            .map((a) => `AllergyIntolerance/${a.id}`),
        );
        bundle.entry = (bundle.entry ?? []).filter(
          (e) => !nka.has(`${e.resource?.resourceType}/${e.resource?.id}`),
        );
        for (const list of resourcesOf<fhir.List>(bundle, "List")) {
          if (list.entry) list.entry = list.entry.filter((e) => !nka.has(e.item.reference ?? ""));
          if (list.entry?.length === 0) delete list.entry;
        }
      }),
    catches: {
      "SAFETY-02":
        /the allergies List states no known allergies: the allergies List is empty and gives no emptyReason/,
    },
    // When the large record's patient has no known allergies, the statement missing is one resource fewer.
    mayCatch: {
      "CORE-08":
        /the record holds everything the practice's record holds: .*missing from the gateway's: 1 of 1 AllergyIntolerance/,
      "CORE-09": /the record passed through intact/,
    },
  },
  "drops-empty-reason": {
    defect:
      "Passes an empty List on without its emptyReason, so an empty list no longer says why it is empty.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const list of resourcesOf<fhir.List>(bundle, "List")) delete list.emptyReason;
      }),
    catches: {
      "SAFETY-03":
        /the allergies List is empty, with emptyReason no-content-recorded: .*gives no emptyReason/,
    },
    // Whichever of the patient's Lists are empty lose their reason: most records have one.
    mayCatch: { "CORE-09": /the record passed through intact: .*List coded \d+ emptyReason/ },
  },
  "passes-first-areas-only": {
    defect:
      "Built when only allergies and medication were live: passes on those areas' Lists alone, so the problems List and its warnings never arrive.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        const known: string[] = [LIST_CODES.allergies.code, LIST_CODES.medications.code];
        bundle.entry = (bundle.entry ?? []).filter((e) => {
          const list = e.resource as fhir.List | undefined;
          return (
            list?.resourceType !== "List" ||
            (list.code?.coding ?? []).some((c) => known.includes(c.code ?? ""))
          );
        });
      }),
    catches: {
      "SAFETY-04": /a List for includeProblems \(Problems\): 0 Lists coded/,
      "CORE-04": /a List for includeConsultations \(List of consultations\): 0 Lists/,
      "CORE-08": /a List for includeUncategorisedData \(Miscellaneous record\): 0 Lists/,
      "CORE-09": /a List for includeConsultations \(List of consultations\): 0 Lists/,
    },
  },
  "strips-record-outcomes": {
    defect:
      "Keeps only clinical resources of a record, dropping the OperationOutcome that says an area was switched off.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.entry = (bundle.entry ?? []).filter((e) => e.resource?.resourceType !== "OperationOutcome");
      }),
    catches: {
      "SAFETY-07": /the record says includeAllergies is not supported: the record carries no not-supported/,
    },
  },
  "fills-missing-lists": {
    defect:
      "Gives every clinical area asked for a List, adding an empty one where the practice sent none: a switched-off area reads as nothing recorded.",
    answer: (answer, original) =>
      changeRecord(answer, (bundle) => {
        const lists = resourcesOf<fhir.List>(bundle, "List");
        const subject = lists[0]?.subject ?? { reference: "Patient/1" };
        for (const area of areasAsked(original.body)) {
          const { code, display } = AREA_LISTS[area];
          if (lists.some((l) => (l.code?.coding ?? []).some((c) => c.code === code))) continue;
          bundle.entry = [
            ...(bundle.entry ?? []),
            {
              resource: {
                resourceType: "List",
                meta: { profile: [PROFILES.list] },
                status: "current",
                mode: "snapshot",
                title: display,
                code: { coding: [{ system: SNOMED, code, display }] },
                subject,
                note: [{ text: "Information not available" }],
                emptyReason: {
                  coding: [
                    {
                      system: CODE_SYSTEMS.listEmptyReason,
                      code: "no-content-recorded",
                      display: "No Content Recorded",
                    },
                  ],
                },
              } as fhir.List,
            },
          ];
        }
      }),
    catches: {
      "SAFETY-07":
        /the Allergies and adverse reactions list is left out, not shown as nothing recorded: .*empty/,
    },
  },
  "practice-not-found-as-empty-record": {
    defect:
      "Once PDS has found the patient, takes the practice's PATIENT_NOT_FOUND to mean nothing is held there, and shows an empty record.",
    south: {
      practice: async (call, send) => {
        const answer = await send(call);
        if (answer.status !== 404 || !answer.body.includes("PATIENT_NOT_FOUND")) return answer;
        const empty = {
          resourceType: "Bundle",
          meta: { profile: [PROFILES.bundle] },
          type: "collection",
          entry: [],
        };
        return { ...answer, status: 200, body: JSON.stringify(empty) };
      },
    },
    catches: {
      "SAFETY-08": /HTTP status 404: the gateway answered 200/,
      "SAFETY-10": /HTTP status 404: the gateway answered 200/,
    },
  },
  "discloses-restriction": {
    defect:
      "Tells the clinician that a patient's record is restricted, instead of answering as for anyone not found.",
    south: {
      pds: async (call, send) => {
        const answer = await send(call);
        const nhsNumber = /\/Patient\/(\d{10})/.exec(call.url)?.[1];
        if (nhsNumber !== undefined && answer.status === 200 && /"code"\s*:\s*"R"/.test(answer.body))
          restrictedPatients.add(nhsNumber);
        return answer;
      },
    },
    answer: (answer, original) => {
      const nhsNumber = /"value"\s*:\s*"(\d{10})"/.exec(original.body)?.[1] ?? "";
      if (answer.status !== 404 || !restrictedPatients.has(nhsNumber)) return answer;
      const outcome = operationOutcome(
        "ACCESS DENIED",
        "The patient's record is restricted and cannot be shared",
      );
      return { status: 403, body: JSON.stringify(outcome) };
    },
    catches: { "SAFETY-09": /HTTP status 404: the gateway answered 403 \(ACCESS DENIED\)/ },
  },
  "ascii-folds-names": {
    defect:
      "Stores names in a seven-bit field: diacritics folded, apostrophes dropped, hyphens made spaces (Siân O'Brien as Sian OBrien).",
    answer: (answer) => changeRecord(answer, (bundle) => changeNames(bundle, asciiFolded)),
    catches: { "SAFETY-11": /the patient's name is shown as recorded: the record shows/ },
    // Only a record whose names carry diacritics, apostrophes or hyphens is changed.
    mayCatch: { "CORE-09": /the record passed through intact: .* name\[0\]/ },
  },
  "upper-cases-names": {
    defect: "Shows every name in capitals, as its legacy patient index stores them.",
    answer: (answer) => changeRecord(answer, (bundle) => changeNames(bundle, (text) => text.toUpperCase())),
    catches: {
      "SAFETY-11": /the patient's name is shown as recorded: the record shows/,
      "CORE-09": /the record passed through intact: .*Patient\/\S+ name\[0\]\.family/,
    },
  },
  "mixes-concurrent-records": {
    defect: `Hands answers out through a table of ${ANSWER_SLOTS} shared slots: when more requests are in flight, two share a slot and one is given the other's record.`,
    before: async (original) => {
      let slot = [...Array(ANSWER_SLOTS).keys()].find((s) => (slotHolders.get(s) ?? 0) === 0);
      if (slot === undefined) slot = sharedSlot++ % ANSWER_SLOTS;
      slotHolders.set(slot, (slotHolders.get(slot) ?? 0) + 1);
      slotOf.set(original, slot);
    },
    answer: async (answer, original) => {
      const slot = slotOf.get(original);
      if (slot === undefined) return answer;
      // While another request holds the slot, its answer lands there before this one is read back.
      return throughSlot(slot, answer);
    },
    catches: { "SAFETY-12": /the record is the patient's: no Patient in the bundle carries NHS number/ },
  },
  "stopped-medication-shown-current": {
    defect:
      "Keeps only current medication in its own model: a stopped statement and its plan come out active, the reason for stopping dropped.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const type of ["MedicationStatement", "MedicationRequest"] as const) {
          for (const item of resourcesOf<fhir.MedicationStatement | fhir.MedicationRequest>(bundle, type)) {
            if (item.status !== "stopped") continue;
            item.status = "active";
            item.extension = (item.extension ?? []).filter(
              (x) => x.url !== MEDICATION_EXTENSIONS.statusReason,
            );
          }
        }
      }),
    catches: { "SAFETY-15": /the stopped medication is not shown as current: statement active, plan active/ },
    // Only when the CORE-09 patient's record holds what it changes.
    mayCatch: { "CORE-09": /the record passed through intact/ },
  },
} satisfies Record<string, Fault>;
