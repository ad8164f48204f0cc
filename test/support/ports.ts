/**
 * Fixed loopback ports for tests of fixed-port behaviour (`simulate --port P`). The run is taken below the
 * system's ephemeral range, where no outgoing connection is given a port, so a busy machine's clients cannot
 * take a port between the probe and the bind.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";

const LOWEST = 10_000;

/** The first port the kernel hands to outgoing connections (Linux), or the usual 32768. */
function ephemeralStart(): number {
  try {
    const start = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
    );
    return Number.isInteger(start) && start > LOWEST + 1_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

/** Holds a loopback port until the server is closed. */
export function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** A free run of `count` consecutive loopback ports below the ephemeral range, found by trying random bases. */
export async function freePortRun(count: number): Promise<number> {
  const span = ephemeralStart() - count - LOWEST;
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = LOWEST + Math.floor(Math.random() * span);
    const held: Server[] = [];
    try {
      for (let offset = 0; offset < count; offset++) held.push(await occupy(base + offset));
      return base;
    } catch {
      // Taken: try another base.
    } finally {
      await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  }
  throw new Error(`no run of ${count} free ports found below ${ephemeralStart()}`);
}
