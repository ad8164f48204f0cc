import { readFileSync } from "node:fs";

/** The package's version, read once from package.json (one directory above both the sources and dist/). */
export const TOOL_VERSION: string = (() => {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "gp-harness" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not this one
    }
  }
  return "0.0.0";
})();
