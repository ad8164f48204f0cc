/**
 * A simulated region and the reference gateway pointed at it, both in this process on loopback ports: the
 * setup of the tests that run the harness against a gateway already running (`--gateway URL --region ...`).
 */
import { afterAll, beforeAll } from "vitest";
import { type RunningGateway, startGateway } from "../../gateway/app.js";
import { readGatewayConfig } from "../../gateway/config.js";
import { type Region, type RegionOptions, startRegion } from "../../simulators/index.js";

export interface RegionWithGateway {
  readonly region: Region;
  readonly gateway: RunningGateway;
}

/** Starts both before the file's tests and closes them after; read the fields inside a test. */
export function useRegionWithReferenceGateway(options: RegionOptions): RegionWithGateway {
  const started = {} as { region: Region; gateway: RunningGateway };
  beforeAll(async () => {
    started.region = await startRegion({ port: 0, ...options });
    const info = started.region.info();
    started.gateway = await startGateway(
      readGatewayConfig({ PDS_URL: info.pds, SDS_URL: info.sds, PORT: "0", HOST: "127.0.0.1" }),
    );
  });
  afterAll(async () => {
    await started.gateway?.close();
    await started.region?.close();
  });
  return started;
}
