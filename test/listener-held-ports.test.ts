/**
 * A service taken offline keeps its port for its return: no ephemeral listener of the same process takes it
 * meanwhile. Otherwise a gateway calling an offline practice can reach another practice started since (and
 * read its 404 as the offline practice's answer), and the practice cannot come back on its own port.
 *
 * The OS hands out recently closed ports freely, so with a few hundred ports offline and a few hundred new
 * listeners, at least one collision is all but certain without the guard (each new listener has about a 1%
 * chance of drawing one of 400 offline ports out of the 28,000 ephemeral ones).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ServiceListener } from "../simulators/region/listener.js";

const COUNT = 400;
const TIMEOUT_MS = 5_000;

function answering(name: string): ServiceListener {
  return new ServiceListener({
    name,
    host: "127.0.0.1",
    port: 0,
    handler: (_request: IncomingMessage, response: ServerResponse) => response.end(name),
  });
}

const started: ServiceListener[] = [];

async function startAll(names: readonly string[]): Promise<ServiceListener[]> {
  const listeners = names.map(answering);
  started.push(...listeners);
  // A few at a time: hundreds of binds at once would only measure the machine.
  for (let i = 0; i < listeners.length; i += 50) {
    await Promise.all(listeners.slice(i, i + 50).map((listener) => listener.start()));
  }
  return listeners;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((listener) => listener.retire()));
});

describe("a service taken offline", () => {
  it("keeps its port: listeners started meanwhile take others, and it comes back on its own", async () => {
    const offline = await startAll(Array.from({ length: COUNT }, (_, i) => `offline ${i}`));
    const offlinePorts = new Set(offline.map((listener) => listener.port));
    await Promise.all(offline.map((listener) => listener.stop()));

    const newcomers = await startAll(Array.from({ length: COUNT }, (_, i) => `newcomer ${i}`));
    const taken = newcomers.filter((listener) => offlinePorts.has(listener.port)).map((l) => l.port);
    expect(taken, "ports of offline services taken by newcomers").toEqual([]);

    const back = offline[0];
    if (back === undefined) throw new Error("no listener");
    await back.start();
    const answer = await request(`${back.origin}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(await answer.body.text()).toBe("offline 0");
  });
});
