/**
 * The reference gateway's configuration, read from the environment and validated into a typed value.
 * Every error names the variable, so a misconfigured launch says exactly what to fix.
 */

export interface GatewayConfig {
  /** Interface to listen on. */
  readonly host: string;
  /** Port to listen on; 0 asks the OS for a free one. */
  readonly port: number;
  /** PDS FHIR R4 base URL, without a trailing slash. */
  readonly pdsUrl: string;
  /** SDS FHIR R4 base URL, without a trailing slash. */
  readonly sdsUrl: string;
  /** Sent as the `apikey` header to SDS. */
  readonly sdsApiKey: string;
  /** The gateway's own ASID: Ssp-From towards practices. */
  readonly gatewayAsid: string;
  /** The gateway's own ODS code, used when the consumer names no organisation. */
  readonly gatewayOds: string;
  /** Budget for one practice request, connection to last byte. */
  readonly practiceTimeoutMs: number;
  /** Budget for one PDS or SDS request, connection to last byte. */
  readonly spineTimeoutMs: number;
  /** Budget for a whole north request: every south call gets the smaller of its own timeout and what is left. */
  readonly requestBudgetMs: number;
  /** Further attempts at a south call that failed transiently (refused, reset, 502, 503). */
  readonly southRetries: number;
  /** JSON-lines file the audit trail is appended to; undefined keeps it in memory only. */
  readonly auditLog: string | undefined;
  /**
   * The hosts (host:port) a consumer's JWT may name in `aud` besides the one the request was addressed to
   * (its Host, or X-Forwarded-Host behind a proxy): the gateway's public addresses.
   */
  readonly audienceHosts: readonly string[];
  /** SDS job role codes allowed to view records; undefined: the practitioner's role is not checked. */
  readonly allowedRoles: readonly string[] | undefined;
}

export const GATEWAY_DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  sdsApiKey: "gp-harness",
  gatewayAsid: "999000000002",
  gatewayOds: "Y99002",
  practiceTimeoutMs: 5000,
  spineTimeoutMs: 3000,
  requestBudgetMs: 10_000,
  southRetries: 2,
} as const;

/** A configuration value is missing or invalid; `variable` names the environment variable. */
export class GatewayConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "GatewayConfigError";
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the configuration; throws GatewayConfigError naming the first bad variable. */
export function readGatewayConfig(env: Environment = process.env): GatewayConfig {
  return {
    host: optionalText(env, "HOST", GATEWAY_DEFAULTS.host),
    port: integerIn(env, "PORT", GATEWAY_DEFAULTS.port, 0, 65_535),
    pdsUrl: requiredBaseUrl(env, "PDS_URL", "http://127.0.0.1:8081/personal-demographics/FHIR/R4"),
    sdsUrl: requiredBaseUrl(env, "SDS_URL", "http://127.0.0.1:8082/spine-directory/FHIR/R4"),
    sdsApiKey: optionalText(env, "SDS_API_KEY", GATEWAY_DEFAULTS.sdsApiKey),
    gatewayAsid: matching(env, "GATEWAY_ASID", GATEWAY_DEFAULTS.gatewayAsid, /^\d{1,12}$/, "up to 12 digits"),
    gatewayOds: matching(env, "GATEWAY_ODS", GATEWAY_DEFAULTS.gatewayOds, /^[A-Z0-9]{3,10}$/i, "an ODS code"),
    practiceTimeoutMs: integerIn(env, "PRACTICE_TIMEOUT_MS", GATEWAY_DEFAULTS.practiceTimeoutMs, 1, 600_000),
    spineTimeoutMs: integerIn(env, "SPINE_TIMEOUT_MS", GATEWAY_DEFAULTS.spineTimeoutMs, 1, 600_000),
    requestBudgetMs: integerIn(env, "REQUEST_BUDGET_MS", GATEWAY_DEFAULTS.requestBudgetMs, 1, 600_000),
    southRetries: integerIn(env, "SOUTH_RETRIES", GATEWAY_DEFAULTS.southRetries, 0, 5),
    auditLog: variable(env, "AUDIT_LOG"),
    audienceHosts: urlHosts(env, "GATEWAY_AUDIENCE"),
    allowedRoles: roleCodes(env, "ALLOWED_ROLES"),
  };
}

/** A comma-separated list of base URLs, as their hosts (host:port). */
function urlHosts(env: Environment, name: string): string[] {
  const value = variable(env, name);
  if (value === undefined) return [];
  return value.split(",").map((url) => {
    try {
      return new URL(url.trim()).host.toLowerCase();
    } catch {
      throw new GatewayConfigError(
        name,
        `${name} must be base URLs separated by commas, got "${url.trim()}"`,
      );
    }
  });
}

/** A comma-separated list of SDS job role codes (R8000); unset: roles are not checked. */
function roleCodes(env: Environment, name: string): string[] | undefined {
  const value = variable(env, name);
  if (value === undefined) return undefined;
  const codes = value.split(",").map((code) => code.trim());
  const bad = codes.find((code) => !/^[A-Z]\d{4}$/.test(code));
  if (bad !== undefined) {
    throw new GatewayConfigError(name, `${name} must be SDS job role codes such as R8000, got "${bad}"`);
  }
  return codes;
}

/** An unset or empty variable counts as absent, as shells make both easy to produce by accident. */
function variable(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function optionalText(env: Environment, name: string, fallback: string): string {
  return variable(env, name) ?? fallback;
}

function matching(env: Environment, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = variable(env, name);
  if (value === undefined) return fallback;
  if (!pattern.test(value)) throw new GatewayConfigError(name, `${name} must be ${what}, got "${value}"`);
  return value;
}

function integerIn(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const value = variable(env, name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new GatewayConfigError(name, `${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

function requiredBaseUrl(env: Environment, name: string, example: string): string {
  const value = variable(env, name);
  if (value === undefined) throw new GatewayConfigError(name, `${name} is required (e.g. ${example})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayConfigError(name, `${name} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new GatewayConfigError(name, `${name} must be an http or https URL, got "${value}"`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new GatewayConfigError(
      name,
      `${name} must be a base URL without query or fragment, got "${value}"`,
    );
  }
  return url.href.replace(/\/+$/, "");
}
