/**
 * Faulty gateways that find the wrong patient or the wrong practice, look up what they should reject, ask for
 * the wrong clinical areas, or pass on a record that is not whole or not GP Connect's shape.
 */
import { request } from "undici";
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from "../../../gpconnect/identifiers.js";
import { CLINICAL_AREA_PARAMETERS } from "../../../gpconnect/parameters.js";
import { ControlClient } from "../../../simulators/index.js";
import { changeRecord, type Fault, resourcesOf } from "../faulty-gateway.js";
import { everyRecordScenario } from "./record-scenarios.js";

/** The NHS number a Parameters body asks about (the first identifier value in it). */
const askedNumber = (body: string) => /"value"\s*:\s*"(\d{10})"/.exec(body)?.[1];

/** A Parameters body changed by `change`; left as it was when it is not JSON. */
function changeParameters(body: string, change: (parameters: fhir.Parameters) => void): string {
  try {
    const parameters = JSON.parse(body) as fhir.Parameters;
    change(parameters);
    return JSON.stringify(parameters);
  } catch {
    return body;
  }
}

/** Every record-returning scenario failing on one check's words. */
const everyRecord = everyRecordScenario;

/** What PDS answered each current number for, when it was asked under an older one: current → typed. */
const typedNumbers = new Map<string, string>();
/** The practice each patient left, learnt from the region before the lookup: NHS number → ODS code. */
const leftPractices = new Map<string, string>();

/** The items of a List a paging gateway passes on: the first page only. */
const PAGE_SIZE = 200;

/** The Bundle with each List cut to its first page, and the resources only the rest referenced dropped. */
function firstPageOfEachList(bundle: fhir.Bundle): void {
  const dropped = new Set<string>();
  for (const list of resourcesOf<fhir.List>(bundle, "List")) {
    for (const item of (list.entry ?? []).slice(PAGE_SIZE)) dropped.add(item.item.reference ?? "");
    if (list.entry !== undefined) list.entry = list.entry.slice(0, PAGE_SIZE);
  }
  bundle.entry = (bundle.entry ?? []).filter(
    (e) => !dropped.has(`${e.resource?.resourceType}/${e.resource?.id}`),
  );
}

/** The extensions a gateway built on a strict model of the profiles keeps: NHS England's, HL7 UK's and HL7's. */
const KNOWN_EXTENSION = /^https?:\/\/(fhir\.nhs\.uk|fhir\.hl7\.org\.uk|hl7\.org)\//;

/** Drops, at every depth, each extension whose URL the gateway's model does not know. */
function dropUnknownExtensions(value: unknown): void {
  if (Array.isArray(value)) for (const item of value) dropUnknownExtensions(item);
  else if (value !== null && typeof value === "object") {
    const element = value as Record<string, unknown>;
    if (Array.isArray(element.extension))
      // A complex extension's parts are named, not addressed: they stay with the extension they belong to.
      element.extension = element.extension.filter((e: { url?: string }) => {
        const url = e?.url ?? "";
        return !/^https?:/.test(url) || KNOWN_EXTENSION.test(url);
      });
    for (const child of Object.values(element)) dropUnknownExtensions(child);
  }
}

/** Cuts every note's text to a database column's 4,000 characters. */
function cutNotes(bundle: fhir.Bundle): void {
  for (const entry of bundle.entry ?? []) {
    for (const note of (entry.resource as { note?: fhir.Annotation[] } | undefined)?.note ?? [])
      if (typeof note.text === "string") note.text = note.text.slice(0, 4000);
  }
}

export const CORE_FAULTS = {
  "looks-up-before-validating": {
    defect: "Looks the number up in PDS before checking it.",
    before: async (original, spine) => {
      const nhsNumber = /"value"\s*:\s*"(\d+)"/.exec(original.body)?.[1] ?? "";
      const lookup = await request(`${spine.pds}/Patient/${nhsNumber}`, {
        headers: { "x-request-id": "3f1e9bd0-41c6-4d8c-9a8e-5c6f8d3a2b10" },
      });
      await lookup.body.dump();
    },
    catches: {
      "SECURITY-08": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-09": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-10": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-11": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-12": /PDS was not asked about the number: PDS received 1 request/,
      "CORE-02": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-05": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-07": /PDS was not asked about the number: PDS received 1 request/,
    },
  },
  "forwards-typed-number": {
    defect:
      "Asks the practice for the NHS number the clinician typed, not the current one PDS answered with, so a superseded number finds nobody.",
    south: {
      pds: async (call, send) => {
        const answer = await send(call);
        const asked = /\/Patient\/(\d{10})/.exec(call.url)?.[1];
        const current = answer.status === 200 ? (JSON.parse(answer.body) as { id?: string }).id : undefined;
        if (asked !== undefined && current !== undefined && current !== asked)
          typedNumbers.set(current, asked);
        return answer;
      },
      practice: (call, send) => {
        const current = askedNumber(call.body);
        const typed = current === undefined ? undefined : typedNumbers.get(current);
        return send(typed === undefined ? call : { ...call, body: call.body.replaceAll(current!, typed) });
      },
    },
    catches: {
      "CORE-07":
        /the record was requested from the practice .*: the practice's journal holds no record request/,
    },
  },
  "echoes-typed-number": {
    defect:
      "Stamps the NHS number the clinician typed onto the returned Patient, so a superseded number is shown as the patient's current one.",
    answer: (answer, original) =>
      changeRecord(answer, (bundle) => {
        const typed = askedNumber(original.body);
        for (const patient of resourcesOf<fhir.Patient>(bundle, "Patient"))
          for (const id of patient.identifier ?? [])
            if (id.system === NHS_NUMBER_SYSTEM && typed) id.value = typed;
      }),
    catches: { "CORE-07": /the record is the patient's: no Patient in the bundle carries NHS number/ },
  },
  "stale-registration": {
    defect:
      "Routes by a registration it holds from before the patient moved, asking the practice they left for the record.",
    before: async (original, spine) => {
      const nhsNumber = askedNumber(original.body);
      if (nhsNumber === undefined) return;
      const patient = await new ControlClient(spine.control).patient(nhsNumber);
      if (patient.previousOds !== undefined) leftPractices.set(nhsNumber, patient.previousOds);
    },
    south: {
      pds: async (call, send) => {
        const answer = await send(call);
        const nhsNumber = /\/Patient\/(\d{10})/.exec(call.url)?.[1] ?? "";
        const left = leftPractices.get(nhsNumber);
        if (answer.status !== 200 || left === undefined) return answer;
        const patient = JSON.parse(answer.body) as {
          generalPractitioner?: { identifier?: fhir.Identifier }[];
        };
        for (const gp of patient.generalPractitioner ?? [])
          if (gp.identifier?.system === ODS_ORGANISATION_SYSTEM) gp.identifier.value = left;
        return { ...answer, body: JSON.stringify(patient) };
      },
    },
    catches: {
      "CORE-06":
        /no record request for the patient reached the practice they left .*: it received 1 record request/,
      // A record in transit is a moved patient's too: the practice they left no longer has them registered.
      "SAFETY-06": /HTTP status 200: the gateway answered 404 \(PATIENT_NOT_FOUND\)/,
    },
  },
  "asks-for-every-area": {
    defect: "Asks the practice for every clinical area whatever the clinician asked for.",
    request: (r) => {
      r.body = changeParameters(r.body, (parameters) => {
        const asked = new Set((parameters.parameter ?? []).map((p) => p.name));
        for (const area of CLINICAL_AREA_PARAMETERS)
          if (!asked.has(area)) parameters.parameter = [...(parameters.parameter ?? []), { name: area }];
      });
    },
    catches: { "CORE-05": /the record holds only the clinical areas asked for: includeMedication was not/ },
  },
  "first-release-areas": {
    defect:
      "Passes on only the clinical areas of its first release (allergies and medication), silently dropping the rest.",
    request: (r) => {
      r.body = changeParameters(r.body, (parameters) => {
        parameters.parameter = (parameters.parameter ?? []).filter(
          (p) =>
            !(CLINICAL_AREA_PARAMETERS as readonly string[]).includes(p.name) ||
            p.name === "includeAllergies" ||
            p.name === "includeMedication",
        );
      });
    },
    catches: {
      "CORE-04": /a List for includeConsultations \(List of consultations\): 0 Lists/,
      "CORE-08": /a List for includeUncategorisedData \(Miscellaneous record\): 0 Lists/,
      "CORE-09": /a List for includeConsultations \(List of consultations\): 0 Lists/,
      "SAFETY-04": /a List for includeProblems \(Problems\): 0 Lists/,
    },
  },
  "truncates-large-records": {
    defect: `Passes on the first ${PAGE_SIZE} items of each List and drops the rest, as though one page were all.`,
    answer: (answer) => changeRecord(answer, firstPageOfEachList),
    catches: { "CORE-08": /the record holds everything the practice's record holds: .*missing/ },
  },
  "drops-unknown-extensions": {
    defect:
      "Maps the record through a model of the GP Connect profiles, dropping every extension it does not know.",
    answer: (answer) => changeRecord(answer, (bundle) => dropUnknownExtensions(bundle.entry)),
    catches: { "CORE-09": /the record passed through intact: .* changed without a word: \w+\/\S+ extension/ },
  },
  "cuts-long-notes": {
    defect: "Stores notes in a 4,000-character column, cutting longer ones short.",
    answer: (answer) => changeRecord(answer, cutNotes),
    catches: {
      "CORE-09":
        /the record passed through intact: 1 resource of \d+ changed without a word: \w+\/\S+ note\[\d\]\.text: the practice's 12000 characters, the gateway's 4000 characters/,
    },
  },
  "drops-lists": {
    defect: "Flattens the record: passes on the clinical items but drops the Lists that group them by area.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.entry = (bundle.entry ?? []).filter((e) => e.resource?.resourceType !== "List");
      }),
    catches: everyRecord(/a List for include\w+ \(.*\): 0 Lists/),
  },
  "wraps-record-in-parameters": {
    defect: "Answers the operation with a Parameters resource carrying the Bundle, not the Bundle itself.",
    answer: (answer, original) =>
      answer.status === 200 && original.method === "POST"
        ? {
            ...answer,
            body: JSON.stringify({
              resourceType: "Parameters",
              parameter: [{ name: "return", resource: JSON.parse(answer.body) }],
            }),
          }
        : answer,
    catches: everyRecord(/a FHIR Bundle: the body is a Parameters/),
  },
  "searchset-bundle": {
    defect: "Answers the record as a searchset Bundle, as a FHIR search would, not GP Connect's collection.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.type = "searchset";
      }),
    catches: everyRecord(/the record is a collection: Bundle.type is "searchset"/),
  },
  "drops-profile": {
    defect: "Rebuilds the Bundle without its meta, losing the structured-record profile it claims.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        delete bundle.meta;
      }),
    catches: everyRecord(
      /the record carries the GP Connect structured-record profile: Bundle.meta.profile: none/,
    ),
  },
  "duplicates-patient": {
    defect: "Adds the patient as PDS describes them beside the practice's Patient, so the record holds two.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        const [patient] = resourcesOf<fhir.Patient>(bundle, "Patient");
        if (patient !== undefined)
          bundle.entry = [...(bundle.entry ?? []), { resource: { ...patient, id: `${patient.id}-pds` } }];
      }),
    catches: everyRecord(/the record holds exactly one Patient: 2 Patient resources/),
  },
  "drops-practice-organisation": {
    defect:
      "Keeps only clinical content and people, dropping the Organization resources (the practice with them).",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.entry = (bundle.entry ?? []).filter((e) => e.resource?.resourceType !== "Organization");
      }),
    catches: everyRecord(/the record names the registered practice: Organizations with ODS codes: none/),
  },
  "one-letter-gender": {
    defect: "Writes the patient's gender as the practice system shows it (M, F), which is not a FHIR gender.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const patient of resourcesOf<fhir.Patient>(bundle, "Patient"))
          if (patient.gender !== undefined) patient.gender = patient.gender.charAt(0).toUpperCase() as "male";
      }),
    catches: everyRecord(/the record is valid FHIR STU3: .*gender/),
  },
} satisfies Record<string, Fault>;
