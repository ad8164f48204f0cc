// Lays out the reference gateway as its image holds it, in the folder given: the built gateway
// (dist/gateway, dist/gpconnect), a package.json saying the code is ES modules, and only the installed
// packages the gateway's code imports, with what they depend on (found from package-lock.json, as npm
// resolves them). Prints a fingerprint of everything laid out, so an unchanged gateway is not rebuilt.
//
//   node docker/stage-gateway.mjs STAGING_DIR
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CODE = ["dist/gateway", "dist/gpconnect"];
/** Import and re-export statements as tsc writes them (one per line, or ending `} from "x";`), and import("x"). */
const IMPORT =
  /^(?:import|export|\})[^\n]*?\bfrom\s*"([^"]+)";?$|^import\s*"([^"]+)";?$|\bimport\(\s*"([^"]+)"\s*\)/gm;

function filesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The packages the built code imports by name (node: built-ins aside). */
function importedPackages() {
  const names = new Set();
  for (const folder of CODE) {
    for (const file of filesUnder(join(root, folder)).filter((f) => f.endsWith(".js"))) {
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3];
        if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) continue;
        const parts = specifier.split("/");
        names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
      }
    }
  }
  return [...names].sort();
}

/** Where npm put `name` for the package at `from` (a lockfile key such as node_modules/a/node_modules/b). */
function resolveInLock(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate] !== undefined && existsSync(join(root, candidate))) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/** The lockfile keys of the imported packages and everything they need at run time. */
function packageClosure() {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const packages = lock.packages;
  const needed = new Set();
  const queue = importedPackages().map((name) => {
    const key = resolveInLock(packages, "", name);
    if (key === undefined) throw new Error(`the gateway imports ${name}, which is not installed (npm ci?)`);
    return key;
  });
  while (queue.length > 0) {
    const key = queue.pop();
    if (needed.has(key)) continue;
    needed.add(key);
    const entry = packages[key];
    const optional = { ...entry.optionalDependencies, ...entry.peerDependencies };
    const all = { ...entry.dependencies, ...optional };
    for (const name of Object.keys(all)) {
      const found = resolveInLock(packages, key, name);
      if (found !== undefined) queue.push(found);
      else if (!(name in optional)) throw new Error(`${key} needs ${name}, which is not installed`);
    }
  }
  return [...needed].sort();
}

function stage(target) {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const folder of CODE) {
    cpSync(join(root, folder), join(target, folder), {
      recursive: true,
      filter: (source) => !source.endsWith(".map"),
    });
  }
  writeFileSync(join(target, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  for (const key of packageClosure()) {
    const source = join(root, key);
    cpSync(source, join(target, key), {
      recursive: true,
      verbatimSymlinks: true,
      // Nested packages are staged on their own, and only when needed.
      filter: (path) => !relative(source, path).split("/").includes("node_modules"),
    });
  }
}

function fingerprint(target) {
  const hash = createHash("sha256");
  for (const file of filesUnder(target)) {
    hash.update(relative(target, file));
    hash.update("\0");
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

const target = process.argv[2];
if (target === undefined) {
  console.error("usage: node docker/stage-gateway.mjs STAGING_DIR");
  process.exit(2);
}
if (!existsSync(join(root, "dist/gateway/main.js"))) {
  console.error("dist/gateway/main.js is missing: run `npm run build` first");
  process.exit(2);
}
stage(target);
console.log(fingerprint(target));
