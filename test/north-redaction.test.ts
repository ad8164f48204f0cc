/**
 * Secrets never reach evidence: whatever is written about a run — the run result, a console line — has the
 * environment's secrets, every Authorization value and every URL's credentials replaced, however deep.
 */
import { describe, expect, it } from "vitest";
import { REDACTED, redact, redactCredential, redactText } from "../harness/north/redaction.js";

describe("redact", () => {
  it("replaces secrets, Authorization values and URL credentials deep in objects and arrays", () => {
    const evidence = {
      gateway: { url: "https://harness:hunter2-secret@gateway.example:8443/api" },
      north: [
        {
          request: {
            headers: {
              Authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
              "x-api-key": "k-81f0c2d9",
            },
            body: { note: "key k-81f0c2d9 sent twice: k-81f0c2d9" },
          },
        },
      ],
      south: [{ headers: { authorization: "Basic dXNlcjpwYXNz" }, latencyMs: 12, ok: true, none: null }],
    };
    expect(redact(evidence, ["k-81f0c2d9"])).toEqual({
      gateway: { url: `https://${REDACTED}@gateway.example:8443/api` },
      north: [
        {
          request: {
            headers: { Authorization: `Bearer ${REDACTED}`, "x-api-key": REDACTED },
            body: { note: `key ${REDACTED} sent twice: ${REDACTED}` },
          },
        },
      ],
      south: [{ headers: { authorization: `Basic ${REDACTED}` }, latencyMs: 12, ok: true, none: null }],
    });
  });

  it("leaves its input as it was, and what holds no secret as it was", () => {
    const input = { headers: { authorization: "Bearer abcdefgh12345678" }, text: "nothing to hide", n: 3 };
    const before = structuredClone(input);
    const output = redact(input, ["absent-secret"]);
    expect(input).toEqual(before);
    expect(output).not.toBe(input);
    expect(output.text).toBe("nothing to hide");
    expect(output.n).toBe(3);
  });

  it("replaces a secret that contains another whole, and ignores empty secrets", () => {
    expect(redactText("token=abc-def-ghi", ["abc", "abc-def-ghi", ""])).toBe(`token=${REDACTED}`);
    expect(redactText("unchanged", [""])).toBe("unchanged");
  });

  it("copes with a value that refers to itself", () => {
    const looped: Record<string, unknown> = { secret: "s3cr3t-value" };
    looped.self = looped;
    const output = redact(looped, ["s3cr3t-value"]);
    expect(output.secret).toBe(REDACTED);
    expect(output.self).toBe(output);
  });
});

describe("redactText, for console lines", () => {
  it("replaces URL credentials, bearer tokens written out and secrets, and leaves prose alone", () => {
    expect(redactText("gateway at http://user:pw@127.0.0.1:8080/ is up")).toBe(
      `gateway at http://${REDACTED}@127.0.0.1:8080/ is up`,
    );
    expect(redactText("authorization: Bearer eyJhbGciOiJub25lIn0.e30.")).toBe(
      `authorization: Bearer ${REDACTED}`,
    );
    expect(redactText("the gateway said: Bearer token missing")).toBe(
      "the gateway said: Bearer token missing",
    );
    expect(redactText("using key k-81f0c2d9", ["k-81f0c2d9"])).toBe(`using key ${REDACTED}`);
    expect(redactText("mail clinician@practice.nhs.uk")).toBe("mail clinician@practice.nhs.uk");
  });
});

describe("redactCredential", () => {
  it("keeps the scheme word and nothing else", () => {
    expect(redactCredential("Bearer abc.def.")).toBe(`Bearer ${REDACTED}`);
    expect(redactCredential("Basic dXNlcjpwYXNz")).toBe(`Basic ${REDACTED}`);
    expect(redactCredential("raw-api-key")).toBe(REDACTED);
  });
});
