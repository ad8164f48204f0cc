/**
 * The journal as JSON Schema: the filters `GET /journal` takes and the entries it answers. An entry's
 * headers, query and JWT claims are whatever the request carried, so those objects are open.
 */
import type { JournalTargetKind } from "../journal/journal.js";
import type { JsonSchema } from "./schemas.js";

export const JOURNAL_TARGETS: readonly JournalTargetKind[] = ["pds", "sds", "practice"];

/** ISO 8601 as the journal compares it: a date, or a date and time with an optional zone. */
export const ISO_TIME_PATTERN = "^\\d{4}-\\d{2}-\\d{2}(T[\\d:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$";

const isoTime = (description: string): JsonSchema => ({
  type: "string",
  pattern: ISO_TIME_PATTERN,
  description,
  "x-expected": "an ISO 8601 time such as 2025-06-01T09:30:00Z",
});

/** The filters, each given at most once; any other query parameter is refused. */
export const JOURNAL_QUERY: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    target: { type: "string", enum: JOURNAL_TARGETS, description: "Only requests to this kind of service" },
    ods: { type: "string", description: "Only requests to this practice (its ODS code)" },
    nhsNumber: {
      type: "string",
      pattern: "^\\d{10}$",
      description: "Only requests about this patient",
      "x-expected": "an NHS number of 10 digits",
    },
    after: {
      type: "string",
      pattern: "^\\d{1,15}$",
      description: "Only entries with a greater sequence number",
      "x-expected": "a journal sequence number (a whole number)",
    },
    since: isoTime("Only requests that arrived at or after this time (ISO 8601)"),
    until: isoTime("Only requests that arrived before this time (ISO 8601)"),
  },
};

const JOURNAL_ENTRY: JsonSchema = {
  $id: "JournalEntry",
  type: "object",
  description: "One request a simulator received, and what it answered",
  required: ["seq", "time", "target", "method", "path", "query", "headers", "status", "latencyMs"],
  properties: {
    seq: { type: "integer", description: "Sequence number within the region, from 1" },
    time: { type: "string", format: "date-time", description: "When the request arrived" },
    target: { type: "string", enum: JOURNAL_TARGETS },
    ods: { type: "string", description: "The practice's ODS code, for practice requests" },
    method: { type: "string" },
    path: { type: "string", description: "Without the query string" },
    query: {
      type: "object",
      description: "The query parameters; a repeated one as an array",
      additionalProperties: {
        oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
      },
    },
    headers: {
      type: "object",
      description: "The request's headers, names in lower case",
      additionalProperties: { type: "string" },
    },
    jwtClaims: {
      type: "object",
      description: "The bearer JWT's claims, decoded, not verified",
      additionalProperties: true,
    },
    nhsNumber: { type: "string", description: "The patient the request was about, when it named one" },
    parameters: {
      type: "array",
      items: { type: "string" },
      description: "Names of the FHIR Parameters of a structured-record request, in order",
    },
    body: {
      description:
        "The request's body as the simulator parsed it (JSON), when it had one: for readers who decode what the gateway sent with their own code",
    },
    status: { type: "integer", description: "0 when no answer was given (hang, reset, caller gone)" },
    latencyMs: { type: "number" },
    fault: {
      type: "object",
      description: "The fault the request met, when one picked it",
      required: ["kind"],
      properties: {
        kind: { type: "string", enum: ["hang", "slow", "error", "malformed", "truncated", "reset"] },
        flapping: { type: "boolean", description: "Met because a flapping fault picked this request" },
        delayMs: { type: "integer", description: "For slow: the delay drawn" },
        status: { type: "integer", description: "For error: the status answered" },
      },
    },
  },
};

const JOURNAL_PAGE: JsonSchema = {
  $id: "JournalPage",
  type: "object",
  required: ["entries", "capacity", "dropped", "size"],
  properties: {
    entries: { type: "array", items: { $ref: "JournalEntry#" }, description: "Oldest first" },
    capacity: { type: "integer", description: "Most entries held at once" },
    dropped: { type: "integer", description: "Entries dropped for lack of room since the last clear" },
    size: { type: "integer", description: "Entries held now" },
  },
};

export const JOURNAL_SCHEMAS: readonly JsonSchema[] = [JOURNAL_ENTRY, JOURNAL_PAGE];
