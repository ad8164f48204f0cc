/**
 * The default profile (`--gateway URL`) with the audit trail declared where the reference gateway keeps it
 * (`GET /_audit?nhsNumber=`), and the consumer's authentication with the roles it allows, as its own manifest
 * declares them: so the audit and authentication scenarios run rather than being omitted.
 */
import { defaultManifest, type LoadedManifest } from "../../harness/manifest/load.js";

/**
 * The SDS job roles the reference gateway is given (ALLOWED_ROLES) where these tests start it: Clinical
 * Practitioner, Nurse and Health Professional Access Roles.
 */
export const REFERENCE_ALLOWED_ROLES = ["R8000", "R8001", "R8003"] as const;

export function defaultManifestWithAudit(gatewayUrl: string): LoadedManifest {
  const loaded = defaultManifest(gatewayUrl);
  const capabilities = {
    ...loaded.manifest.capabilities,
    audit: { url: "${gateway}/_audit?nhsNumber=${nhsNumber}" },
    authentication: { kind: "gpconnect-jwt", roles: { allowed: REFERENCE_ALLOWED_ROLES } },
  } as const;
  return { ...loaded, manifest: { ...loaded.manifest, capabilities } };
}
