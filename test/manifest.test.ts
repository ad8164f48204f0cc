import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkManifest,
  defaultManifest,
  loadManifestFile,
  ManifestError,
  referenceManifestPath,
} from "../harness/manifest/load.js";
import { expand, PlaceholderError } from "../harness/manifest/placeholders.js";
import { declaredCapabilities, resolveProfile } from "../harness/manifest/resolve.js";
import { nearestName } from "../harness/manifest/suggest.js";
import { manifestProblems } from "../harness/manifest/validate.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gp-harness-manifest-"));
});

const base = { name: "a gateway", launch: { kind: "url", url: "http://127.0.0.1:8080" } };

/** The problems a manifest is refused with (fails the test when it is accepted). */
function problemsOf(value: unknown, env: NodeJS.ProcessEnv = {}): readonly string[] {
  try {
    checkManifest(value, "gateway.json", dir, env);
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error("the manifest was accepted");
}

describe("a manifest with mistakes is refused, each mistake named by its field", () => {
  it("suggests the nearest valid name for a typo'd field", () => {
    expect(problemsOf({ ...base, enviroment: {} })).toContain(
      'enviroment: unknown field (did you mean "environment"?)',
    );
    const command = { kind: "command", argvv: ["node", "gw.js"], ready: { log: "up" } };
    expect(problemsOf({ ...base, launch: command })).toEqual(
      expect.arrayContaining([
        "launch.argv: missing (required)",
        'launch.argvv: unknown field (did you mean "argv"?)',
      ]),
    );
  });

  it("suggests the nearest value for a mistyped launch kind, parameter or consent place", () => {
    expect(problemsOf({ ...base, launch: { kind: "comand" } })).toEqual([
      'launch.kind: "comand" is not one of "url", "command", "image" (did you mean "command"?)',
    ]);
    const north = { parameters: ["patientNHSNumber", "includeAlergies"] };
    expect(problemsOf({ ...base, north }).join("\n")).toMatch(
      /north\.parameters\[1\]: "includeAlergies" is not one of .* \(did you mean "includeAllergies"\?\)/,
    );
    const capabilities = { pointOfAccessConsent: { in: "header" } };
    expect(problemsOf({ ...base, capabilities })).toContain(
      'capabilities.pointOfAccessConsent.in: "header" is not one of "headers", "parameter" (did you mean "headers"?)',
    );
  });

  it("says what a value must be", () => {
    const problems = problemsOf({
      name: "",
      launch: { kind: "url", url: "ftp://gateway" },
      capabilities: { emergencyOverride: "yes" },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "name: must NOT have fewer than 1 characters",
        "launch.url: must be an http:// or https:// URL",
        "capabilities.emergencyOverride: must be a boolean",
      ]),
    );
  });

  it("takes the gateway's own identity (ODS code and 12-digit ASID) and refuses a malformed one", () => {
    const identity = { ods: "Y12345", asid: "999000012345" };
    expect(checkManifest({ ...base, identity }, "gateway.json", dir, {}).manifest.identity).toEqual(identity);
    expect(problemsOf({ ...base, identity: { ods: "Y12345", asid: "12345" } }).join("\n")).toMatch(
      /identity\.asid: /,
    );
    expect(problemsOf({ ...base, identity: { asid: "999000012345" } })).toContain(
      "identity.ods: missing (required)",
    );
  });

  it("names an environment variable a placeholder needs that is not set, and an unknown placeholder", () => {
    const manifest = {
      ...base,
      north: { headers: { Authorization: "Bearer ${env:GATEWAY_TOKEN}", "X-Trace": "${trace}" } },
    };
    const problems = problemsOf(manifest);
    expect(problems).toContain(
      "north.headers.Authorization: the environment variable GATEWAY_TOKEN is not set",
    );
    expect(problems.join("\n")).toMatch(
      /north\.headers\.X-Trace: unknown placeholder "\$\{trace\}" \(here: .*\$\{traceId\}/,
    );
    expect(() => checkManifest(manifest, "m", dir, { GATEWAY_TOKEN: "t0ken" })).toThrow(/X-Trace/);
  });

  it("refuses readiness that is neither or both kinds, a bad pattern, and a launch with no way to learn its URL", () => {
    const launch = (ready: unknown, url?: string) => ({
      ...base,
      launch: { kind: "command", argv: ["node", "gw.js"], ready, ...(url ? { url } : {}) },
    });
    expect(problemsOf(launch({}, "http://127.0.0.1:${port}"))[0]).toMatch(/launch\.ready: give exactly one/);
    expect(problemsOf(launch({ log: "(" }, "http://127.0.0.1:${port}"))[0]).toMatch(
      /not a regular expression/,
    );
    expect(problemsOf(launch({ log: "listening" }))[0]).toMatch(/launch\.url: missing.*capture group/);
    expect(problemsOf(launch({ http: { path: "/metadata" } }))[0]).toMatch(/needs the gateway's URL/);
    expect(() => checkManifest(launch({ log: "on (http://\\S+)" }), "m", dir, {})).not.toThrow();
  });

  it("refuses placeholders a place does not know, and an environment for a gateway it does not start", () => {
    expect(problemsOf({ ...base, launch: { kind: "url", url: "http://127.0.0.1:${port}" } })[0]).toMatch(
      /launch\.url: unknown placeholder "\$\{port\}"/,
    );
    expect(problemsOf({ ...base, environment: { PDS_URL: "${pds}" } })).toEqual([
      "environment: only a gateway the harness starts (command or image) is given an environment",
    ]);
  });

  it("checks the north profile's files and combinations", () => {
    const problems = problemsOf({
      ...base,
      north: {
        profile: "adapter",
        parameters: ["includeAllergies"],
        tls: { ca: "missing-ca.pem", cert: "c.pem" },
      },
      capabilities: { emergencyOverride: true },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'north.parameters: must include "patientNHSNumber" (every request names its patient)',
        'north.adapter: missing (profile "adapter" needs the adapter module)',
        "north.tls: a client certificate needs both cert and key",
        "capabilities.emergencyOverride: needs capabilities.pointOfAccessConsent",
      ]),
    );
    expect(problems.join("\n")).toMatch(/north\.tls\.ca: cannot read .*missing-ca\.pem \(no such file\)/);
  });

  it("reports a file that is not JSON with the line and column", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, '{\n  "name": "x",\n  "launch": { "kind": "url" url: 1 }\n}\n');
    await expect(loadManifestFile(path)).rejects.toThrow(/broken\.json: not JSON at line 3, column \d+/);
    await expect(loadManifestFile(join(dir, "absent.json"))).rejects.toThrow(/absent\.json: no such file/);
  });
});

describe("manifests that are right", () => {
  it("the reference gateway's own manifest loads and declares consent and emergency override", async () => {
    const loaded = await loadManifestFile(referenceManifestPath());
    expect(loaded.manifest.launch.kind).toBe("command");
    const profile = resolveProfile(loaded, "http://127.0.0.1:1");
    expect(profile.consent).toMatchObject({
      in: "headers",
      header: "X-Consent",
      reasonHeader: "X-Consent-Reason",
    });
    expect(profile.capabilities.has("emergency-override")).toBe(true);
    expect(profile.capabilities.has("includeMedication")).toBe(true);
  });

  it("a bare URL means the documented default profile", () => {
    const profile = resolveProfile(defaultManifest("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    expect(profile).toMatchObject({
      kind: "gpconnect-structured",
      path: "/Patient/$gpc.getstructuredrecord",
      parameters: "all",
      consent: { in: "headers", header: "X-Consent" },
    });
  });

  it("a gateway accepting patientNHSNumber only declares no clinical area and no consent", () => {
    const loaded = checkManifest(
      { ...base, north: { path: "/patient/$gpc.getstructuredrecord", parameters: ["patientNHSNumber"] } },
      "m",
      dir,
      {},
    );
    expect([...declaredCapabilities(loaded.manifest)]).toEqual([]);
    const areas = checkManifest(
      { ...base, capabilities: { clinicalAreas: ["includeMedication"] } },
      "m",
      dir,
      {},
    );
    expect([...declaredCapabilities(areas.manifest)]).toEqual(["includeMedication"]);
  });
});

describe("placeholders", () => {
  it("expand known names and environment variables, reporting the latter as secrets", () => {
    const expansion = expand("${pds}|Bearer ${env:TOKEN}", { pds: "http://p" }, "x", { TOKEN: "s3cret" });
    expect(expansion).toEqual({ text: "http://p|Bearer s3cret", secrets: ["s3cret"] });
    expect(() => expand("${env:1BAD}", {}, "x", {})).toThrow(PlaceholderError);
  });

  it("nearest names stay near", () => {
    expect(nearestName("argvv", ["argv", "cwd"])).toBe("argv");
    expect(nearestName("zzzzzz", ["argv", "cwd"])).toBeUndefined();
  });
});

describe("the README's manifests", () => {
  it("are manifests the harness accepts (their files and variables aside)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((match) => JSON.parse(match[1] ?? "") as Record<string, unknown>)
      .filter((value) => "launch" in value);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const manifest of blocks) expect(manifestProblems(manifest), JSON.stringify(manifest)).toEqual([]);
  });
});
