/**
 * Which south failures the reference gateway retries, counted at stub PDS and practice servers (which record a
 * request as it arrives, before they answer): a 502 or 503 is tried again, at most SOUTH_RETRIES (default 2)
 * times; a 4xx, a 500 and a hang are not.
 */
import { describe, expect, it } from "vitest";
import { operationOutcome } from "../gpconnect/outcomes.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { useStubbedGateway } from "./support/stubbed-gateway.js";

const gateway = useStubbedGateway();
const DEFAULT_RETRIES = 2;

function failing(status: number): { status: number; body: string } {
  const code =
    status >= 500 ? "INTERNAL_SERVER_ERROR" : status === 403 ? "NO_PATIENT_CONSENT" : "BAD_REQUEST";
  return { status, body: JSON.stringify(operationOutcome(code, "secret internals at 10.0.0.7:8443")) };
}

describe("the practice", () => {
  it.each([502, 503])(
    "answering %i: tried 1 + SOUTH_RETRIES times, then 502 INTERNAL_SERVER_ERROR",
    async (status) => {
      gateway.stubs.overrides.practice = failing(status);
      const answer = await gateway.getRecord();
      expect(gateway.stubs.received.practice).toHaveLength(1 + DEFAULT_RETRIES);
      expect(answer.status).toBe(502);
      expect(spineErrorCode(answer.body)).toBe("INTERNAL_SERVER_ERROR");
    },
  );

  it.each([400, 403, 404, 500])("answering %i: asked once", async (status) => {
    gateway.stubs.overrides.practice = failing(status);
    const answer = await gateway.getRecord();
    expect(gateway.stubs.received.practice).toHaveLength(1);
    expect(answer.status).toBe(status >= 500 ? 502 : status);
  });

  it("failing with a 500: its own diagnostics are not passed on", async () => {
    gateway.stubs.overrides.practice = failing(500);
    const answer = await gateway.getRecord();
    expect(JSON.stringify(answer.body)).not.toContain("10.0.0.7");
    expect(JSON.stringify(answer.body)).toContain(gateway.stubs.practice.ods);
  });

  it("hanging: asked once, then 504", async () => {
    gateway.stubs.overrides.practice = { hang: true };
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(504);
    expect(gateway.stubs.received.practice).toHaveLength(1);
  });
});

describe("PDS", () => {
  it("answering 503: tried 1 + SOUTH_RETRIES times, then 502, and the practice never asked", async () => {
    gateway.stubs.overrides.pds = failing(503);
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(502);
    expect(gateway.stubs.received.pds).toHaveLength(1 + DEFAULT_RETRIES);
    expect(gateway.stubs.received.practice).toHaveLength(0);
  });

  it("answering 500: asked once", async () => {
    gateway.stubs.overrides.pds = failing(500);
    await gateway.getRecord();
    expect(gateway.stubs.received.pds).toHaveLength(1);
  });
});
