/**
 * TLS failures said in the manifest's terms. OpenSSL's codes (SELF_SIGNED_CERT_IN_CHAIN, "other side
 * closed") do not tell a user which file to fix; "TLS: the gateway's certificate is not signed by the
 * manifest's CA" does. Where the code alone is not enough (which CA signed the gateway's certificate; whether
 * a closed connection was the gateway refusing the handshake), one diagnostic connection finds out.
 */
import { connect, type TLSSocket } from "node:tls";
import type { ResolvedTls } from "./profile.js";

/** The gateway's certificate does not chain to a CA the harness was given. */
const UNTRUSTED_CERTIFICATE = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** The gateway ended the handshake because the harness sent no client certificate. */
const CLIENT_CERTIFICATE_REQUIRED = new Set([
  "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED",
  "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
]);

/** The gateway ended the handshake because it does not accept the client certificate sent. */
const CLIENT_CERTIFICATE_REFUSED = new Set([
  "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
  "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN",
  "ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
  "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED",
  "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED",
  "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR",
]);

/** What was said to a plain-HTTP server. */
const NOT_TLS = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG"]);

/** Descriptions that need no diagnostic connection, by code. */
const FIXED: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: "TLS: the gateway's certificate has expired",
  CERT_NOT_YET_VALID: "TLS: the gateway's certificate is not valid yet",
  ERR_OSSL_BAD_DECRYPT: "TLS: the client key could not be decrypted (is north.tls.passphrase right?)",
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: "TLS: the client certificate and key do not belong together",
  ERR_OSSL_PEM_NO_START_LINE: "TLS: a certificate or key of north.tls is not PEM",
};

export interface TlsFailureContext {
  /** The URL asked for. */
  readonly url: URL;
  readonly tls: ResolvedTls | undefined;
  /** Longest the diagnostic connection may take. */
  readonly budgetMs: number;
}

/** A TLS-specific description of a transport failure, or undefined when it is not a TLS failure. */
export async function describeTlsFailure(
  cause: unknown,
  context: TlsFailureContext,
): Promise<string | undefined> {
  if (context.url.protocol !== "https:") return undefined;
  const { code, message } = innermost(cause);
  if (code === undefined) return undefined;
  const fixed = FIXED[code];
  if (fixed !== undefined) return fixed;
  // A wrong passphrase now and then decrypts to bytes whose padding looks right: OpenSSL then fails to decode
  // the key ("unsupported") instead of reporting a bad decrypt. With a passphrase given, it means the same.
  if (context.tls?.passphrase !== undefined && /^ERR_OSSL_(UNSUPPORTED|ASN1_|DECODER)/.test(code)) {
    return FIXED.ERR_OSSL_BAD_DECRYPT;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return nameMismatch(context, message);
  if (UNTRUSTED_CERTIFICATE.has(code)) return untrusted(context, (await probe(context)).issuer);
  if (CLIENT_CERTIFICATE_REQUIRED.has(code) || CLIENT_CERTIFICATE_REFUSED.has(code)) {
    return clientCertificateRefused(code, context);
  }
  if (NOT_TLS.has(code))
    return `TLS: the gateway did not answer in TLS at ${context.url.origin} (is it plain http?)`;
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET") {
    // TLS 1.3 servers refuse a client certificate after the handshake: undici sees only a closed socket.
    const alert = (await probe(context)).alert;
    return alert !== undefined &&
      (CLIENT_CERTIFICATE_REQUIRED.has(alert) || CLIENT_CERTIFICATE_REFUSED.has(alert))
      ? clientCertificateRefused(alert, context)
      : undefined;
  }
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || code === "EPROTO") {
    return `TLS: the handshake with the gateway failed (${firstLine(message)})`;
  }
  return undefined;
}

function untrusted(context: TlsFailureContext, issuer: string | undefined): string {
  const issued = issuer === undefined ? "" : ` (issued by "${issuer}")`;
  return context.tls?.ca !== undefined
    ? `TLS: the gateway's certificate${issued} is not signed by the manifest's CA (north.tls.ca)`
    : `TLS: the gateway's certificate${issued} is not signed by a CA the harness trusts: name its CA in the manifest's north.tls.ca`;
}

function nameMismatch(context: TlsFailureContext, message: string): string {
  const checked = context.tls?.serverName ?? context.url.hostname;
  const names = /.*altnames: (.*)$/.exec(message)?.[1];
  return (
    `TLS: certificate name mismatch: the gateway's certificate is not for "${checked}"` +
    `${names === undefined ? "" : ` (it names ${names})`}; north.tls.serverName sets the name to check`
  );
}

function clientCertificateRefused(code: string, context: TlsFailureContext): string {
  if (context.tls?.cert === undefined) {
    return "TLS: the gateway refused the handshake: it requires a client certificate and none was given (north.tls.cert and north.tls.key)";
  }
  return CLIENT_CERTIFICATE_REQUIRED.has(code)
    ? "TLS: the gateway refused the handshake with the client certificate of north.tls.cert"
    : "TLS: the gateway refused the client certificate of north.tls.cert (not signed by a CA it trusts, or not for client use)";
}

interface ProbeResult {
  /** The common name (or organisation) of the gateway certificate's issuer. */
  readonly issuer?: string;
  /** The alert the gateway ended the connection with, as Node codes it. */
  readonly alert?: string;
}

/**
 * One TLS connection with the consumer's settings but without verifying the gateway: which CA signed its
 * certificate, and whether it ends the connection with an alert once it has seen the client's certificate
 * (a request line is sent so that a gateway that accepts answers something and the probe can end early).
 */
function probe(context: TlsFailureContext): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let socket: TLSSocket;
    let issuer: string | undefined;
    const done = (alert?: string) => {
      clearTimeout(timer);
      socket?.destroy();
      resolve({ ...(issuer === undefined ? {} : { issuer }), ...(alert === undefined ? {} : { alert }) });
    };
    const timer = setTimeout(done, context.budgetMs);
    const tls = context.tls ?? {};
    try {
      socket = connect({
        host: context.url.hostname.replace(/^\[|\]$/g, ""),
        port: Number(context.url.port || 443),
        servername: tls.serverName ?? serverNameOf(context.url.hostname),
        rejectUnauthorized: false,
        ...(tls.ca === undefined ? {} : { ca: tls.ca }),
        ...(tls.cert === undefined ? {} : { cert: tls.cert }),
        ...(tls.key === undefined ? {} : { key: tls.key }),
        ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      });
    } catch {
      done();
      return;
    }
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate();
      const name = certificate?.issuer?.CN ?? certificate?.issuer?.O;
      issuer = Array.isArray(name) ? name.join(", ") : name;
      socket.write(`HEAD / HTTP/1.1\r\nHost: ${context.url.host}\r\nConnection: close\r\n\r\n`);
    });
    socket.once("data", () => done());
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code));
    socket.once("close", () => done());
  });
}

/** SNI carries host names only, never IP addresses. */
function serverNameOf(hostname: string): string | undefined {
  return /^[\d.]+$|^\[/.test(hostname) ? undefined : hostname;
}

function innermost(cause: unknown): { code: string | undefined; message: string } {
  let error = cause as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  let found: { code: string | undefined; message: string } = { code: undefined, message: String(cause) };
  for (let depth = 0; error !== undefined && error !== null && depth < 5; depth++) {
    if (typeof error.code === "string") {
      found = { code: error.code, message: typeof error.message === "string" ? error.message : "" };
      // A socket error's own cause, when it has one, is the more specific.
      if (error.code !== "UND_ERR_SOCKET") return found;
    }
    error = error.cause as typeof error;
  }
  return found;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}
