/**
 * Reading the GP Connect JWT a gateway sent south, with the harness's own code, as GP Connect 1.6 specifies
 * it: `Authorization: Bearer header.payload.` — the header base64url JSON with alg none, the payload a
 * base64url JSON object of claims, the signature empty. Anything else is reported as what is wrong with it.
 */
import { JWT_ALGORITHM } from "../../gpconnect/jwt.js";

export type TokenReading =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly problem: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function jsonObjectOf(segment: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of the bearer token in an Authorization header value, or why there are none. */
export function readBearerToken(authorization: string | undefined): TokenReading {
  if (authorization === undefined || authorization.trim() === "") {
    return { ok: false, problem: "no Authorization header" };
  }
  const match = /^Bearer ([^\s]+)$/.exec(authorization.trim());
  if (match === null) return { ok: false, problem: "the Authorization header is not 'Bearer <JWT>'" };
  const parts = (match[1] ?? "").split(".");
  if (parts.length !== 3) return { ok: false, problem: "the token does not have three parts" };
  const [header = "", payload = "", signature = ""] = parts;
  const jose = jsonObjectOf(header);
  if (jose === undefined) return { ok: false, problem: "the token's header is not base64url JSON" };
  if (jose.alg !== JWT_ALGORITHM) {
    return { ok: false, problem: `the token's alg is ${JSON.stringify(jose.alg)}, not "${JWT_ALGORITHM}"` };
  }
  if (signature !== "") return { ok: false, problem: "an unsigned token must have an empty signature" };
  const claims = jsonObjectOf(payload);
  if (claims === undefined)
    return { ok: false, problem: "the token's payload is not a base64url JSON object" };
  return { ok: true, claims };
}
