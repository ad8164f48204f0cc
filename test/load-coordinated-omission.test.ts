/**
 * The proof that the open-model engine measures honestly: against a loopback server that stalls for one second
 * every five (as a gateway pausing for garbage collection or a full connection pool might), the open model's
 * p99 shows the stall, while a closed-model measurement of the same server over the same ten seconds does not:
 * its workers wait out the stall and send nothing meanwhile, so only a handful of its requests are slow.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runClosedModel } from "../harness/load/closed-model.js";
import { runOpenModel, type SendRequest } from "../harness/load/open-model.js";

const STALL_EVERY_MS = 5000;
const STALL_MS = 1000;
const ANSWER_MS = 5;

let server: Server;
let url: string;
const agent = new Agent({ connections: 256 });

beforeAll(async () => {
  const started = performance.now();
  server = createServer((_req, res) => {
    // The last second of every five, every request waits for the stall to end.
    const phase = (performance.now() - started) % STALL_EVERY_MS;
    const wait = phase >= STALL_EVERY_MS - STALL_MS ? STALL_EVERY_MS - phase : 0;
    setTimeout(() => res.end("ok"), wait + ANSWER_MS);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await agent.close();
  await new Promise((resolve) => server.close(resolve));
});

const send: SendRequest = async (_index, signal) => {
  const answer = await request(url, { dispatcher: agent, signal });
  await answer.body.text();
  return { ok: answer.statusCode === 200, status: answer.statusCode };
};

it("the open model's p99 shows a one-second stall every five seconds; the closed model's does not", async () => {
  const [open, closed] = await Promise.all([
    runOpenModel({
      profile: { executor: "constant-arrival-rate", rate: 50, duration: "10s", maxVUs: 200 },
      send,
    }),
    runClosedModel({ workers: 4, durationMs: 10_000, send }),
  ]);
  console.log(
    `open model (50/s, ${open.counts.sent} sent, ${open.counts.dropped} dropped, ${open.counts.late} late): ` +
      `p50 ${open.latency.p50} ms, p99 ${open.latency.p99} ms, max ${open.latency.max} ms; ` +
      `scheduling lag p99 ${open.schedulingLag.p99} ms\n` +
      `closed model (4 workers, ${closed.sent} sent): p50 ${closed.latency.p50} ms, p99 ${closed.latency.p99} ms, ` +
      `max ${closed.latency.max} ms`,
  );
  expect(open.counts.sent).toBe(500);
  expect(open.counts.failed).toBe(0);
  expect(open.latency.p99).toBeGreaterThanOrEqual(900);
  // The stall was there for the closed model too: its slowest request waited it out...
  expect(closed.latency.max).toBeGreaterThanOrEqual(500);
  // ...but its p99 hides it.
  expect(closed.latency.p99).toBeLessThan(300);
  expect(closed.sent).toBeGreaterThan(1000);
}, 30_000);

it("an arrival that finds the pool of requests in flight full is dropped and counted, not queued", async () => {
  // 40/s into a pool of 2 while every answer takes at least 5 ms: most arrivals in a stall find it full.
  const slow: SendRequest = (index, signal) =>
    index < 2 ? new Promise((r) => setTimeout(() => r({ ok: true }), 1000)) : send(index, signal);
  const result = await runOpenModel({
    profile: { executor: "constant-arrival-rate", rate: 40, duration: "1s", maxVUs: 2 },
    send: slow,
  });
  expect(result.counts.scheduled).toBe(40);
  expect(result.counts.dropped).toBeGreaterThan(30);
  expect(result.counts.sent + result.counts.dropped).toBe(40);
  expect(result.seconds.reduce((sum, s) => sum + s.dropped, 0)).toBe(result.counts.dropped);
});
