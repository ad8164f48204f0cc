/**
 * `capabilities.authentication`: how clinicians' systems authenticate to a gateway, and the roles it allows.
 * A manifest that gets it wrong is refused with the field named; one that gets it right declares the
 * capabilities the authentication scenarios require.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkManifest,
  loadManifestFile,
  ManifestError,
  referenceManifestPath,
} from "../harness/manifest/load.js";
import { declaredCapabilities } from "../harness/manifest/resolve.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gp-harness-manifest-auth-"));
});

const base = { name: "a gateway", launch: { kind: "url", url: "http://127.0.0.1:8080" } };
const withAuthentication = (authentication: unknown, more: object = {}) => ({
  ...base,
  ...more,
  capabilities: { authentication },
});

function problemsOf(value: unknown): readonly string[] {
  try {
    checkManifest(value, "gateway.json", dir, {});
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error("the manifest was accepted");
}

describe("capabilities.authentication with mistakes is refused, naming the field", () => {
  it("an unknown kind, with the nearest one suggested, and a missing kind", () => {
    expect(problemsOf(withAuthentication({ kind: "gpconnect-jwtt" }))).toEqual([
      'capabilities.authentication.kind: must be "gpconnect-jwt", not "gpconnect-jwtt" (did you mean "gpconnect-jwt"?)',
    ]);
    expect(problemsOf(withAuthentication({}))).toEqual([
      "capabilities.authentication.kind: missing (required)",
    ]);
  });

  it("roles that are not SDS job role codes, none at all, or a typo'd field", () => {
    expect(
      problemsOf(withAuthentication({ kind: "gpconnect-jwt", roles: { allowed: ["R8000", "GP"] } })),
    ).toEqual(['capabilities.authentication.roles.allowed[1]: must be an SDS job role code such as "R8000"']);
    expect(problemsOf(withAuthentication({ kind: "gpconnect-jwt", roles: { allowed: [] } }))).toEqual([
      "capabilities.authentication.roles.allowed: must NOT have fewer than 1 items",
    ]);
    expect(problemsOf(withAuthentication({ kind: "gpconnect-jwt", roles: { alowed: ["R8000"] } }))).toContain(
      'capabilities.authentication.roles.alowed: unknown field (did you mean "allowed"?)',
    );
  });

  it("roles that do not allow the clinician the harness plays", () => {
    expect(problemsOf(withAuthentication({ kind: "gpconnect-jwt", roles: { allowed: ["R8001"] } }))).toEqual([
      "capabilities.authentication.roles.allowed: must allow R8000 (Clinical Practitioner Access Role), the role of the clinician the harness plays",
    ]);
  });

  it("a manifest that puts something else where the JWT goes", () => {
    expect(
      problemsOf(
        withAuthentication(
          { kind: "gpconnect-jwt" },
          { north: { headers: { Authorization: "Bearer ${env:GATEWAY_TOKEN}" } } },
        ),
      ),
    ).toContain(
      'capabilities.authentication: kind "gpconnect-jwt" carries the JWT in Authorization, but north.headers.Authorization replaces it',
    );
    expect(
      problemsOf(
        withAuthentication({ kind: "gpconnect-jwt" }, { north: { headers: { authorization: null } } }),
      ),
    ).toEqual([
      'capabilities.authentication: kind "gpconnect-jwt" carries the JWT in Authorization, but north.headers.authorization removes it',
    ]);
    expect(
      problemsOf({
        ...withAuthentication({ kind: "gpconnect-jwt" }),
        launch: { kind: "url", url: "https://user:secret@gateway.example" },
      }),
    ).toEqual([
      'capabilities.authentication: kind "gpconnect-jwt" carries the JWT in Authorization, but launch.url carries credentials, which are sent there instead',
    ]);
  });
});

describe("capabilities.authentication that is right", () => {
  it("declares clinician authentication, and the roles capability only with roles", () => {
    const plain = checkManifest(withAuthentication({ kind: "gpconnect-jwt" }), "gateway.json", dir, {});
    expect([...declaredCapabilities(plain.manifest)]).toContain("clinician-authentication");
    expect([...declaredCapabilities(plain.manifest)]).not.toContain("clinician-roles");
    const roles = checkManifest(
      withAuthentication({ kind: "gpconnect-jwt", roles: { allowed: ["R8000", "R8003"] } }),
      "gateway.json",
      dir,
      {},
    );
    expect([...declaredCapabilities(roles.manifest)]).toEqual(
      expect.arrayContaining(["clinician-authentication", "clinician-roles"]),
    );
    // A header template carrying the JWT itself is no contradiction.
    checkManifest(
      withAuthentication(
        { kind: "gpconnect-jwt" },
        { north: { headers: { Authorization: "Bearer ${jwt}" } } },
      ),
      "gateway.json",
      dir,
      {},
    );
  });

  it("the reference gateway's manifest declares the GP Connect JWT and the roles it allows", async () => {
    const loaded = await loadManifestFile(referenceManifestPath(), {});
    expect(loaded.manifest.capabilities?.authentication).toEqual({
      kind: "gpconnect-jwt",
      roles: { allowed: ["R8000", "R8001", "R8003"] },
    });
    expect(loaded.manifest.environment?.ALLOWED_ROLES).toBe("R8000,R8001,R8003");
  });
});
