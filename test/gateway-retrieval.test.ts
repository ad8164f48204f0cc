/**
 * The reference gateway retrieving a record on real loopback HTTP, against stub PDS, SDS and practice servers:
 * with consent granted, the practice's bundle north, and what it asked of PDS, SDS and the practice south; with
 * consent refused or incomplete, a refusal and nothing asked south.
 */
import { describe, expect, it } from "vitest";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../gpconnect/identifiers.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { stubBundle } from "./support/gateway-stubs.js";
import {
  CONSUMER_TRACE_ID,
  consumerOrganization,
  consumerPractitioner,
  GATEWAY_ASID,
  issueOf,
  parametersFor,
  REGISTERED,
  UUID,
  useStubbedGateway,
} from "./support/stubbed-gateway.js";

const gateway = useStubbedGateway();

function decodedJwt(authorization: string | string[] | undefined): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: string;
} {
  const token = String(authorization).replace(/^Bearer /, "");
  const [header = "", claims = "", signature = ""] = token.split(".");
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  return { header: decode(header), claims: decode(claims), signature };
}

describe("consent granted", () => {
  it("answers 200 with the practice's bundle, unchanged", async () => {
    const answer = await gateway.getRecord();
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(answer.body).toEqual(stubBundle(REGISTERED));
  });

  it("asks PDS, then SDS for the Device and the Endpoint, as the Spine APIs require", async () => {
    await gateway.getRecord();
    expect(gateway.stubs.received.pds).toHaveLength(1);
    const pds = gateway.stubs.received.pds[0]!;
    expect(pds.url).toBe(`/personal-demographics/FHIR/R4/Patient/${REGISTERED}`);
    expect(pds.headers["x-request-id"]).toMatch(UUID);

    const paths = gateway.stubs.received.sds.map((r) => new URL(r.url, "http://sds").pathname).sort();
    expect(paths).toEqual(["/spine-directory/FHIR/R4/Device", "/spine-directory/FHIR/R4/Endpoint"]);
    for (const sds of gateway.stubs.received.sds) {
      const query = new URL(sds.url, "http://sds").searchParams;
      expect(query.get("organization")).toBe(`${ODS_ORGANISATION_SYSTEM}|${gateway.stubs.practice.ods}`);
      expect(query.get("identifier")).toBe(`${INTERACTION_ID_SYSTEM}|${STRUCTURED_RECORD_INTERACTION}`);
      expect(sds.headers.apikey).toBe("gp-harness");
    }
  });

  it("sends the practice the Ssp headers, the consumer's parameters and trace id", async () => {
    const parameters = parametersFor(REGISTERED);
    await gateway.getRecord({ body: JSON.stringify(parameters) });
    expect(gateway.stubs.received.practice).toHaveLength(1);
    const practice = gateway.stubs.received.practice[0]!;
    expect(practice.url).toBe(
      new URL(`${gateway.stubs.practice.endpoint}/Patient/$gpc.getstructuredrecord`).pathname,
    );
    expect(practice.headers["ssp-traceid"]).toBe(CONSUMER_TRACE_ID);
    expect(practice.headers["ssp-from"]).toBe(GATEWAY_ASID);
    expect(practice.headers["ssp-to"]).toBe(gateway.stubs.practice.asid);
    expect(practice.headers["ssp-interactionid"]).toBe(STRUCTURED_RECORD_INTERACTION);
    expect(practice.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(JSON.parse(practice.body ?? "")).toEqual(parameters);
  });

  it("sends the practice a fresh unsigned GP Connect JWT carrying the consumer's practitioner", async () => {
    const before = Math.floor(Date.now() / 1000);
    await gateway.getRecord();
    const jwt = decodedJwt(gateway.stubs.received.practice[0]?.headers.authorization);
    expect(jwt.header.alg).toBe("none");
    expect(jwt.signature).toBe("");
    expect(jwt.claims.aud).toBe(gateway.stubs.practice.endpoint);
    expect(jwt.claims.iat).toBeGreaterThanOrEqual(before);
    expect(jwt.claims.exp).toBe((jwt.claims.iat as number) + 300);
    expect(jwt.claims.reason_for_request).toBe("directcare");
    expect(jwt.claims.requested_scope).toBe("patient/*.read");
    expect(jwt.claims.requesting_practitioner).toEqual(consumerPractitioner);
    expect(jwt.claims.sub).toBe(consumerPractitioner.id);
    expect(jwt.claims.requesting_organization).toEqual(consumerOrganization);
    expect(jwt.claims.requesting_device).toMatchObject({
      resourceType: "Device",
      identifier: [{ system: ASID_SYSTEM, value: GATEWAY_ASID }],
    });
  });

  it("makes a trace id when the consumer sends none, and uses it south and north", async () => {
    const answer = await gateway.getRecord({ headers: { "ssp-traceid": "" } });
    expect(answer.status).toBe(200);
    const traceId = gateway.stubs.received.practice[0]?.headers["ssp-traceid"];
    expect(traceId).toMatch(UUID);
    expect(answer.headers["ssp-traceid"]).toBe(traceId);
  });

  it("accepts the lower-case path NHS England's gateway uses", async () => {
    const answer = await gateway.getRecord({ path: "/patient/$gpc.getstructuredrecord" });
    expect(answer.status).toBe(200);
  });
});

describe("consent refused or incomplete", () => {
  it("refused: 403 NO_PATIENT_CONSENT and no request to PDS, SDS or the practice", async () => {
    const answer = await gateway.getRecord({ consent: "refused" });
    expect(answer.status).toBe(403);
    expect(spineErrorCode(answer.body)).toBe("NO_PATIENT_CONSENT");
    gateway.expectNoSouthRequests();
  });

  it("emergency without a reason: 400 BAD_REQUEST, nothing requested", async () => {
    const answer = await gateway.getRecord({ consent: "emergency" });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    expect(issueOf(answer.body).diagnostics).toContain("X-Consent-Reason");
    gateway.expectNoSouthRequests();
  });

  it("emergency with a reason: the record is retrieved", async () => {
    const answer = await gateway.getRecord({ consent: "emergency", reason: "Unconscious patient in A&E" });
    expect(answer.status).toBe(200);
    expect(gateway.stubs.received.practice).toHaveLength(1);
  });

  it.each([
    ["missing", ""],
    ["unknown", "maybe"],
  ])("X-Consent %s: 400 BAD_REQUEST, nothing requested", async (_case, consent) => {
    const answer = await gateway.getRecord({ consent });
    expect(answer.status).toBe(400);
    expect(spineErrorCode(answer.body)).toBe("BAD_REQUEST");
    expect(issueOf(answer.body).diagnostics).toContain("X-Consent");
    gateway.expectNoSouthRequests();
  });
});
