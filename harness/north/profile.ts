/**
 * A consumer profile resolved from a gateway's manifest: everything the harness needs to speak to that
 * gateway, with the manifest's defaults filled in and its files read. `${env:...}` values are already checked
 * to exist when a profile is made; the per-request placeholders (`${traceId}`, `${jwt}`, `${consumer.ods}`,
 * `${consumer.asid}`, `${env:NAME}`) stay in the header templates until each request is built.
 */
import type { Capability, ConsentValues } from "../manifest/types.js";

/** The default operation path of profile `gpconnect-structured`. */
export const DEFAULT_OPERATION_PATH = "/Patient/$gpc.getstructuredrecord";

export type ResolvedConsentPlacement =
  | {
      readonly in: "headers";
      readonly header: string;
      readonly reasonHeader: string;
      readonly values: Required<ConsentValues>;
    }
  | {
      readonly in: "parameter";
      readonly name: string;
      readonly reasonName: string | undefined;
      readonly values: Required<ConsentValues>;
    };

export interface ResolvedTls {
  /** PEM text, read from the manifest's files. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
  readonly serverName?: string;
}

export interface NorthProfile {
  readonly kind: "gpconnect-structured" | "adapter";
  /** The gateway's base URL (credentials in it are used, and never written to a report). */
  readonly baseUrl: string;
  /** The operation's path as the gateway routes it. */
  readonly path: string;
  /** The manifest's header templates: added to the profile's, replacing same-named ones; null removes one. */
  readonly headers: Readonly<Record<string, string | null>>;
  /** The parameter names the gateway accepts, or "all". */
  readonly parameters: "all" | readonly string[];
  /** Where point-of-access consent goes; undefined when the gateway does not declare it. */
  readonly consent: ResolvedConsentPlacement | undefined;
  readonly tls: ResolvedTls | undefined;
  /** The adapter module's absolute path, for kind `adapter`. */
  readonly adapter: string | undefined;
  /** The audit trail's URL template (`${gateway}`, `${nhsNumber}`), when declared. */
  readonly auditUrl: string | undefined;
  /** Everything the gateway declares it can do. */
  readonly capabilities: ReadonlySet<Capability>;
}

/** The consumer's words for the patient's answer when the manifest gives none. */
export const DEFAULT_CONSENT_VALUES: Required<ConsentValues> = {
  granted: "granted",
  refused: "refused",
  emergency: "emergency",
};

/** Point-of-access consent where the reference gateway reads it: `X-Consent` and `X-Consent-Reason`. */
export const DEFAULT_CONSENT_HEADERS: Extract<ResolvedConsentPlacement, { in: "headers" }> = {
  in: "headers",
  header: "X-Consent",
  reasonHeader: "X-Consent-Reason",
  values: DEFAULT_CONSENT_VALUES,
};

/**
 * The profile of a gateway shaped like the reference one (GP Connect at `/Patient/$gpc.getstructuredrecord`,
 * every parameter, consent in X-Consent headers), with `changes` applied. Without `capabilities` among the
 * changes, it declares point-of-access consent and the emergency override exactly when consent has a place.
 */
export function gpConnectProfile(
  baseUrl: string,
  changes: Partial<Omit<NorthProfile, "baseUrl">> = {},
): NorthProfile {
  const consent = "consent" in changes ? changes.consent : DEFAULT_CONSENT_HEADERS;
  const declared: Capability[] =
    consent === undefined ? [] : ["point-of-access-consent", "emergency-override"];
  return {
    kind: "gpconnect-structured",
    path: DEFAULT_OPERATION_PATH,
    headers: {},
    parameters: "all",
    tls: undefined,
    adapter: undefined,
    auditUrl: undefined,
    ...changes,
    baseUrl,
    consent,
    capabilities: changes.capabilities ?? new Set(declared),
  };
}
