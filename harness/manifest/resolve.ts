/**
 * From a checked manifest to what the harness uses: the consumer profile for the gateway's URL (files read,
 * defaults filled in) and the capabilities it declares.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CLINICAL_AREA_PARAMETERS, type ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import {
  DEFAULT_OPERATION_PATH,
  type NorthProfile,
  type ResolvedConsentPlacement,
  type ResolvedTls,
} from "../north/profile.js";
import type { LoadedManifest } from "./load.js";
import { expand } from "./placeholders.js";
import type { Capability, ConsentPlacement, GatewayManifest } from "./types.js";

/** Where consent goes when a manifest declares it without saying (DESIGN.md: the MIG model's headers). */
export const DEFAULT_CONSENT_HEADERS = { header: "X-Consent", reasonHeader: "X-Consent-Reason" } as const;

/** The consumer profile for the gateway at `baseUrl`, as its manifest describes it. */
export function resolveProfile(loaded: LoadedManifest, baseUrl: string, env = process.env): NorthProfile {
  const { manifest, dir } = loaded;
  const north = manifest.north ?? {};
  const capabilities = manifest.capabilities ?? {};
  return {
    kind: north.profile ?? "gpconnect-structured",
    baseUrl,
    path: north.path ?? DEFAULT_OPERATION_PATH,
    headers: north.headers ?? {},
    parameters: north.parameters ?? "all",
    consent: consentPlacement(capabilities.pointOfAccessConsent),
    tls: north.tls === undefined ? undefined : readTls(north.tls, dir, env),
    adapter: north.adapter === undefined ? undefined : resolve(dir, north.adapter),
    auditUrl: capabilities.audit?.url,
    capabilities: declaredCapabilities(manifest),
  };
}

/** Everything the manifest declares, with the clinical areas its accepted parameters can ask for. */
export function declaredCapabilities(manifest: GatewayManifest): ReadonlySet<Capability> {
  const declared = new Set<Capability>();
  const capabilities = manifest.capabilities ?? {};
  if (capabilities.pointOfAccessConsent) declared.add("point-of-access-consent");
  if (capabilities.pointOfAccessConsent && capabilities.emergencyOverride) declared.add("emergency-override");
  if (capabilities.audit !== undefined) declared.add("audit-trail");
  if (capabilities.authentication !== undefined) declared.add("clinician-authentication");
  if (capabilities.authentication?.roles !== undefined) declared.add("clinician-roles");
  for (const area of clinicalAreas(manifest)) declared.add(area);
  return declared;
}

function clinicalAreas(manifest: GatewayManifest): readonly ClinicalAreaParameter[] {
  if (manifest.capabilities?.clinicalAreas !== undefined) return manifest.capabilities.clinicalAreas;
  const accepted = manifest.north?.parameters ?? "all";
  if (accepted === "all") return CLINICAL_AREA_PARAMETERS;
  return CLINICAL_AREA_PARAMETERS.filter((area) => accepted.includes(area));
}

function consentPlacement(spec: ConsentPlacement | false | undefined): ResolvedConsentPlacement | undefined {
  if (spec === undefined || spec === false) return undefined;
  const values = {
    granted: spec.values?.granted ?? "granted",
    refused: spec.values?.refused ?? "refused",
    emergency: spec.values?.emergency ?? "emergency",
  };
  if (spec.in === "headers") {
    return {
      in: "headers",
      header: spec.header ?? DEFAULT_CONSENT_HEADERS.header,
      reasonHeader: spec.reasonHeader ?? DEFAULT_CONSENT_HEADERS.reasonHeader,
      values,
    };
  }
  return { in: "parameter", name: spec.name, reasonName: spec.reasonName, values };
}

function readTls(
  tls: NonNullable<NonNullable<GatewayManifest["north"]>["tls"]>,
  dir: string,
  env: NodeJS.ProcessEnv,
): ResolvedTls {
  const read = (file: string | undefined) =>
    file === undefined ? undefined : readFileSync(resolve(dir, file), "utf8");
  return {
    ...(tls.ca === undefined ? {} : { ca: read(tls.ca) }),
    ...(tls.cert === undefined ? {} : { cert: read(tls.cert) }),
    ...(tls.key === undefined ? {} : { key: read(tls.key) }),
    ...(tls.passphrase === undefined
      ? {}
      : { passphrase: expand(tls.passphrase, {}, "north.tls.passphrase", env).text }),
    ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }),
  };
}
