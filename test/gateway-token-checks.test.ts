/**
 * The reference gateway's checks of the consumer's JWT, each refusal with the GP Connect error it owes: a token
 * expired, issued in the future, made for another host, or for a role not allowed to view records.
 */
import { describe, expect, it } from "vitest";
import { readGatewayConfig } from "../gateway/config.js";
import { CLOCK_SKEW_SECONDS, checkConsumerToken, jobRoles } from "../gateway/consumer-token.js";
import { GatewayError } from "../gateway/outcomes.js";
import { CODE_SYSTEMS } from "../gpconnect/profiles.js";

const NOW = new Date("2026-11-26T12:00:00Z");
const now = NOW.getTime() / 1000;
const practitioner = (...codes: string[]) => ({
  resourceType: "Practitioner",
  id: "1",
  practitionerRole: codes.map((code) => ({
    role: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code }] },
  })),
});
const fresh = {
  iat: now,
  exp: now + 300,
  aud: "http://127.0.0.1:8080",
  requesting_practitioner: practitioner("R8000"),
};
const expected = { audienceHosts: ["127.0.0.1:8080"], allowedRoles: ["R8000", "R8003"], now: NOW };

/** The status and Spine code a token is refused with, or "accepted". */
function verdict(claims: Record<string, unknown>, checkRoles = true) {
  try {
    checkConsumerToken(claims, { ...expected, allowedRoles: checkRoles ? expected.allowedRoles : undefined });
    return "accepted";
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return `${error.status} ${error.spineCode}: ${error.message}`;
  }
}

describe("the consumer's JWT", () => {
  it("is accepted fresh, for this gateway, in an allowed role, and within the clock skew either way", () => {
    expect(verdict(fresh)).toBe("accepted");
    expect(verdict({ ...fresh, iat: now + CLOCK_SKEW_SECONDS - 1 })).toBe("accepted");
    expect(verdict({ ...fresh, exp: now - CLOCK_SKEW_SECONDS + 1 })).toBe("accepted");
    expect(verdict({ ...fresh, aud: "http://127.0.0.1:8080/STU3/1" })).toBe("accepted");
  });

  it("is refused 400 BAD_REQUEST when expired, issued in the future, timeless, or for another host", () => {
    expect(verdict({ ...fresh, iat: now - 900, exp: now - 600 })).toMatch(/^400 BAD_REQUEST: .*expired/);
    expect(verdict({ ...fresh, iat: now + 600, exp: now + 900 })).toMatch(/^400 BAD_REQUEST: .*future/);
    expect(verdict({ ...fresh, exp: "soon" })).toMatch(/^400 BAD_REQUEST: .*exp and iat/);
    expect(verdict({ ...fresh, aud: "https://another-provider.example/STU3/1" })).toMatch(
      /^400 BAD_REQUEST: .*aud does not name this gateway/,
    );
    expect(verdict({ ...fresh, aud: "not a url" })).toMatch(/^400 BAD_REQUEST/);
  });

  it("is refused 403 ACCESS DENIED for a role not allowed, or none, and roles go unchecked without a list", () => {
    expect(verdict({ ...fresh, requesting_practitioner: practitioner("R8010") })).toMatch(
      /^403 ACCESS DENIED: .*not one allowed/,
    );
    expect(verdict({ ...fresh, requesting_practitioner: practitioner() })).toMatch(
      /^403 ACCESS DENIED: .*no SDS/,
    );
    expect(verdict({ ...fresh, requesting_practitioner: practitioner("R8010", "R8003") })).toBe("accepted");
    expect(verdict({ ...fresh, requesting_practitioner: practitioner("R8010") }, false)).toBe("accepted");
    expect(
      jobRoles({ practitionerRole: [{ role: { coding: [{ system: "local", code: "R8000" }] } }] }),
    ).toEqual([]);
  });

  it("is configured from ALLOWED_ROLES and GATEWAY_AUDIENCE, each mistake naming its variable", () => {
    const required = { PDS_URL: "http://127.0.0.1:1/pds", SDS_URL: "http://127.0.0.1:2/sds" };
    const config = readGatewayConfig({
      ...required,
      ALLOWED_ROLES: "R8000, R8001",
      GATEWAY_AUDIENCE: "https://Gateway.Example:8443/gpc,https://other.example",
    });
    expect(config.allowedRoles).toEqual(["R8000", "R8001"]);
    expect(config.audienceHosts).toEqual(["gateway.example:8443", "other.example"]);
    expect(() => readGatewayConfig({ ...required, ALLOWED_ROLES: "R8000,doctor" })).toThrow(
      'ALLOWED_ROLES must be SDS job role codes such as R8000, got "doctor"',
    );
    expect(() => readGatewayConfig({ ...required, GATEWAY_AUDIENCE: "gateway" })).toThrow(
      /GATEWAY_AUDIENCE must be base URLs/,
    );
  });
});
