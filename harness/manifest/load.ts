/**
 * Loads a gateway manifest: reads the file, checks it against the schema, then checks what a schema cannot
 * say (placeholders in the right places, the environment variables it names set, its files present), so a
 * bad manifest stops the run before anything starts, with every problem named.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ThresholdError } from "../load/errors.js";
import { parseThresholdObject } from "../load/threshold-set.js";
import { HARNESS_CLINICIAN } from "../north/identity.js";
import { expand, PlaceholderError, placeholdersIn } from "./placeholders.js";
import type { GatewayManifest, ReadinessSpec } from "./types.js";
import { isManifestShape, manifestProblems } from "./validate.js";

export interface LoadedManifest {
  readonly manifest: GatewayManifest;
  /** The file it came from; undefined for the default profile of a bare URL. */
  readonly path: string | undefined;
  /** Relative paths in the manifest (cwd, TLS files, the adapter) resolve from here. */
  readonly dir: string;
}

/** A manifest that cannot be used: each problem one line, naming the field. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    const shown = problems.slice(0, 3).join("; ");
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : "";
    super(`${source}: ${shown}${more}`);
  }
}

/** The places text may hold placeholders, and the names each place knows (besides `${env:NAME}`). */
export const PLACEHOLDERS = {
  launch: ["pds", "sds", "port", "consumer.ods", "consumer.asid"],
  headers: ["traceId", "jwt", "consumer.ods", "consumer.asid"],
  audit: ["gateway", "nhsNumber", "consumer.ods", "consumer.asid"],
} as const;

export async function loadManifestFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedManifest> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : String(code);
    throw new ManifestError(path, [why]);
  }
  return checkManifest(parseJson(text, path), path, dirname(absolute), env);
}

/** Checks a manifest already parsed (from a file, or written in code). */
export function checkManifest(
  value: unknown,
  source: string,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedManifest {
  const problems = manifestProblems(value);
  if (problems.length > 0 || !isManifestShape(value)) throw new ManifestError(source, problems);
  const meaning = meaningProblems(value, dir, env);
  if (meaning.length > 0) throw new ManifestError(source, meaning);
  return { manifest: value, path: source === "" ? undefined : resolve(source), dir };
}

/** What `--gateway URL` without a manifest means: the documented default profile. */
export function defaultManifest(url: string): LoadedManifest {
  return {
    manifest: {
      name: url,
      launch: { kind: "url", url },
      north: { profile: "gpconnect-structured" },
      capabilities: { pointOfAccessConsent: { in: "headers" }, emergencyOverride: true },
    },
    path: undefined,
    dir: process.cwd(),
  };
}

/** The bundled reference gateway's own manifest (`gateway/gateway.json` in the package). */
export function referenceManifestPath(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = resolve(folder, "gateway", "gateway.json");
    if (existsSync(candidate) && existsSync(resolve(folder, "package.json"))) return candidate;
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error("the reference gateway's manifest (gateway/gateway.json) is missing");
    folder = parent;
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    if (position === undefined) throw new ManifestError(source, [`not JSON: ${message}`]);
    const before = text.slice(0, Number(position)).split("\n");
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    throw new ManifestError(source, [
      `not JSON at ${where}: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
    ]);
  }
}

/** What the schema cannot check. */
function meaningProblems(manifest: GatewayManifest, dir: string, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const launch = manifest.launch;
  if (launch.kind === "url") {
    placeholders(problems, "launch.url", launch.url, [], env);
    if (manifest.environment !== undefined) {
      problems.push(
        "environment: only a gateway the harness starts (command or image) is given an environment",
      );
    }
  } else {
    readinessProblems(problems, launch.ready, launch.url);
    if (launch.url !== undefined) placeholders(problems, "launch.url", launch.url, PLACEHOLDERS.launch, env);
    const args = launch.kind === "command" ? launch.argv : (launch.command ?? []);
    const field = launch.kind === "command" ? "launch.argv" : "launch.command";
    for (const [i, arg] of args.entries()) {
      placeholders(problems, `${field}[${i}]`, arg, PLACEHOLDERS.launch, env);
    }
    for (const [name, value] of Object.entries(manifest.environment ?? {})) {
      placeholders(problems, `environment.${name}`, value, PLACEHOLDERS.launch, env);
    }
  }
  northProblems(problems, manifest, dir, env);
  capabilityProblems(problems, manifest, env);
  if (manifest.thresholds !== undefined) thresholdProblems(problems, manifest.thresholds);
  return problems;
}

function thresholdProblems(problems: string[], thresholds: unknown): void {
  try {
    parseThresholdObject(thresholds);
  } catch (error) {
    if (!(error instanceof ThresholdError)) throw error;
    problems.push(error.message);
  }
}

function readinessProblems(problems: string[], ready: ReadinessSpec, url: string | undefined): void {
  if ((ready.http === undefined) === (ready.log === undefined)) {
    problems.push("launch.ready: give exactly one of http (a path to probe) or log (a line to wait for)");
    return;
  }
  if (ready.log !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(ready.log);
    } catch (error) {
      problems.push(`launch.ready.log: not a regular expression: ${(error as Error).message}`);
      return;
    }
    const groups = new RegExp(`${pattern.source}|`).exec("")?.length ?? 1;
    if (url === undefined && groups < 2) {
      problems.push("launch.url: missing, and launch.ready.log has no capture group to read the URL from");
    }
  } else if (url === undefined) {
    problems.push("launch.url: missing (an http readiness probe needs the gateway's URL)");
  }
}

function northProblems(
  problems: string[],
  manifest: GatewayManifest,
  dir: string,
  env: NodeJS.ProcessEnv,
): void {
  const north = manifest.north ?? {};
  for (const [name, value] of Object.entries(north.headers ?? {})) {
    if (value !== null) placeholders(problems, `north.headers.${name}`, value, PLACEHOLDERS.headers, env);
  }
  if (Array.isArray(north.parameters) && !north.parameters.includes("patientNHSNumber")) {
    problems.push('north.parameters: must include "patientNHSNumber" (every request names its patient)');
  }
  if (north.profile === "adapter" && north.adapter === undefined) {
    problems.push('north.adapter: missing (profile "adapter" needs the adapter module)');
  }
  if (north.adapter !== undefined && north.profile !== "adapter") {
    problems.push('north.adapter: only read with north.profile "adapter"');
  }
  if (north.adapter !== undefined) fileProblem(problems, "north.adapter", north.adapter, dir);
  const tls = north.tls ?? {};
  for (const field of ["ca", "cert", "key"] as const) {
    const file = tls[field];
    if (file !== undefined) fileProblem(problems, `north.tls.${field}`, file, dir);
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push("north.tls: a client certificate needs both cert and key");
  }
  if (tls.passphrase !== undefined) placeholders(problems, "north.tls.passphrase", tls.passphrase, [], env);
}

function capabilityProblems(problems: string[], manifest: GatewayManifest, env: NodeJS.ProcessEnv): void {
  const capabilities = manifest.capabilities ?? {};
  if (capabilities.emergencyOverride === true && !capabilities.pointOfAccessConsent) {
    problems.push("capabilities.emergencyOverride: needs capabilities.pointOfAccessConsent");
  }
  if (capabilities.audit !== undefined) {
    placeholders(problems, "capabilities.audit.url", capabilities.audit.url, PLACEHOLDERS.audit, env);
  }
  authenticationProblems(problems, manifest);
}

/** The GP Connect JWT travels in Authorization: a manifest that puts something else there contradicts itself. */
function authenticationProblems(problems: string[], manifest: GatewayManifest): void {
  if (manifest.capabilities?.authentication?.kind !== "gpconnect-jwt") return;
  const replaced = Object.entries(manifest.north?.headers ?? {}).find(
    ([name, value]) => name.toLowerCase() === "authorization" && !(value ?? "").includes("${jwt}"),
  );
  if (replaced !== undefined) {
    problems.push(
      `capabilities.authentication: kind "gpconnect-jwt" carries the JWT in Authorization, but north.headers.${replaced[0]} ${replaced[1] === null ? "removes it" : "replaces it"}`,
    );
  }
  if (manifest.launch.kind === "url" && /^https?:\/\/[^/@]*@/i.test(manifest.launch.url)) {
    problems.push(
      'capabilities.authentication: kind "gpconnect-jwt" carries the JWT in Authorization, but launch.url carries credentials, which are sent there instead',
    );
  }
  const allowed = manifest.capabilities.authentication.roles?.allowed;
  if (allowed !== undefined && !allowed.includes(HARNESS_CLINICIAN.jobRole)) {
    problems.push(
      `capabilities.authentication.roles.allowed: must allow ${HARNESS_CLINICIAN.jobRole} (Clinical Practitioner Access Role), the role of the clinician the harness plays`,
    );
  }
  if (manifest.north?.profile === "adapter") {
    problems.push(
      'capabilities.authentication: kind "gpconnect-jwt" is tried with raw GP Connect requests, which a consumer adapter (north.profile "adapter") cannot send',
    );
  }
}

function placeholders(
  problems: string[],
  where: string,
  text: string,
  known: readonly string[],
  env: NodeJS.ProcessEnv,
): void {
  if (placeholdersIn(text).length === 0) return;
  try {
    expand(text, Object.fromEntries(known.map((name) => [name, ""])), where, env);
  } catch (error) {
    if (!(error instanceof PlaceholderError)) throw error;
    problems.push(error.message);
  }
}

function fileProblem(problems: string[], where: string, file: string, dir: string): void {
  const absolute = resolve(dir, file);
  try {
    accessSync(absolute, constants.R_OK);
    if (!statSync(absolute).isFile()) {
      problems.push(`${where}: ${absolute} is not a file`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${where}: cannot read ${absolute} (${code === "ENOENT" ? "no such file" : code})`);
  }
}
