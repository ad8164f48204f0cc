/**
 * What a gateway says of itself: `GET {base}/metadata`, as any FHIR server answers, read for its
 * CapabilityStatement's software name and version, FHIR version and publisher. A gateway that serves none (or
 * answers anything else, or not within a few seconds) is simply described by its manifest alone.
 */
import type { RunResult } from "../run-result.js";
import { gatewayAddress } from "./gateway-address.js";
import { NorthHttp } from "./north-http.js";
import type { NorthProfile } from "./profile.js";

const METADATA_BUDGET_MS = 3_000;

export type GatewaySelfDescription = NonNullable<RunResult["gateway"]["capabilityStatement"]>;

export async function gatewayCapabilityStatement(
  profile: NorthProfile,
): Promise<GatewaySelfDescription | undefined> {
  if (profile.kind !== "gpconnect-structured") return undefined;
  const http = new NorthHttp({
    tls: profile.tls,
    timeoutMs: METADATA_BUDGET_MS,
    onExchange: () => undefined,
    redact: (value) => value,
  });
  try {
    const base = gatewayAddress(profile.baseUrl);
    const answer = await http.exchange({
      method: "GET",
      url: `${base.base.replace(/\/+$/, "")}/metadata`,
      headers: {
        accept: "application/fhir+json",
        ...(base.basicAuthorization === undefined ? {} : { authorization: base.basicAuthorization }),
      },
    });
    return answer.status === 200 ? describe(answer.body) : undefined;
  } catch {
    return undefined;
  } finally {
    await http.close();
  }
}

function describe(body: unknown): GatewaySelfDescription | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const statement = body as {
    resourceType?: unknown;
    software?: { name?: unknown; version?: unknown };
    fhirVersion?: unknown;
    publisher?: unknown;
  };
  if (statement.resourceType !== "CapabilityStatement") return undefined;
  const text = (value: unknown) =>
    typeof value === "string" && value.trim() !== "" ? value.slice(0, 200) : undefined;
  const found = {
    softwareName: text(statement.software?.name),
    softwareVersion: text(statement.software?.version),
    fhirVersion: text(statement.fhirVersion),
    publisher: text(statement.publisher),
  };
  return Object.fromEntries(
    Object.entries(found).filter(([, v]) => v !== undefined),
  ) as GatewaySelfDescription;
}
