/**
 * The gateway manifest: one JSON file that tells the harness how to start a gateway, what to give it, how to
 * talk to it and what it declares it can do. `gateway-manifest.schema.json` beside this file is the same
 * contract as JSON Schema (what a manifest is validated against at load); these types are what the harness
 * reads once a manifest has passed.
 *
 * Text fields may hold placeholders, expanded by `placeholders.ts`:
 * - in `environment`, `launch` and `capabilities.audit.url`: `${pds}`, `${sds}` (the region's base URLs),
 *   `${port}` (the port the gateway is to listen on), `${consumer.ods}`, `${consumer.asid}` (the harness's
 *   identity as a consumer organisation), `${env:NAME}` (from the caller's environment; a secret);
 * - in `north.headers`, per request: `${traceId}`, `${jwt}` (the GP Connect JWT), `${consumer.ods}`,
 *   `${consumer.asid}`, `${env:NAME}`;
 * - in `capabilities.audit.url`: also `${gateway}` (the gateway's base URL) and `${nhsNumber}`.
 */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";

export interface GatewayManifest {
  /** Shown in reports: who made the gateway and what it is. */
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly launch: LaunchSpec;
  /** Environment variables for a launched gateway (`command` or `image`), with placeholders. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly north?: NorthSpec;
  readonly capabilities?: CapabilitiesSpec;
  /**
   * The performance pack's thresholds for this gateway, as k6's `options.thresholds`:
   * `{ "http_req_duration": ["p(95)<800"], "gateway_overhead{scenario:PERFORMANCE-02}": ["p(95)<200"] }`
   * (harness/load/threshold-set.ts). They replace the scenarios' own budgets for those metrics.
   */
  readonly thresholds?: Readonly<Record<string, readonly string[]>>;
  /**
   * The gateway's own identity as a consumer system: its organisation's ODS code and the ASID it sends the
   * practices as `Ssp-From`. The harness registers it in the simulated SDS before the run, as the gateway's
   * accreditation registers it in the real one; without it, the practices' Spine Secure Proxy knows only the
   * harness's and the reference gateway's ASIDs, and refuses any other (403 ASID_CHECK_FAILED_MESSAGESENDER).
   */
  readonly identity?: GatewayIdentity;
}

export interface GatewayIdentity {
  readonly ods: string;
  /** 12 digits. */
  readonly asid: string;
}

export type LaunchSpec = UrlLaunch | CommandLaunch | ImageLaunch;

/** A gateway already running. */
export interface UrlLaunch {
  readonly kind: "url";
  readonly url: string;
}

/** How the harness knows a launched gateway is ready for requests. One of the two. */
export interface ReadinessSpec {
  /** An HTTP GET of this path (on the gateway's URL) answers with this status (default 200). */
  readonly http?: { readonly path: string; readonly status?: number };
  /**
   * A regular expression matched against each line the gateway prints (stdout and stderr). When it has a
   * capture group and the launch has no `url`, the first group is the gateway's base URL.
   */
  readonly log?: string;
  /** Start-up budget (default 30,000 ms); past it, the gateway is stopped and the run ends with exit 2. */
  readonly timeoutMs?: number;
}

/** Shared by the launches that start something. */
interface StartedLaunch {
  /** The gateway's base URL once ready, usually with `${port}`; optional when a `log` probe captures it. */
  readonly url?: string;
  /** The port `${port}` stands for; absent or 0: a free loopback port chosen by the harness. */
  readonly port?: number;
  readonly ready: ReadinessSpec;
}

/** A program started by the harness and stopped at the end with its whole process group. */
export interface CommandLaunch extends StartedLaunch {
  readonly kind: "command";
  /** The program and its arguments; `node` means the Node.js running the harness. */
  readonly argv: readonly [string, ...string[]];
  /** Working directory, relative to the manifest's folder (default: the manifest's folder). */
  readonly cwd?: string;
}

/** A container image started through Testcontainers with host networking. */
export interface ImageLaunch extends StartedLaunch {
  readonly kind: "image";
  readonly image: string;
  /** Overrides the image's command. */
  readonly command?: readonly string[];
}

/** How the harness speaks to the gateway: the consumer profile. */
export interface NorthSpec {
  /** `gpconnect-structured` (default): GP Connect Access Record Structured; `adapter`: a consumer adapter module. */
  readonly profile?: "gpconnect-structured" | "adapter";
  /** The operation's path exactly as the gateway routes it (default `/Patient/$gpc.getstructuredrecord`). */
  readonly path?: string;
  /**
   * Headers added to the profile's own, or replacing one of the same name (case-insensitive); `null` removes
   * one of the profile's. Values may hold placeholders (a bearer token from `${env:GATEWAY_TOKEN}`).
   */
  readonly headers?: Readonly<Record<string, string | null>>;
  /**
   * The request parameters the gateway accepts: `all` (default: the full GP Connect set) or a list of
   * parameter names such as `["patientNHSNumber"]`. The harness sends nothing outside it.
   */
  readonly parameters?: "all" | readonly string[];
  readonly tls?: TlsSpec;
  /** The consumer adapter module (relative to the manifest), for `profile: "adapter"`. */
  readonly adapter?: string;
}

/** For an `https` gateway: files relative to the manifest's folder. */
export interface TlsSpec {
  /** The CA (PEM) that signed the gateway's certificate, when it is not a public one. */
  readonly ca?: string;
  /** A client certificate and key (PEM) for mutual TLS, as the Spine requires. */
  readonly cert?: string;
  readonly key?: string;
  /** The key's passphrase, usually `${env:NAME}`. */
  readonly passphrase?: string;
  /** The name to check the gateway's certificate against, when it differs from the URL's host. */
  readonly serverName?: string;
}

/** What the gateway declares it can do. A scenario needing something undeclared is omitted, naming it. */
export interface CapabilitiesSpec {
  /** Point-of-access consent and where the consumer states it; absent or false: not supported. */
  readonly pointOfAccessConsent?: ConsentPlacement | false;
  /** Emergency access without consent, with a reason (needs point-of-access consent). */
  readonly emergencyOverride?: boolean;
  /** The clinical areas its answers can hold (default: those its accepted parameters can ask for). */
  readonly clinicalAreas?: readonly ClinicalAreaParameter[];
  /** Its audit trail: a GET of this URL answers the entries about one patient, in the shape harness/oracle/audit-trail.ts reads. */
  readonly audit?: { readonly url: string };
  /** How clinicians' systems authenticate to it: what the authentication scenarios try to get past. */
  readonly authentication?: AuthenticationSpec;
}

/**
 * `gpconnect-jwt`: the GP Connect consumer JWT in `Authorization: Bearer` (unsigned, five minutes, `aud` the
 * gateway's base URL), which the gateway checks and refuses when malformed, expired, issued in the future or
 * made for another audience.
 */
export interface AuthenticationSpec {
  readonly kind: "gpconnect-jwt";
  /**
   * The SDS job role codes (R8000...) allowed to view records, as the token carries them in
   * `requesting_practitioner.practitionerRole[].role.coding` (CareConnect-SDSJobRoleName-1): a practitioner in
   * any other role is refused.
   */
  readonly roles?: { readonly allowed: readonly string[] };
}

/** The consumer's words for the patient's answer, when the gateway uses its own. */
export interface ConsentValues {
  readonly granted?: string;
  readonly refused?: string;
  readonly emergency?: string;
}

export type ConsentPlacement =
  | {
      readonly in: "headers";
      /** Default `X-Consent`. */
      readonly header?: string;
      /** Default `X-Consent-Reason`. */
      readonly reasonHeader?: string;
      readonly values?: ConsentValues;
    }
  | {
      /** A part of the request's Parameters resource (valueCode; the reason as valueString). */
      readonly in: "parameter";
      readonly name: string;
      readonly reasonName?: string;
      readonly values?: ConsentValues;
    };

/** What a scenario can require of a gateway. */
export type Capability =
  | "point-of-access-consent"
  | "emergency-override"
  | "audit-trail"
  | "clinician-authentication"
  | "clinician-roles"
  | ClinicalAreaParameter;
