/**
 * The control API's shared vocabulary as JSON Schema: what the region says about itself, the practices,
 * patients and consumers it adds, and the practices' settings. Each is registered once by its `$id`, so
 * fastify validates requests with it and the OpenAPI document lists it under components.schemas; routes
 * refer to it as `{ $ref: "Name#" }`. Fault and journal shapes are in `fault-schema.ts` and `journal-schema.ts`.
 */
import { CLINICAL_AREA_PARAMETERS } from "../../gpconnect/parameters.js";
import { TRAITS } from "../population/types.js";

/** The JSON Schema the control API uses, as the OpenAPI 3.0 document serves it. */
export interface JsonSchema {
  readonly $id?: string;
  readonly $ref?: string;
  readonly type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly (string | number | boolean)[];
  readonly oneOf?: readonly JsonSchema[];
  readonly discriminator?: { readonly propertyName: string };
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  /**
   * What a valid value is, as a noun phrase ("an ASID of 12 digits"): a refused request is told the field
   * "must be" it. On an object, what the object is ("a slow fault"); on an array's items, what each item is.
   */
  readonly "x-expected"?: string;
}

/** A reference to a schema registered by `$id`; the OpenAPI document turns it into `#/components/schemas/Name`. */
export function ref(id: string): JsonSchema {
  return { $ref: `${id}#` };
}

/** ODS codes as the region accepts them (a consumer's, a practice's). */
export const ODS_CODE_PATTERN = "^[A-Z0-9]{3,10}$";
const ODS_CODE: JsonSchema = {
  type: "string",
  pattern: ODS_CODE_PATTERN,
  "x-expected": "an ODS code (3 to 10 capital letters and digits)",
};
/** Longest consumer name the region accepts. */
const MAX_CONSUMER_NAME = 200;

export const SYSTEM: JsonSchema = {
  type: "string",
  enum: ["emis", "tpp"],
  description: "The clinical system",
};

const ERROR: JsonSchema = {
  $id: "Error",
  type: "object",
  description: "Every refusal: the message names the field at fault",
  required: ["error"],
  properties: { error: { type: "string", description: "What was wrong, naming the field" } },
};

const PRACTICE: JsonSchema = {
  $id: "Practice",
  type: "object",
  required: ["ods", "name", "system", "asid", "endpoint"],
  properties: {
    ods: { type: "string" },
    name: { type: "string" },
    system: SYSTEM,
    asid: { type: "string" },
    endpoint: { type: "string", description: "GP Connect FHIR base URL, as SDS publishes it" },
  },
};

export const TRAIT_LIST: JsonSchema = {
  type: "array",
  description: "What the patient's record holds besides the ordinary (see the README's traits)",
  "x-expected": "an array of traits",
  items: { type: "string", enum: TRAITS, "x-expected": "a trait" },
};

const PATIENT: JsonSchema = {
  $id: "Patient",
  type: "object",
  required: ["nhsNumber", "ods", "system", "traits", "name", "birthDate", "address"],
  properties: {
    nhsNumber: { type: "string" },
    ods: { type: "string" },
    system: SYSTEM,
    traits: TRAIT_LIST,
    name: { type: "string" },
    birthDate: { type: "string", format: "date" },
    address: {
      type: "array",
      items: { type: "string" },
      description: "The home address as PDS holds it: its lines and postcode",
    },
    previousOds: {
      type: "string",
      description:
        "Traits moved-practice and record-in-transit: the ODS code of the practice the patient left",
    },
    supersededNhsNumbers: {
      type: "array",
      items: { type: "string" },
      description:
        "Trait superseded-number (and some generated patients): older NHS numbers PDS resolves to this patient",
    },
  },
};

const CONSUMER: JsonSchema = {
  $id: "Consumer",
  type: "object",
  description: "A consumer organisation as SDS knows it",
  required: ["ods", "asid"],
  additionalProperties: false,
  properties: {
    ods: ODS_CODE,
    asid: { type: "string", pattern: "^\\d{12}$", "x-expected": "an ASID of 12 digits" },
    name: {
      type: "string",
      maxLength: MAX_CONSUMER_NAME,
      description: `Default "consumer <ods>"`,
      "x-expected": `a string of at most ${MAX_CONSUMER_NAME} characters`,
    },
  },
};

const REGION: JsonSchema = {
  $id: "Region",
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
    referenceDate: {
      type: "string",
      format: "date",
      description: "The synthetic records' today: nothing is dated after it",
    },
    pds: { type: "string", description: "PDS FHIR R4 base URL" },
    sds: { type: "string", description: "SDS FHIR R4 base URL" },
    control: { type: "string", description: "This API's base URL" },
    openapi: { type: "string", description: "This document's URL" },
    consumer: ref("Consumer"),
    consumers: { type: "array", items: ref("Consumer") },
    practices: { type: "array", items: ref("Practice") },
    patients: { type: "array", items: ref("Patient"), description: "Sample patients, a few per practice" },
  },
};

/** The clinical areas a practice can switch off; the PUT body's field and the answer's. */
export const CLINICAL_AREA_LIST: JsonSchema = {
  type: "array",
  description: "GP Connect 1.6 clinical area parameters, each naming one area",
  "x-expected": "an array of clinical area parameters",
  items: { type: "string", enum: CLINICAL_AREA_PARAMETERS, "x-expected": "a clinical area" },
};

/** The consumer organisations a practice has no data-sharing agreement with; the PUT body's field and the answer's. */
export const ODS_CODE_LIST: JsonSchema = {
  type: "array",
  description: "ODS codes of consumer organisations",
  "x-expected": "an array of ODS codes",
  items: ODS_CODE,
};

const DISABLED_AREAS: JsonSchema = {
  $id: "DisabledAreas",
  type: "object",
  required: ["ods", "areas"],
  properties: { ods: { type: "string" }, areas: ref("ClinicalAreaList") },
};

const SHARING_AGREEMENTS: JsonSchema = {
  $id: "SharingAgreements",
  type: "object",
  required: ["ods", "withoutAgreement"],
  properties: { ods: { type: "string" }, withoutAgreement: ref("OdsCodeList") },
};

/** The shared schemas of this file, each with its `$id`. */
export const COMMON_SCHEMAS: readonly JsonSchema[] = [
  ERROR,
  PRACTICE,
  PATIENT,
  CONSUMER,
  REGION,
  { $id: "ClinicalAreaList", ...CLINICAL_AREA_LIST },
  { $id: "OdsCodeList", ...ODS_CODE_LIST },
  DISABLED_AREAS,
  SHARING_AGREEMENTS,
];

/** A response of the Error shape; the description says when it is given. */
export function errorAnswer(description: string): JsonSchema {
  return { ...ref("Error"), description };
}

/** A response with no body (204). */
export function noContent(description: string): JsonSchema {
  return { type: "null", description };
}

/** A response of a registered schema, described. */
export function answer(id: string, description: string): JsonSchema {
  return { ...ref(id), description };
}

/** The answers any control route may give besides its own (from the access guard). */
export const ACCESS_ERRORS: Readonly<Record<string, JsonSchema>> = {
  401: errorAnswer("A control token is configured and the request does not present it"),
  403: errorAnswer("No token is configured and the caller is not on loopback"),
};

/** The answers any route that takes a body may give besides its own. */
export const BODY_ERRORS: Readonly<Record<string, JsonSchema>> = {
  400: errorAnswer("The body is not JSON, or a field is missing or wrong (the message names it)"),
  413: errorAnswer("The body is larger than 64 KiB"),
  415: errorAnswer("The body is not application/json"),
};

/** The `{ods}` of the practice routes. */
export const PRACTICE_PARAMS: JsonSchema = {
  type: "object",
  required: ["ods"],
  properties: { ods: { type: "string", description: "The ODS code of a practice in the region" } },
};

export const UNKNOWN_PRACTICE = errorAnswer("No practice has this ODS code");
