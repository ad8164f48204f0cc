/**
 * The faults as JSON Schema: one object per kind, told apart by `kind` (a discriminator, so a refusal
 * names the field of the kind given rather than every kind's). What a schema cannot say stays with
 * `parseFault` in faults.ts, which the region applies to every fault, in process or over HTTP: a slow
 * fault's delayMs or medianMs and p95Ms, p95Ms at least medianMs, a flapping fault's every or probability,
 * and an error code from the target's own catalogue.
 */
import { MAX_FAULT_DELAY_MS } from "../faults/faults.js";
import type { JsonSchema } from "./schemas.js";

/** The bounds parseFault applies to seeds, flapping's every and an error's diagnostics. */
const MAX_SEED = 2 ** 31 - 1;
const MAX_EVERY = 1_000_000;
const MAX_DIAGNOSTICS = 1000;

function milliseconds(description: string, minimum: number): JsonSchema {
  return {
    type: "integer",
    minimum,
    maximum: MAX_FAULT_DELAY_MS,
    description,
    "x-expected": `a whole number of milliseconds from ${minimum} to ${MAX_FAULT_DELAY_MS}`,
  };
}

function seed(description: string): JsonSchema {
  return {
    type: "integer",
    minimum: 0,
    maximum: MAX_SEED,
    description,
    "x-expected": `a whole number from 0 to ${MAX_SEED}`,
  };
}

/** A fault of one kind: `kind` and the kind's own fields, no others. */
function faultOf(
  kind: string,
  description: string,
  fields: Readonly<Record<string, JsonSchema>> = {},
  required: readonly string[] = [],
): JsonSchema {
  return {
    type: "object",
    description,
    "x-expected": `a ${kind} fault`,
    required: ["kind", ...required],
    additionalProperties: false,
    properties: { kind: { type: "string", enum: [kind] }, ...fields },
  };
}

/** Faults that act on one request at a time, so flapping can wrap them. */
const REQUEST_FAULTS: readonly JsonSchema[] = [
  faultOf("hang", "The connection is accepted and the request read; no answer ever comes"),
  faultOf(
    "slow",
    "The normal answer, late: a fixed delay (delayMs), or log-normal with a median and 95th percentile " +
      "(medianMs and p95Ms, p95Ms at least medianMs, and an optional seed)",
    {
      delayMs: milliseconds("Fixed delay (give this, or medianMs and p95Ms)", 0),
      medianMs: milliseconds("Median of the log-normal delay", 1),
      p95Ms: milliseconds("95th percentile of the log-normal delay (at least medianMs)", 1),
      seed: seed("Seed of the delays drawn (default 1; log-normal only)"),
    },
  ),
  faultOf(
    "error",
    "An HTTP error with an OperationOutcome in the service's own catalogue",
    {
      status: {
        type: "integer",
        minimum: 400,
        maximum: 599,
        description: "The HTTP status answered",
        "x-expected": "an HTTP error status from 400 to 599",
      },
      code: {
        type: "string",
        description:
          "An error code of the target's catalogue (GP Connect, PDS or SDS); default: the one for the status",
      },
      diagnostics: {
        type: "string",
        maxLength: MAX_DIAGNOSTICS,
        description: "Text for the OperationOutcome's diagnostics",
        "x-expected": `a string of at most ${MAX_DIAGNOSTICS} characters`,
      },
    },
    ["status"],
  ),
  faultOf("malformed", "200 with a body that is not JSON"),
  faultOf(
    "truncated",
    "200 announcing a longer body (Content-Length) than is sent, then the connection closes",
  ),
  faultOf("reset", "The connection is reset (TCP RST) after the request is read"),
];

const FLAPPING_FAULT = faultOf(
  "flapping",
  "Every Nth request (every), or each with a seeded probability (probability, optional seed), meets the " +
    "inner fault; the rest are answered normally",
  {
    every: {
      type: "integer",
      minimum: 1,
      maximum: MAX_EVERY,
      description: "Every Nth request meets the fault (give this, or probability)",
      "x-expected": `a whole number from 1 to ${MAX_EVERY}`,
    },
    probability: {
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "Each request meets the fault with this probability",
      "x-expected": "a number from 0 to 1",
    },
    seed: seed("Seed of the draws (default 1; with probability only)"),
    fault: {
      type: "object",
      description:
        "The fault the picked requests meet: one that acts on a request (not offline, whose refused " +
        "connections come before any request, nor flapping)",
      "x-expected": "a fault that acts on a request (hang, slow, error, malformed, truncated or reset)",
      required: ["kind"],
      discriminator: { propertyName: "kind" },
      oneOf: REQUEST_FAULTS,
    },
  },
  ["fault"],
);

/** What is wrong with a service: the body of `PUT /faults/{target}` and the values of `GET /faults`. */
export const FAULT_SCHEMA: JsonSchema = {
  $id: "Fault",
  type: "object",
  description: "What is wrong with a service, by kind",
  "x-expected": "a fault",
  required: ["kind"],
  discriminator: { propertyName: "kind" },
  oneOf: [
    faultOf("offline", "Connections refused: the service's port is closed"),
    ...REQUEST_FAULTS,
    FLAPPING_FAULT,
  ],
};
