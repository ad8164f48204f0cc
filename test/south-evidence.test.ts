/**
 * South evidence carries every request the gateway made for a scenario, with its query: here, a gateway that
 * checks its consumer in SDS (the harness's own organisation) before passing the request on. With scenarios
 * running side by side, each scenario's evidence holds its own lookup.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { ODS_ORGANISATION_SYSTEM } from "../gpconnect/identifiers.js";
import { defaultManifest } from "../harness/manifest/load.js";
import { HARNESS_CONSUMER } from "../harness/north/identity.js";
import { runConformance } from "../harness/runner.js";
import { loadCatalogue } from "../scenarios/index.js";
import { useRegionWithReferenceGateway } from "./support/region-with-gateway.js";

const running = useRegionWithReferenceGateway({ seed: 41 });
const fronts: Server[] = [];
afterAll(async () => {
  for (const front of fronts) await new Promise((resolve) => front.close(resolve));
});

/**
 * A gateway that looks its consumer up in SDS (by the Ods-from header) before handing the request to the
 * reference gateway; with `propagate`, the lookup carries the consumer's trace id as its correlation id.
 */
async function consumerCheckingGateway(propagate: boolean): Promise<string> {
  const sds = running.region.info().sds;
  const front = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const organization = `${ODS_ORGANISATION_SYSTEM}|${String(req.headers["ods-from"])}`;
    const lookup = await request(`${sds}/Device?organization=${encodeURIComponent(organization)}`, {
      headers: {
        apikey: "test",
        "x-correlation-id": propagate ? String(req.headers["ssp-traceid"]) : randomUUID(),
      },
    });
    await lookup.body.dump();
    const answer = await request(`${running.gateway.url}${req.url}`, {
      method: "POST",
      headers: {
        ...(Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== "host")) as Record<
          string,
          string
        >),
        // As a reverse proxy says it: the gateway behind checks the JWT's aud against the host addressed.
        "x-forwarded-host": String(req.headers.host),
      },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.statusCode, { "content-type": String(answer.headers["content-type"]) });
    res.end(Buffer.from(await answer.body.arrayBuffer()));
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  fronts.push(front);
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}

async function southOf(gatewayUrl: string) {
  const catalogue = await loadCatalogue();
  const result = await runConformance({
    gateway: defaultManifest(gatewayUrl),
    region: running.region.info().control,
    port: 0,
    seed: 41,
    scenarios: catalogue.filter((s) => ["CONSENT-01", "SECURITY-01", "SAFETY-01"].includes(s.id)),
    concurrency: 3,
    requestTimeoutMs: 10_000,
    scenarioTimeoutMs: 30_000,
    settleMs: 50,
  });
  expect(result.verdict, JSON.stringify(result.scenarios.map((s) => s.message))).toBe("pass");
  return result.scenarios.map((s) => ({
    north: s.evidence.north.length,
    consumerLookups: s.evidence.south.filter(
      (e) => e.target === "sds" && JSON.stringify(e.query ?? {}).includes(HARNESS_CONSUMER.ods),
    ),
  }));
}

describe("the SDS lookups of the consumer's own organisation", () => {
  it("are in each scenario's evidence, with their query, when they carry the scenario's trace id", async () => {
    for (const scenario of await southOf(await consumerCheckingGateway(true))) {
      expect(scenario.consumerLookups).toHaveLength(scenario.north);
      expect(scenario.consumerLookups[0]?.query?.organization).toBe(`${ODS_ORGANISATION_SYSTEM}|Y99001`);
    }
  });

  it("are in each scenario's evidence when made while its request was with the gateway", async () => {
    for (const scenario of await southOf(await consumerCheckingGateway(false))) {
      expect(scenario.consumerLookups.length).toBeGreaterThanOrEqual(scenario.north);
    }
  });
});
