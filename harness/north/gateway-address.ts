/**
 * Where the gateway's operation is: its base URL as the manifest gives it (maybe with a path prefix, maybe
 * with `user:password@` credentials) and the operation's path exactly as the gateway routes it.
 */

export interface GatewayAddress {
  /** The base URL without credentials, query or trailing slash: `https://host:8443/gp-connect`. */
  readonly base: string;
  /** `Basic ...` when the URL carried credentials, to send as the Authorization header. */
  readonly basicAuthorization: string | undefined;
  /** The URL's password, which must never reach evidence. */
  readonly secrets: readonly string[];
}

export function gatewayAddress(baseUrl: string): GatewayAddress {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`the gateway's base URL is not a URL: ${JSON.stringify(stripCredentials(baseUrl))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`the gateway's base URL must be http or https, not ${url.protocol}`);
  }
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const hasCredentials = username !== "" || password !== "";
  url.username = "";
  url.password = "";
  const token = Buffer.from(`${username}:${password}`).toString("base64");
  return {
    base: `${url.origin}${url.pathname.replace(/\/+$/, "")}`,
    basicAuthorization: hasCredentials ? `Basic ${token}` : undefined,
    // The password, as given and as it appears in a URL, and the Basic token that carries it.
    secrets: hasCredentials
      ? [token, ...(password === "" ? [] : [password, encodeURIComponent(password)])]
      : [],
  };
}

/** The operation's URL: the base, then the path exactly as given (its case kept; one slash between). */
export function operationUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

function stripCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1[redacted]@");
}
