/**
 * Shape coverage: the element paths a structured record carries, for comparing what real suppliers write with
 * what the simulated practices write. A path is the resource type, then each element name down to a leaf, with
 * each extension's URL, each coding's system and each identifier's system spelled into it (so two extensions, or
 * codings of two systems, are different paths); array positions are not part of it.
 */
export function shapePaths(bundle: fhir.Bundle): Set<string> {
  const paths = new Set<string>();
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource as unknown as Record<string, unknown> | undefined;
    if (resource === undefined || typeof resource.resourceType !== "string") continue;
    walk(resource, resource.resourceType, paths);
  }
  return paths;
}

function walk(value: unknown, path: string, paths: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, path, paths);
    return;
  }
  if (value === null || typeof value !== "object") {
    paths.add(path);
    return;
  }
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    if (name === "resourceType") continue;
    if (
      Array.isArray(child) &&
      (name === "extension" || name === "modifierExtension" || name === "coding" || name === "identifier")
    ) {
      const key = name === "extension" || name === "modifierExtension" ? "url" : "system";
      for (const item of child) {
        const fields = (item ?? {}) as Record<string, unknown>;
        const qualifier = fields[key];
        const { [key]: _spelled, ...rest } = fields;
        const spelled = typeof qualifier === "string" ? perPractice(qualifier) : "?";
        const qualified = `${path}.${name}[${spelled}]`;
        // The URL or system is spelled into the path, so it is not a leaf of its own.
        if (Object.keys(rest).length === 0) paths.add(qualified);
        else walk(rest, qualified, paths);
      }
      continue;
    }
    walk(child, `${path}.${name}`, paths);
  }
}

/** A system named for one practice (EMIS: `https://EMISWeb/A82038`) is one system whichever practice it names. */
function perPractice(system: string): string {
  return system.replace(/\/[A-Z]\d{5}$/, "/{ODS}");
}
