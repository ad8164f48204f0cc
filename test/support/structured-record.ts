/**
 * Asking a practice (or a gateway) for a structured record over HTTP, and reading what comes back: the
 * pieces the practice tests share.
 */
import { request } from "undici";
import { expect } from "vitest";
import { SPINE_ERROR_SYSTEM } from "../../gpconnect/error-codes.js";
import { spineErrorCode } from "../../harness/oracle/operation-outcome.js";
import { Journal } from "../../simulators/journal/journal.js";
import type { Population, Practice, SyntheticPatient } from "../../simulators/population/types.js";
import { buildPracticeApp } from "../../simulators/practices/index.js";
import { stu3Errors } from "./stu3-schema.js";

export interface RecordAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** POSTs `body` to `{endpoint}/Patient/$gpc.getstructuredrecord` with `headers`. */
export async function postStructuredRecord(
  endpoint: string,
  headers: Record<string, string>,
  body: string,
): Promise<RecordAnswer> {
  const response = await request(`${endpoint}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers,
    body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, contentType: String(response.headers["content-type"]), text, json };
}

/** The Bundle of a successful answer (the status is asserted first, so a failure shows the OperationOutcome). */
export function bundleOf(answer: RecordAnswer): fhir.Bundle {
  expect(answer.status, answer.text).toBe(200);
  const bundle = answer.json as fhir.Bundle;
  expect(bundle.resourceType).toBe("Bundle");
  return bundle;
}

/** Asserts an error answer: its status, FHIR JSON, its Spine error code, valid STU3 and the diagnostics. */
export async function expectError(
  answer: RecordAnswer,
  status: number,
  code: string,
  diagnostics?: RegExp,
): Promise<void> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toMatch(/^application\/fhir\+json/);
  expect(spineErrorCode(answer.json)).toBe(code);
  expect(stu3Errors(answer.json)).toEqual([]);
  if (diagnostics !== undefined) {
    expect((answer.json as fhir.OperationOutcome).issue[0]?.diagnostics).toMatch(diagnostics);
  }
}

/** The Bundle's resources, or those of one type. */
export function resourcesIn<T extends fhir.Resource = fhir.Resource>(
  bundle: fhir.Bundle,
  resourceType?: string,
): T[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter(
      (r): r is T => r !== undefined && (resourceType === undefined || r.resourceType === resourceType),
    );
}

/** The code of each List in the Bundle, in order. */
export const listCodes = (bundle: fhir.Bundle): string[] =>
  resourcesIn<fhir.List>(bundle, "List").map((l) => l.code?.coding?.[0]?.code ?? "");

/** Every "Type/id" reference in a resource tree. */
export function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) referencesIn(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "reference" && typeof item === "string") found.push(item);
      else referencesIn(item, found);
    }
  }
  return found;
}

export function listWithCode(bundle: fhir.Bundle, code: string): fhir.List | undefined {
  return resourcesIn<fhir.List>(bundle, "List").find((l) => l.code?.coding?.some((c) => c.code === code));
}

export const outcomesIn = (bundle: fhir.Bundle): fhir.OperationOutcome[] =>
  resourcesIn<fhir.OperationOutcome>(bundle, "OperationOutcome");

/** The Bundle without its OperationOutcome: the record itself. */
export const recordOf = (bundle: fhir.Bundle): fhir.Bundle => ({
  ...bundle,
  entry: (bundle.entry ?? []).filter((entry) => entry.resource?.resourceType !== "OperationOutcome"),
});

/** The warning GP Connect specifies for a parameter or part a provider did not process. */
export const notImplementedWarning = (text: string, diagnostics: string): fhir.OperationOutcomeIssue => ({
  severity: "warning",
  code: "not-supported",
  details: {
    coding: [{ system: SPINE_ERROR_SYSTEM, code: "NOT_IMPLEMENTED", display: "Not implemented" }],
    text,
  },
  diagnostics,
});

export const unrecognisedWarning = (name: string): fhir.OperationOutcomeIssue =>
  notImplementedWarning(`${name} is an unrecognised parameter`, name);

/** The first patient on the practice's list that matches. */
export function patientWith(
  population: Population,
  practice: Practice,
  predicate: (p: SyntheticPatient) => boolean,
): SyntheticPatient {
  for (let index = 0; index < practice.listSize; index++) {
    const patient = population.patient(practice.ods, index);
    if (predicate(patient)) return patient;
  }
  throw new Error(`no patient at ${practice.ods} matches`);
}

export interface RunningPractice {
  readonly practice: Practice;
  /** Full endpoint URL, as SDS would publish it. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** One practice's GP Connect provider on a free loopback port. */
export async function startPractice(
  practice: Practice,
  population: Population,
  journal: Journal = new Journal(),
): Promise<RunningPractice> {
  const endpointPath = `/${practice.ods}/STU3/1/gpconnect/structured/fhir`;
  const app = buildPracticeApp({ practice, population, journal, endpointPath });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return { practice, endpoint: `${address}${endpointPath}`, close: () => app.close() };
}

/** The population's first two practices, which must be one EMIS and one TPP, started. */
export async function startEmisAndTpp(
  population: Population,
  journal?: Journal,
): Promise<{ emis: RunningPractice; tpp: RunningPractice }> {
  const [emisPractice, tppPractice] = population.practices();
  if (emisPractice?.system !== "emis" || tppPractice?.system !== "tpp")
    throw new Error("expected an EMIS and a TPP practice");
  return {
    emis: await startPractice(emisPractice, population, journal),
    tpp: await startPractice(tppPractice, population, journal),
  };
}
