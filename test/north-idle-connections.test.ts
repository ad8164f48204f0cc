/**
 * Connections to the gateway are reused while requests follow one another, and let go after a short idle
 * time when the gateway does not say how long it keeps them: before a server such as gunicorn (2 s, no
 * `Keep-Alive` header) closes its end, so no request is ever written into a connection being closed. Against
 * a raw HTTP/1.1 server on loopback that keeps connections open and sends no `Keep-Alive` header.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { IDLE_CONNECTION_MS, NorthHttp } from "../harness/north/north-http.js";

/** How long undici's default pool keeps an idle connection when the server says nothing. */
const UNDICI_DEFAULT_IDLE_MS = 4_000;

interface Gateway {
  readonly url: string;
  readonly server: Server;
  /** Every connection accepted, in order. */
  readonly sockets: Socket[];
  /** When each connection's last answer was written, by the connection's index. */
  readonly lastAnswerAt: number[];
}

const gateways: Gateway[] = [];

afterAll(async () => {
  for (const { server, sockets } of gateways) {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
  }
});

/** Answers each request `{}` with its length, keeps the connection open, never closes it itself. */
async function gunicornLike(): Promise<Gateway> {
  const sockets: Socket[] = [];
  const lastAnswerAt: number[] = [];
  const server = createServer((socket) => {
    const index = sockets.push(socket) - 1;
    let pending = "";
    socket.setEncoding("latin1");
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      pending += chunk;
      // Requests without a body (GET): each ends at its blank line.
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        pending = pending.slice(end + 4);
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 2\r\n\r\n{}");
        lastAnswerAt[index] = performance.now();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const gateway = { url: `http://127.0.0.1:${address.port}/Patient`, server, sockets, lastAnswerAt };
  gateways.push(gateway);
  return gateway;
}

function consumer(): NorthHttp {
  return new NorthHttp({ tls: undefined, timeoutMs: 10_000, onExchange: () => undefined, redact: (v) => v });
}

describe("connections to the gateway", () => {
  it("are reused by requests that follow one another", async () => {
    const gateway = await gunicornLike();
    const north = consumer();
    for (let i = 0; i < 10; i++) {
      const answer = await north.exchange({ method: "GET", url: gateway.url, headers: {} });
      expect(answer.status).toBe(200);
    }
    // The pool may open a second connection while the first is being handed back, and no more.
    expect(gateway.sockets.length).toBeLessThanOrEqual(2);
    await north.close();
  });

  it("are closed by the harness once idle, before a gateway that never says closes its end", async () => {
    const gateway = await gunicornLike();
    const north = consumer();
    const answer = await north.exchange({ method: "GET", url: gateway.url, headers: {} });
    expect(answer.status).toBe(200);
    const [socket] = gateway.sockets;
    if (socket === undefined) throw new Error("no connection was made");
    // The server never closes a connection: the end it sees is the harness's.
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      const budget = setTimeout(
        () => reject(new Error("the idle connection was still open after 10 s")),
        10_000,
      );
      socket.once("end", () => {
        clearTimeout(budget);
        resolve(performance.now() - (gateway.lastAnswerAt[0] ?? 0));
      });
    });
    expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_CONNECTION_MS - 50);
    // Well under undici's default (4 s), which outlives gunicorn's 2 s; timers may fire late on a busy machine.
    expect(closedAfterMs).toBeLessThan(UNDICI_DEFAULT_IDLE_MS - 500);
    // The next request opens a new connection and is answered.
    const again = await north.exchange({ method: "GET", url: gateway.url, headers: {} });
    expect(again.status).toBe(200);
    expect(gateway.sockets).toHaveLength(2);
    await north.close();
  });
});
