/**
 * The reference gateway against a simulated region whose practice, PDS or SDS is failing: every failure is a
 * GP Connect OperationOutcome with a Spine code and the right status, within the request's time budget, and
 * leaks nothing; transient failures are retried, so a flapping service still yields the record.
 */
import { describe, expect, it } from "vitest";
import { startGateway } from "../gateway/app.js";
import { readGatewayConfig } from "../gateway/config.js";
import type { Fault } from "../simulators/index.js";
import {
  askForRecord,
  expectNothingLeaked,
  spineCodeIn,
  useReferenceGatewayInRegion,
} from "./support/reference-gateway-in-region.js";

const BUDGET_MS = 1500;
const running = useReferenceGatewayInRegion({
  REQUEST_BUDGET_MS: String(BUDGET_MS),
  PRACTICE_TIMEOUT_MS: "400",
  SPINE_TIMEOUT_MS: "400",
  SOUTH_RETRIES: "2",
});

async function patientAtNewPractice() {
  const practice = await running.region.addPractice("emis");
  return running.region.addPatient(practice.ods, []);
}

describe("every failure: a Spine-coded OperationOutcome, within the budget, nothing leaked", () => {
  it.each<[string, "practice" | "pds" | "sds", Fault, number, string]>([
    ["practice offline", "practice", { kind: "offline" }, 502, "transient"],
    ["practice hanging", "practice", { kind: "hang" }, 504, "timeout"],
    ["practice erroring 500", "practice", { kind: "error", status: 500 }, 502, "exception"],
    ["practice answering malformed JSON", "practice", { kind: "malformed" }, 502, "exception"],
    ["practice answer truncated", "practice", { kind: "truncated" }, 502, "exception"],
    ["practice resetting the connection", "practice", { kind: "reset" }, 502, "transient"],
    ["PDS down", "pds", { kind: "offline" }, 502, "transient"],
    ["PDS erroring 503", "pds", { kind: "error", status: 503 }, 502, "exception"],
    ["PDS hanging", "pds", { kind: "hang" }, 504, "timeout"],
    ["SDS down", "sds", { kind: "offline" }, 502, "transient"],
    ["SDS answering malformed JSON", "sds", { kind: "malformed" }, 502, "exception"],
  ])(
    "%s: its status, INTERNAL_SERVER_ERROR and a named service",
    async (_case, target, fault, status, issueCode) => {
      const patient = await patientAtNewPractice();
      await running.region.setFault(target === "practice" ? patient.ods : target, fault);
      const answer = await askForRecord(running.gateway.url, patient.nhsNumber);
      expect(answer.status).toBe(status);
      expect(spineCodeIn(answer.body)).toBe("INTERNAL_SERVER_ERROR");
      const issue = (answer.body as fhir.OperationOutcome).issue[0];
      expect(issue?.code).toBe(issueCode);
      expect(issue?.diagnostics).toMatch(target === "practice" ? patient.ods : target.toUpperCase());
      expect(answer.elapsedMs).toBeLessThan(BUDGET_MS + 500);
      expectNothingLeaked(answer, running.region, patient.name);
    },
  );

  it("an unknown patient: 404 PATIENT_NOT_FOUND, nothing leaked", async () => {
    const patient = await patientAtNewPractice();
    running.region.removePatient(patient.nhsNumber);
    const answer = await askForRecord(running.gateway.url, patient.nhsNumber);
    expect(answer.status).toBe(404);
    expect(spineCodeIn(answer.body)).toBe("PATIENT_NOT_FOUND");
    expectNothingLeaked(answer, running.region, patient.name);
  });
});

describe("the time budget", () => {
  it("a slow PDS and SDS, then a hanging practice: 504 naming the budget, answered when it runs out", async () => {
    const info = running.region.info();
    const budgetMs = 900;
    const gateway = await startGateway(
      readGatewayConfig({
        PDS_URL: info.pds,
        SDS_URL: info.sds,
        PORT: "0",
        REQUEST_BUDGET_MS: String(budgetMs),
        PRACTICE_TIMEOUT_MS: "60000",
      }),
    );
    try {
      const patient = await patientAtNewPractice();
      await running.region.setFault("pds", { kind: "slow", delayMs: 200 });
      await running.region.setFault("sds", { kind: "slow", delayMs: 200 });
      await running.region.setFault(patient.ods, { kind: "hang" });
      const answer = await askForRecord(gateway.url, patient.nhsNumber);
      expect(answer.status).toBe(504);
      expect(spineCodeIn(answer.body)).toBe("INTERNAL_SERVER_ERROR");
      expect((answer.body as fhir.OperationOutcome).issue[0]?.diagnostics).toContain(
        `time budget of ${budgetMs} ms`,
      );
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(budgetMs - 50);
      expect(answer.elapsedMs).toBeLessThan(budgetMs + 400);
      expectNothingLeaked(answer, running.region, patient.name);
    } finally {
      await gateway.close();
    }
  });
});

describe("bounded retries for transient failures", () => {
  it("PDS answering every second request 503: every record is returned", async () => {
    const patient = await patientAtNewPractice();
    await running.region.setFault("pds", {
      kind: "flapping",
      every: 2,
      fault: { kind: "error", status: 503 },
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await askForRecord(running.gateway.url, patient.nhsNumber);
      expect(answer.status).toBe(200);
    }
  });

  it("a practice resetting every second connection: every record is returned", async () => {
    const patient = await patientAtNewPractice();
    await running.region.setFault(patient.ods, { kind: "flapping", every: 2, fault: { kind: "reset" } });
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await askForRecord(running.gateway.url, patient.nhsNumber);
      expect(answer.status).toBe(200);
      expect((answer.body as fhir.Bundle).resourceType).toBe("Bundle");
    }
  });
});
