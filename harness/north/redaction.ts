/**
 * Secrets never reach evidence. Reports are filed and shared (a commissioner keeps them for years), so
 * everything written from a run — the run result, the console — goes through `redact` first:
 * - every value that came from `${env:NAME}` (a bearer token, an API key, a key's passphrase);
 * - the value of any `Authorization` header, north or south: `Bearer [redacted]`, keeping the scheme word so
 *   a reader still sees which kind of credential was sent;
 * - credentials in URLs: `http://user:pw@host` becomes `http://[redacted]@host`.
 */

export const REDACTED = "[redacted]";

/** Header names whose whole value is a credential. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization"]);

/** `scheme://userinfo@`: the userinfo part is a credential. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** A bearer token written out in text (a console line, an error message); prose ("Bearer token missing") is left. */
const BEARER_IN_TEXT = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;

/**
 * `value` with every secret replaced, deep through strings, arrays and plain objects; other values (numbers,
 * class instances) are returned as they are. `secrets` are the texts that came from the environment; empty
 * ones are ignored. The input is not changed.
 */
export function redact<T>(value: T, secrets: Iterable<string> = []): T {
  return redactWith(value, orderedSecrets(secrets), new WeakMap()) as T;
}

/** One line of text (a console line, a log) with every secret replaced. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  return redactString(text, orderedSecrets(secrets));
}

/** A credential header's value with the credential replaced: `Bearer abc` → `Bearer [redacted]`. */
export function redactCredential(value: string): string {
  const scheme = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value)?.[1];
  return scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
}

/** Longest first, so a secret that contains another is replaced whole. */
function orderedSecrets(secrets: Iterable<string>): string[] {
  return [...new Set(secrets)].filter((s) => s !== "").sort((a, b) => b.length - a.length);
}

function redactWith(value: unknown, secrets: readonly string[], seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return redactString(value, secrets);
  if (value === null || typeof value !== "object") return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactWith(item, secrets, seen));
    return copy;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] =
      CREDENTIAL_HEADERS.has(key.toLowerCase()) && typeof item === "string"
        ? redactCredential(item)
        : redactWith(item, secrets, seen);
  }
  return copy;
}

function redactString(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) redacted = redacted.split(secret).join(REDACTED);
  return redacted
    .replace(URL_CREDENTIALS, (_, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(BEARER_IN_TEXT, (_, word: string) => `${word} ${REDACTED}`);
}
