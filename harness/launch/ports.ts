/**
 * Loopback ports for a launched gateway: a free one for `${port}` when the manifest fixes none, and a check
 * that the port a manifest fixes is free before the gateway is started, so a gateway that cannot bind it is
 * not blamed vaguely for exiting.
 */
import { createServer } from "node:net";
import { cliError } from "../cli/errors.js";

/** A port nothing listens on at 127.0.0.1 now (the kernel's choice of an ephemeral one). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails with GATEWAY_PORT_TAKEN when something already listens on 127.0.0.1:port. */
export function ensurePortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      // Only "in use" is ours to report; anything else (a privileged port) the gateway meets and says itself.
      if (error.code === "EADDRINUSE") reject(cliError("GATEWAY_PORT_TAKEN", port));
      else resolve();
    });
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve()));
  });
}
