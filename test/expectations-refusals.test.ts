/**
 * The expectations about how quickly and how a gateway refuses or fails, and about the token it sends the
 * practice, judged against answers and journal entries made by hand.
 */
import { describe, expect, it } from "vitest";
import { Expect } from "../harness/expectations.js";
import { consumerJwt, HARNESS_CONSUMER } from "../harness/north/identity.js";
import { ControlClient, type JournalEntry } from "../simulators/index.js";
import { answerWith, errorAnswer } from "./support/hand-made-record.js";

function expectations(): Expect {
  // No test here reads the journal: the control client is never called.
  return new Expect({ control: new ControlClient("http://127.0.0.1:9"), settleMs: 0, since: "" });
}

const failed = (e: Expect) => e.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);

/** A record request as the practice journalled it, carrying the consumer's token with `change` made. */
function practiceRequestWith(change: (claims: Record<string, unknown>) => void): JournalEntry {
  const [header, payload] = consumerJwt("http://practice.invalid/fhir").split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  change(claims);
  const token = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
  return { headers: { authorization: `Bearer ${token}` } } as unknown as JournalEntry;
}

describe("expect.answeredWithin", () => {
  it("passes an answer inside the time, and fails a late one or none, saying how long it took", () => {
    const e = expectations();
    expect(e.answeredWithin({ ...answerWith(200, {}), elapsedMs: 1_999.6 }, 2_000)).toBe(true);
    e.answeredWithin({ ...answerWith(200, {}), elapsedMs: 3_115.2 }, 2_000);
    e.answeredWithin({ ...answerWith(0, undefined), error: "no answer within 10000 ms" }, 2_000);
    expect(failed(e)).toEqual([
      "answered within 2000 ms: answered in 3115 ms",
      "answered within 2000 ms: no HTTP answer: no answer within 10000 ms",
    ]);
  });
});

describe("expect.outcome and expect.clientError", () => {
  it("pass a refusal that is an OperationOutcome with the status asked for", () => {
    const e = expectations();
    e.outcome(errorAnswer(415, "BAD_REQUEST", "Content-Type must be application/fhir+json"), 415);
    e.clientError(errorAnswer(400, "BAD_REQUEST", "The request carries no GP Connect JWT"));
    expect(failed(e)).toEqual([]);
  });

  it("fail an HTML error page, naming its content type, and a record given where a refusal was due", () => {
    const e = expectations();
    const page = "<!DOCTYPE html><html><body><pre>Cannot GET /nope</pre></body></html>";
    e.outcome(
      { status: 404, headers: { "content-type": "text/html" }, body: undefined, text: page, elapsedMs: 3 },
      404,
    );
    e.clientError(answerWith(200, { resourceType: "Bundle", type: "collection" }));
    expect(failed(e)).toEqual([
      "an OperationOutcome: the body is not FHIR JSON (text/html)",
      "a FHIR JSON content type: Content-Type is text/html; GP Connect answers application/fhir+json",
      "a client error status (4xx): the gateway answered 200",
      "an OperationOutcome: the body is a Bundle (application/fhir+json; charset=utf-8)",
    ]);
  });
});

describe("the token the practice received", () => {
  it("names the consumer's organisation, for direct care, read-only: both checks pass", () => {
    const e = expectations();
    const request = practiceRequestWith(() => {});
    e.organisationForwarded(request);
    e.readsForDirectCare(request);
    expect(failed(e)).toEqual([]);
  });

  it("fails a token naming the gateway, for another purpose, or asking to write, saying what it carried", () => {
    const e = expectations();
    e.organisationForwarded(
      practiceRequestWith((claims) => {
        claims.requesting_organization = {
          resourceType: "Organization",
          identifier: [{ system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "Y99002" }],
        };
      }),
    );
    e.readsForDirectCare(
      practiceRequestWith((claims) => Object.assign(claims, { reason_for_request: "secondaryuses" })),
    );
    e.readsForDirectCare(
      practiceRequestWith((claims) => Object.assign(claims, { requested_scope: "patient/*.write" })),
    );
    e.readsForDirectCare({ headers: {} } as unknown as JournalEntry);
    expect(failed(e)).toEqual([
      `the organisation's identity reached the practice: the practice's JWT names ODS code Y99002 (the consumer's organisation is ${HARNESS_CONSUMER.ods})`,
      `the practice's JWT asks to read, for direct care: reason_for_request "secondaryuses", requested_scope "patient/*.read"`,
      `the practice's JWT asks to read, for direct care: reason_for_request "directcare", requested_scope "patient/*.write"`,
      "the practice's JWT asks to read, for direct care: the practice's request carried no readable JWT: no Authorization header",
    ]);
  });

  it("accepts a read scope with a confidentiality scope beside it", () => {
    const e = expectations();
    e.readsForDirectCare(
      practiceRequestWith((claims) => Object.assign(claims, { requested_scope: "patient/*.read conf/N" })),
    );
    expect(failed(e)).toEqual([]);
  });
});
