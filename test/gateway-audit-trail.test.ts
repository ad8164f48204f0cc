/**
 * The reference gateway's consent audit trail: every point-of-access decision and what came of it, readable
 * at `GET /_audit?nhsNumber=...` (newest last) and appended to the AUDIT_LOG file as JSON lines. Also: the
 * practice's warnings reach the clinician unchanged.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../gateway/audit.js";
import {
  askForRecord,
  CLINICIAN,
  useReferenceGatewayInRegion,
} from "./support/reference-gateway-in-region.js";

const auditLog = join(mkdtempSync(join(tmpdir(), "gp-harness-audit-")), "audit.jsonl");
const running = useReferenceGatewayInRegion({ AUDIT_LOG: auditLog, SOUTH_RETRIES: "0" });

async function auditTrailOf(nhsNumber: string): Promise<{ status: number; entries: AuditEntry[] }> {
  const answer = await request(`${running.gateway.url}/_audit?nhsNumber=${nhsNumber}`);
  const body = (await answer.body.json()) as { entries: AuditEntry[] };
  return { status: answer.statusCode, entries: body.entries };
}

describe("the consent audit trail", () => {
  it("holds every decision and its outcome, newest last, with the clinician from the consumer's JWT", async () => {
    const practice = await running.region.addPractice("tpp");
    const patient = running.region.addPatient(practice.ods, []);
    const asked = [
      await askForRecord(running.gateway.url, patient.nhsNumber, { consent: "granted" }),
      await askForRecord(running.gateway.url, patient.nhsNumber, { consent: "refused" }),
      await askForRecord(running.gateway.url, patient.nhsNumber, {
        consent: "emergency",
        reason: "Unconscious in A&E",
      }),
      await askForRecord(running.gateway.url, patient.nhsNumber, { consent: "emergency" }),
    ];
    await running.region.setFault(practice.ods, { kind: "offline" });
    asked.push(await askForRecord(running.gateway.url, patient.nhsNumber, { consent: "granted" }));
    expect(asked.map((answer) => answer.status)).toEqual([200, 403, 200, 400, 502]);

    const trail = await auditTrailOf(patient.nhsNumber);
    expect(trail.status).toBe(200);
    expect(trail.entries.map((entry) => [entry.decision, entry.reason, entry.outcome])).toEqual([
      ["granted", undefined, { result: "record-returned", status: 200 }],
      ["refused", undefined, { result: "refused", status: 403, spineCode: "NO_PATIENT_CONSENT" }],
      ["emergency", "Unconscious in A&E", { result: "record-returned", status: 200 }],
      ["emergency-without-reason", undefined, { result: "refused", status: 400, spineCode: "BAD_REQUEST" }],
      ["granted", undefined, { result: "error", status: 502, spineCode: "INTERNAL_SERVER_ERROR" }],
    ]);
    for (const entry of trail.entries) {
      expect(entry).toMatchObject({
        nhsNumber: patient.nhsNumber,
        consumerOds: CLINICIAN.ods,
        practitionerSdsId: CLINICIAN.sdsId,
        practitionerName: CLINICIAN.name,
      });
      expect(entry.traceId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(entry.time)).not.toBeNaN();
    }
  });

  it("tells patients apart: another patient's trail holds only their own entries", async () => {
    const practice = await running.region.addPractice("emis");
    const [first, second] = [
      running.region.addPatient(practice.ods, []),
      running.region.addPatient(practice.ods, []),
    ];
    await askForRecord(running.gateway.url, first!.nhsNumber, { consent: "refused" });
    await askForRecord(running.gateway.url, second!.nhsNumber, { consent: "granted" });
    const trail = await auditTrailOf(second!.nhsNumber);
    expect(trail.entries.map((entry) => [entry.nhsNumber, entry.decision])).toEqual([
      [second!.nhsNumber, "granted"],
    ]);
  });

  it("is appended to the AUDIT_LOG file as one JSON line per decision", async () => {
    const practice = await running.region.addPractice("emis");
    const patient = running.region.addPatient(practice.ods, []);
    await askForRecord(running.gateway.url, patient.nhsNumber, { consent: "refused" });
    const { entries } = await auditTrailOf(patient.nhsNumber);
    await expect
      .poll(() =>
        readFileSync(auditLog, "utf8")
          .split("\n")
          .filter((line) => line.includes(patient.nhsNumber))
          .map((line) => JSON.parse(line) as AuditEntry),
      )
      .toEqual(entries);
  });

  it("a malformed NHS number in the query: 400 INVALID_NHS_NUMBER", async () => {
    const answer = await request(`${running.gateway.url}/_audit?nhsNumber=12345`);
    expect(answer.statusCode).toBe(400);
    expect(await answer.body.text()).toContain("INVALID_NHS_NUMBER");
  });
});

describe("the practice's warnings", () => {
  it.each(["emis", "tpp"] as const)(
    "reach the clinician unchanged (%s: withheld items, data awaiting filing, a switched-off area)",
    async (system) => {
      const practice = await running.region.addPractice(system);
      running.region.setDisabledAreas(practice.ods, ["includeImmunisations"]);
      const patient = running.region.addPatient(practice.ods, ["sensitive-items", "awaiting-filing"]);
      const answer = await askForRecord(running.gateway.url, patient.nhsNumber);
      expect(answer.status).toBe(200);
      const bundle = answer.body as fhir.Bundle;
      expect(listWarningCodesOf(bundle)).toEqual(
        expect.arrayContaining(["confidential-items", "data-awaiting-filing"]),
      );
      const outcome = bundle.entry?.find((e) => e.resource?.resourceType === "OperationOutcome")?.resource as
        | fhir.OperationOutcome
        | undefined;
      expect(outcome?.issue.map((issue) => [issue.severity, issue.diagnostics])).toEqual([
        ["warning", "includeImmunisations"],
      ]);
      expect(answer.body).toEqual(await practiceAnswerTo(practice.ods, patient.nhsNumber));
    },
  );
});

/** The practice's own answer to the very request the gateway sent it (replayed from the journal). */
async function practiceAnswerTo(ods: string, nhsNumber: string): Promise<unknown> {
  const [sent] = running.region.journal.list({ target: "practice", ods, nhsNumber });
  if (sent === undefined) throw new Error("the gateway sent the practice nothing");
  const endpoint = running.region.info().practices.find((p) => p.ods === ods)?.endpoint ?? "";
  const { host: _host, "content-length": _length, ...headers } = sent.headers;
  const answer = await request(`${new URL(endpoint).origin}${sent.path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(sent.body),
  });
  return answer.body.json();
}

/** Every List warning code (GP Connect's list-warning extension) in the bundle. */
function listWarningCodesOf(bundle: fhir.Bundle): string[] {
  const lists = (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .filter((resource): resource is fhir.List => resource?.resourceType === "List");
  return lists.flatMap((list) =>
    (list.extension ?? [])
      .filter((extension) => extension.url.includes("ListWarningCode"))
      .map((extension) => extension.valueCode ?? ""),
  );
}
