/**
 * The default profile (`--gateway URL`) with the audit trail declared where the reference gateway keeps it
 * (`GET /_audit?nhsNumber=`), as its own manifest does: so the audit scenarios run rather than being omitted.
 */
import { defaultManifest, type LoadedManifest } from "../../harness/manifest/load.js";

export function defaultManifestWithAudit(gatewayUrl: string): LoadedManifest {
  const loaded = defaultManifest(gatewayUrl);
  const capabilities = {
    ...loaded.manifest.capabilities,
    audit: { url: "${gateway}/_audit?nhsNumber=${nhsNumber}" },
  };
  return { ...loaded, manifest: { ...loaded.manifest, capabilities } };
}
