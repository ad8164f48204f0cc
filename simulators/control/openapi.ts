/**
 * The control API's OpenAPI 3 description, served at `GET /_control/openapi.json`. Written by hand as a
 * typed object, and kept honest by a test: every route the control server registers is described here,
 * and every path here is registered.
 */

import { CLINICAL_AREA_PARAMETERS } from "../../gpconnect/parameters.js";
import { MAX_FAULT_DELAY_MS } from "../faults/faults.js";
import { TRAITS } from "../population/types.js";

export interface SchemaObject {
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaObject;
  readonly items?: SchemaObject;
  readonly enum?: readonly (string | number | boolean)[];
  readonly oneOf?: readonly SchemaObject[];
  readonly $ref?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly nullable?: boolean;
}

export interface ParameterObject {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required?: boolean;
  readonly description: string;
  readonly schema: SchemaObject;
}

export interface MediaTypeObject {
  readonly schema: SchemaObject;
}

export interface ResponseObject {
  readonly description: string;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly ParameterObject[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: Readonly<Record<string, MediaTypeObject>>;
  };
  readonly responses: Readonly<Record<string, ResponseObject>>;
}

export type HttpMethodName = "get" | "put" | "post" | "delete";
export type PathItemObject = Partial<Record<HttpMethodName, OperationObject>>;

export interface OpenApiDocument {
  readonly openapi: "3.0.3";
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Readonly<Record<string, PathItemObject>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, SchemaObject>>;
    readonly securitySchemes: Readonly<Record<string, { readonly type: "http"; readonly scheme: "bearer" }>>;
  };
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
}

const ref = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: SchemaObject): Readonly<Record<string, MediaTypeObject>> => ({
  "application/json": { schema },
});
const error = (description: string): ResponseObject => ({ description, content: json(ref("Error")) });

/** The answers any control route may give besides its own. */
const COMMON_ERRORS: Readonly<Record<string, ResponseObject>> = {
  "401": error("A control token is configured and the request does not present it"),
  "403": error("No token is configured and the caller is not on loopback"),
};
const BODY_ERRORS: Readonly<Record<string, ResponseObject>> = {
  "400": error("The body is not JSON, or a field is missing or wrong (the message names it)"),
  "413": error("The body is larger than 64 KiB"),
  "415": error("The body is not application/json"),
};

const target: ParameterObject = {
  name: "target",
  in: "path",
  required: true,
  description: '"pds", "sds", or the ODS code of a practice in the region',
  schema: { type: "string" },
};

const practiceOds: ParameterObject = {
  name: "ods",
  in: "path",
  required: true,
  description: "The ODS code of a practice in the region",
  schema: { type: "string" },
};

const disabledAreasAnswer = (description: string): ResponseObject => ({
  description,
  content: json(ref("DisabledAreas")),
});

const sharingAgreementsAnswer = (description: string): ResponseObject => ({
  description,
  content: json(ref("SharingAgreements")),
});

/** ODS codes as the region accepts them (the same shape as a consumer's). */
const ODS_CODE_PATTERN = "^[A-Z0-9]{3,10}$";

const milliseconds = (description: string, minimum: number): SchemaObject => ({
  type: "integer",
  minimum,
  maximum: MAX_FAULT_DELAY_MS,
  description,
});

const requestFaults: readonly SchemaObject[] = [
  simpleFault("hang", "The connection is accepted and the request read; no answer ever comes"),
  {
    type: "object",
    description: "The normal answer, late: a fixed delay, or log-normal with a median and 95th percentile",
    required: ["kind"],
    additionalProperties: false,
    properties: {
      kind: { type: "string", enum: ["slow"] },
      delayMs: milliseconds("Fixed delay (give this, or medianMs and p95Ms)", 0),
      medianMs: milliseconds("Median of the log-normal delay", 1),
      p95Ms: milliseconds("95th percentile of the log-normal delay (at least medianMs)", 1),
      seed: { type: "integer", minimum: 0, description: "Seed of the delays drawn (default 1)" },
    },
  },
  {
    type: "object",
    description: "An HTTP error with an OperationOutcome in the service's own catalogue",
    required: ["kind", "status"],
    additionalProperties: false,
    properties: {
      kind: { type: "string", enum: ["error"] },
      status: { type: "integer", minimum: 400, maximum: 599 },
      code: {
        type: "string",
        description:
          "An error code of the target's catalogue (GP Connect, PDS or SDS); default: the one for the status",
      },
      diagnostics: { type: "string", description: "Text for the OperationOutcome's diagnostics" },
    },
  },
  simpleFault("malformed", "200 with a body that is not JSON"),
  simpleFault(
    "truncated",
    "200 announcing a longer body (Content-Length) than is sent, then the connection closes",
  ),
  simpleFault("reset", "The connection is reset (TCP RST) after the request is read"),
];

function simpleFault(kind: string, description: string): SchemaObject {
  return {
    type: "object",
    description,
    required: ["kind"],
    additionalProperties: false,
    properties: { kind: { type: "string", enum: [kind] } },
  };
}

const journalQuery: readonly ParameterObject[] = [
  {
    name: "target",
    in: "query",
    description: "Only requests to this kind of service",
    schema: { type: "string", enum: ["pds", "sds", "practice"] },
  },
  { name: "ods", in: "query", description: "Only requests to this practice", schema: { type: "string" } },
  {
    name: "nhsNumber",
    in: "query",
    description: "Only requests about this patient",
    schema: { type: "string", pattern: "^\\d{10}$" },
  },
  {
    name: "after",
    in: "query",
    description: "Only entries with a greater sequence number",
    schema: { type: "integer", minimum: 0 },
  },
  {
    name: "since",
    in: "query",
    description: "Only requests that arrived at or after this time (ISO 8601)",
    schema: { type: "string", format: "date-time" },
  },
  {
    name: "until",
    in: "query",
    description: "Only requests that arrived before this time (ISO 8601)",
    schema: { type: "string", format: "date-time" },
  },
];

export const CONTROL_API_VERSION = "1.2.0";

export const CONTROL_OPENAPI: OpenApiDocument = {
  openapi: "3.0.3",
  info: {
    title: "gp-harness simulated region: control API",
    version: CONTROL_API_VERSION,
    description:
      "Drives a simulated region (PDS, SDS and GP practices): read where everything is, add practices, " +
      "patients and consumer organisations, set and clear faults, switch clinical areas off at a practice, " +
      "name the consumer organisations a practice has no data-sharing agreement with, " +
      "read and clear the journal of every " +
      "request the simulators received. Served to loopback callers only, unless the region was started " +
      "with a control token; then to any caller presenting it as a bearer token. Errors are JSON " +
      '`{"error": "..."}` naming the field at fault.',
  },
  paths: {
    "/_control/openapi.json": {
      get: {
        operationId: "getOpenApi",
        summary: "This description",
        tags: ["region"],
        responses: { "200": { description: "OpenAPI 3 document", content: json({ type: "object" }) } },
      },
    },
    "/_control/region": {
      get: {
        operationId: "getRegion",
        summary: "Where everything is: PDS, SDS, practices, consumers, sample patients",
        tags: ["region"],
        responses: { "200": { description: "The region", content: json(ref("Region")) }, ...COMMON_ERRORS },
      },
    },
    "/_control/practices": {
      post: {
        operationId: "addPractice",
        summary: "Add a practice, listening on its own port",
        tags: ["population"],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["system"],
            additionalProperties: false,
            properties: {
              system: { type: "string", enum: ["emis", "tpp"] },
              sharingEnabled: {
                type: "boolean",
                description: "Whether the practice shares records over GP Connect (default true)",
              },
            },
          }),
        },
        responses: {
          "201": { description: "The practice", content: json(ref("Practice")) },
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/practices/{ods}/disabled-areas": {
      get: {
        operationId: "getDisabledAreas",
        summary: "The clinical areas switched off at a practice",
        tags: ["practices"],
        parameters: [practiceOds],
        responses: {
          "200": disabledAreasAnswer("The areas switched off now ([] when none)"),
          "404": error("No practice has this ODS code"),
          ...COMMON_ERRORS,
        },
      },
      put: {
        operationId: "setDisabledAreas",
        summary: "Switch clinical areas off at a practice, as GP Connect 1.6 requires a provider can",
        description:
          "Replaces the practice's setting; [] switches every area back on. From the next request, the " +
          "practice answers a record request that asks for a switched-off area with 200, the record of " +
          "the other areas (the area is left out as if its parameter had not been sent), and one " +
          "OperationOutcome in the Bundle with a warning per switched-off area asked for: not-supported, " +
          'NOT_IMPLEMENTED, text "<parameter> has been disabled", diagnostics "<parameter>". A request ' +
          "whose areas are all switched off is answered the same way (the Patient and the warning). " +
          "Areas are switched off per practice; for all sites, make this call for each practice.",
        tags: ["practices"],
        parameters: [practiceOds],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["areas"],
            additionalProperties: false,
            properties: { areas: ref("ClinicalAreaList") },
          }),
        },
        responses: {
          "200": disabledAreasAnswer("The areas switched off now"),
          "404": error("No practice has this ODS code"),
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: "clearDisabledAreas",
        summary: "Switch every clinical area back on at a practice",
        tags: ["practices"],
        parameters: [practiceOds],
        responses: {
          "204": { description: "Every area is on" },
          "404": error("No practice has this ODS code"),
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/practices/{ods}/sharing-agreements": {
      get: {
        operationId: "getSharingAgreements",
        summary: "The consumer organisations a practice has no data-sharing agreement with",
        tags: ["practices"],
        parameters: [practiceOds],
        responses: {
          "200": sharingAgreementsAnswer(
            "The organisations without an agreement now ([] when every one has)",
          ),
          "404": error("No practice has this ODS code"),
          ...COMMON_ERRORS,
        },
      },
      put: {
        operationId: "setSharingAgreements",
        summary: "Name the consumer organisations a practice has no data-sharing agreement with",
        description:
          "Replaces the practice's setting; [] gives every organisation an agreement again. From the next " +
          "request, a structured-record request whose JWT requesting_organization carries one of these ODS " +
          "codes is answered 403 with an OperationOutcome NO_ORGANISATION_CONSENT (Organisation has not " +
          "provided consent to share data), diagnostics naming both organisations, as a provider enforcing " +
          "its local consent rules answers it: after the Ssp headers and the JWT are checked, before the practice's own checks and " +
          "before the patient is looked up. Behind a gateway that passes its consumer's " +
          "requesting_organization on, the organisation checked is that consumer.",
        tags: ["practices"],
        parameters: [practiceOds],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["withoutAgreement"],
            additionalProperties: false,
            properties: { withoutAgreement: ref("OdsCodeList") },
          }),
        },
        responses: {
          "200": sharingAgreementsAnswer("The organisations without an agreement now"),
          "404": error("No practice has this ODS code"),
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: "clearSharingAgreements",
        summary: "Give every consumer organisation a data-sharing agreement with a practice again",
        tags: ["practices"],
        parameters: [practiceOds],
        responses: {
          "204": { description: "Every organisation has an agreement" },
          "404": error("No practice has this ODS code"),
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/patients": {
      post: {
        operationId: "addPatient",
        summary: "Add a patient with traits to a practice's list",
        tags: ["population"],
        requestBody: {
          required: true,
          content: json({
            type: "object",
            required: ["ods"],
            additionalProperties: false,
            properties: {
              ods: { type: "string", description: "The practice's ODS code" },
              traits: { type: "array", items: { type: "string", enum: TRAITS } },
            },
          }),
        },
        responses: {
          "201": { description: "The patient", content: json(ref("Patient")) },
          "404": error("No practice has this ODS code"),
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/consumers": {
      post: {
        operationId: "addConsumer",
        summary: "Register a consumer organisation (ODS code and ASID) in SDS",
        tags: ["population"],
        requestBody: { required: true, content: json(ref("Consumer")) },
        responses: {
          "201": { description: "The consumer as SDS knows it", content: json(ref("Consumer")) },
          "409": error("The ASID is already registered for another organisation"),
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/unknown-nhs-number": {
      get: {
        operationId: "getUnknownNhsNumber",
        summary: "A valid 999-range NHS number that no patient of the region has",
        tags: ["population"],
        responses: {
          "200": {
            description: "The number",
            content: json({
              type: "object",
              required: ["nhsNumber"],
              properties: { nhsNumber: { type: "string", pattern: "^999\\d{7}$" } },
            }),
          },
          ...COMMON_ERRORS,
        },
      },
    },
    "/_control/faults": {
      get: {
        operationId: "listFaults",
        summary: "The faults set now, by target",
        tags: ["faults"],
        responses: {
          "200": {
            description: "Faults by target",
            content: json({
              type: "object",
              required: ["faults"],
              properties: { faults: { type: "object", additionalProperties: ref("Fault") } },
            }),
          },
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: "clearFaults",
        summary: "Clear every fault (offline services listen again; held requests are released)",
        tags: ["faults"],
        responses: { "204": { description: "Cleared" }, ...COMMON_ERRORS },
      },
    },
    "/_control/faults/{target}": {
      put: {
        operationId: "setFault",
        summary: "Set (or replace) the fault of PDS, SDS or a practice",
        tags: ["faults"],
        parameters: [target],
        requestBody: { required: true, content: json(ref("Fault")) },
        responses: {
          "200": {
            description: "The fault as set",
            content: json({
              type: "object",
              required: ["target", "fault"],
              properties: { target: { type: "string" }, fault: ref("Fault") },
            }),
          },
          "404": error("No such target"),
          ...BODY_ERRORS,
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: "clearFault",
        summary: "Clear the fault of a target",
        tags: ["faults"],
        parameters: [target],
        responses: { "204": { description: "Cleared" }, "404": error("No such target"), ...COMMON_ERRORS },
      },
    },
    "/_control/journal": {
      get: {
        operationId: "readJournal",
        summary: "Every request the simulators received, oldest first, filtered",
        tags: ["journal"],
        parameters: journalQuery,
        responses: {
          "200": { description: "Entries and the journal's bounds", content: json(ref("JournalPage")) },
          "400": error("A filter is unknown or has the wrong form"),
          ...COMMON_ERRORS,
        },
      },
      delete: {
        operationId: "clearJournal",
        summary: "Empty the journal (sequence numbers keep counting)",
        tags: ["journal"],
        responses: { "204": { description: "Cleared" }, ...COMMON_ERRORS },
      },
    },
  },
  components: {
    securitySchemes: { controlToken: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: {
        type: "object",
        required: ["error"],
        properties: { error: { type: "string", description: "What was wrong, naming the field" } },
      },
      Practice: {
        type: "object",
        required: ["ods", "name", "system", "asid", "endpoint"],
        properties: {
          ods: { type: "string" },
          name: { type: "string" },
          system: { type: "string", enum: ["emis", "tpp"] },
          asid: { type: "string" },
          endpoint: { type: "string", description: "GP Connect FHIR base URL, as SDS publishes it" },
        },
      },
      ClinicalAreaList: {
        type: "array",
        description: "GP Connect 1.6 clinical area parameters, each naming one area",
        items: { type: "string", enum: CLINICAL_AREA_PARAMETERS },
      },
      DisabledAreas: {
        type: "object",
        required: ["ods", "areas"],
        properties: {
          ods: { type: "string" },
          areas: ref("ClinicalAreaList"),
        },
      },
      OdsCodeList: {
        type: "array",
        description: "ODS codes of consumer organisations",
        items: { type: "string", pattern: ODS_CODE_PATTERN },
      },
      SharingAgreements: {
        type: "object",
        required: ["ods", "withoutAgreement"],
        properties: {
          ods: { type: "string" },
          withoutAgreement: ref("OdsCodeList"),
        },
      },
      Patient: {
        type: "object",
        required: ["nhsNumber", "ods", "system", "traits", "name"],
        properties: {
          nhsNumber: { type: "string" },
          ods: { type: "string" },
          system: { type: "string", enum: ["emis", "tpp"] },
          traits: { type: "array", items: { type: "string", enum: TRAITS } },
          name: { type: "string" },
        },
      },
      Consumer: {
        type: "object",
        required: ["ods", "asid"],
        additionalProperties: false,
        properties: {
          ods: { type: "string", pattern: ODS_CODE_PATTERN },
          asid: { type: "string", pattern: "^\\d{12}$" },
          name: { type: "string" },
        },
      },
      Region: {
        type: "object",
        required: [
          "seed",
          "referenceDate",
          "pds",
          "sds",
          "control",
          "openapi",
          "consumer",
          "consumers",
          "practices",
          "patients",
        ],
        properties: {
          seed: { type: "integer" },
          referenceDate: { type: "string", format: "date" },
          pds: { type: "string", description: "PDS FHIR R4 base URL" },
          sds: { type: "string", description: "SDS FHIR R4 base URL" },
          control: { type: "string" },
          openapi: { type: "string" },
          consumer: ref("Consumer"),
          consumers: { type: "array", items: ref("Consumer") },
          practices: { type: "array", items: ref("Practice") },
          patients: { type: "array", items: ref("Patient") },
        },
      },
      Fault: {
        description: "What is wrong with a service",
        oneOf: [
          simpleFault("offline", "Connections refused: the service's port is closed"),
          ...requestFaults,
          {
            type: "object",
            description: "Every Nth request, or each with a seeded probability, meets the inner fault",
            required: ["kind", "fault"],
            additionalProperties: false,
            properties: {
              kind: { type: "string", enum: ["flapping"] },
              every: { type: "integer", minimum: 1, description: "Give this, or probability" },
              probability: { type: "number", minimum: 0, maximum: 1 },
              seed: { type: "integer", minimum: 0, description: "Seed of the draws (default 1)" },
              fault: { oneOf: requestFaults },
            },
          },
        ],
      },
      JournalEntry: {
        type: "object",
        required: ["seq", "time", "target", "method", "path", "query", "headers", "status", "latencyMs"],
        properties: {
          seq: { type: "integer" },
          time: { type: "string", format: "date-time" },
          target: { type: "string", enum: ["pds", "sds", "practice"] },
          ods: { type: "string" },
          method: { type: "string" },
          path: { type: "string" },
          query: { type: "object" },
          headers: { type: "object", additionalProperties: { type: "string" } },
          jwtClaims: { type: "object", description: "The bearer JWT's claims, decoded, not verified" },
          nhsNumber: { type: "string" },
          parameters: {
            type: "array",
            items: { type: "string" },
            description: "Names of the FHIR Parameters of a structured-record request",
          },
          status: { type: "integer", description: "0 when no answer was given (hang, reset, caller gone)" },
          latencyMs: { type: "number" },
          fault: {
            type: "object",
            properties: {
              kind: { type: "string" },
              flapping: { type: "boolean" },
              delayMs: { type: "integer" },
              status: { type: "integer" },
            },
          },
        },
      },
      JournalPage: {
        type: "object",
        required: ["entries", "capacity", "dropped", "size"],
        properties: {
          entries: { type: "array", items: ref("JournalEntry") },
          capacity: { type: "integer", description: "Most entries held at once" },
          dropped: { type: "integer", description: "Entries dropped for lack of room since the last clear" },
          size: { type: "integer", description: "Entries held now" },
        },
      },
    },
  },
  security: [{}, { controlToken: [] }],
};
