/**
 * A simulated region and a reference gateway configured by the test (budget, timeouts, retries, audit log),
 * both in this process on loopback; a clinician's request to the gateway; and the check that an error answer
 * leaks nothing a consumer should not see.
 */
import { request } from "undici";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { type RunningGateway, startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import {
  NHS_NUMBER_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  SDS_USER_ID_SYSTEM,
} from "../../gpconnect/identifiers.js";
import { type Region, startRegion } from "../../simulators/index.js";

export const CLINICIAN = { sdsId: "111222333444", name: "Dr Siobhán O'Brien", ods: "Y99001" };

export interface RegionAndGateway {
  readonly region: Region;
  readonly gateway: RunningGateway;
}

/** Starts both before the file's tests (the gateway with `env` added), clears faults after each test. */
export function useReferenceGatewayInRegion(env: Record<string, string>, seed = 9): RegionAndGateway {
  const started = {} as { region: Region; gateway: RunningGateway };
  beforeAll(async () => {
    started.region = await startRegion({ port: 0, seed });
    const info = started.region.info();
    started.gateway = await startGateway(
      readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1", ...env }),
    );
  });
  afterEach(async () => {
    await started.region?.clearFaults();
  });
  afterAll(async () => {
    await started.gateway?.close();
    await started.region?.close();
  });
  return started;
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: unknown;
  readonly elapsedMs: number;
}

/** The clinician's token, made for the gateway at `audience` (its base URL). */
function clinicianToken(audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "https://consumer.example",
    sub: "10019",
    aud: audience,
    iat: now,
    exp: now + 300,
    reason_for_request: "directcare",
    requested_scope: "patient/*.read",
    requesting_practitioner: {
      resourceType: "Practitioner",
      id: "10019",
      identifier: [{ system: SDS_USER_ID_SYSTEM, value: CLINICIAN.sdsId }],
      name: [{ family: "O'Brien", given: ["Siobhán"], prefix: ["Dr"] }],
    },
    requesting_organization: {
      resourceType: "Organization",
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: CLINICIAN.ods }],
    },
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}

/** A clinician's structured-record request (all clinical areas), with the consent stated as given. */
export async function askForRecord(
  gatewayUrl: string,
  nhsNumber: string,
  consent: { consent?: string; reason?: string } = { consent: "granted" },
): Promise<Answer> {
  const started = performance.now();
  const answer = await request(`${gatewayUrl}/Patient/$gpc.getstructuredrecord`, {
    method: "POST",
    headers: {
      "content-type": "application/fhir+json",
      authorization: `Bearer ${clinicianToken(gatewayUrl)}`,
      ...(consent.consent === undefined ? {} : { "x-consent": consent.consent }),
      ...(consent.reason === undefined ? {} : { "x-consent-reason": consent.reason }),
    },
    body: JSON.stringify({
      resourceType: "Parameters",
      parameter: [
        { name: "patientNHSNumber", valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
        { name: "includeAllergies", part: [{ name: "includeResolvedAllergies", valueBoolean: true }] },
        { name: "includeMedication" },
        { name: "includeProblems" },
        { name: "includeConsultations" },
        { name: "includeImmunisations" },
        { name: "includeInvestigations" },
        { name: "includeReferrals" },
      ],
    }),
  });
  const text = await answer.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: answer.statusCode, text, body, elapsedMs: performance.now() - started };
}

/** The Spine error code of an OperationOutcome answer. */
export function spineCodeIn(body: unknown): string | undefined {
  const issue = (body as fhir.OperationOutcome | undefined)?.issue?.[0];
  return issue?.details?.coding?.find(
    (c) => c.system === "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
  )?.code;
}

/**
 * An error answer that tells the clinician what failed and nothing else: no stack trace, no file path, no
 * internal address of PDS, SDS, a practice or the gateway, and none of the patient's details.
 */
export function expectNothingLeaked(answer: Answer, region: Region, patientName: string): void {
  const text = answer.text;
  expect(text).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(/);
  expect(text).not.toMatch(/\/work\/|node_modules|file:\/\/|\.[cm]?[jt]s:\d+/);
  const info = region.info();
  for (const url of [info.pds, info.sds, info.control, ...info.practices.map((p) => p.endpoint)]) {
    expect(text).not.toContain(new URL(url).host);
  }
  expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
  for (const part of patientName.split(/\s+/).filter((word) => word.length > 2)) {
    expect(text).not.toContain(part);
  }
}
