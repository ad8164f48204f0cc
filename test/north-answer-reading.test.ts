/**
 * A gateway's answer is untrusted input: read within a size bound, decoded as strict UTF-8, refused when it is
 * nested deeper than any record or could be read two ways, and kept as evidence without keeping a huge body
 * whole. Against real servers on loopback, and the reader's own rules on their own.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { jsonProblem } from "../harness/north/answer-reading.js";
import { NorthHttp } from "../harness/north/north-http.js";
import type { NorthExchange } from "../harness/run-result.js";

const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers) await new Promise((done) => server.close(done));
});

/** A server answering every request with these bytes (as a stream of 64 KiB chunks). */
async function answering(body: Buffer, contentType = "application/fhir+json"): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": contentType, "content-length": body.length });
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + 65536);
        offset += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    res.on("error", () => undefined);
    pump();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function consumer(exchanges: NorthExchange[], maxBytes?: number): NorthHttp {
  return new NorthHttp({
    tls: undefined,
    timeoutMs: 20_000,
    onExchange: (e) => exchanges.push(e),
    redact: (v) => v,
    ...(maxBytes === undefined ? {} : { limits: { maxBytes, maxDepth: 64 } }),
  });
}

describe("an answer too large to read", () => {
  it("is stopped at the bound even when it does not announce its length", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      const chunk = Buffer.alloc(65536, 0x20);
      const pump = () => {
        while (res.write(chunk)) {
          if (res.writableLength > 1 << 20 || res.destroyed) break;
        }
        if (!res.destroyed) res.once("drain", pump);
      };
      res.on("error", () => undefined);
      pump();
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const answer = await consumer([], 2 * 1024 * 1024).exchange({ method: "GET", url, headers: {} });
    expect(answer.problem).toBe("the answer is larger than 2 MiB: reading stopped there");
  });

  it("is stopped at the bound, named, and kept as its first part with its size", async () => {
    const url = await answering(Buffer.alloc(40 * 1024 * 1024, 0x20));
    const exchanges: NorthExchange[] = [];
    const before = process.memoryUsage().rss;
    const answer = await consumer(exchanges, 4 * 1024 * 1024).exchange({ method: "GET", url, headers: {} });
    const grewBy = process.memoryUsage().rss - before;
    expect(answer.status).toBe(200);
    expect(answer.body).toBeUndefined();
    expect(answer.problem).toBe(
      "the answer is larger than 4 MiB (it announced 40 MiB): reading stopped there",
    );
    expect(answer.text.length).toBeLessThanOrEqual(4096);
    expect(exchanges[0]?.response?.omitted?.note).toMatch(/the rest left out/);
    // Not the 40 MB answer: at most the bound and the runtime's own noise.
    expect(grewBy).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("an answer that is not strict UTF-8", () => {
  it("is named, with the offset of the first bad byte", async () => {
    const body = Buffer.concat([
      Buffer.from('{"resourceType":"Bundle","id":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const answer = await consumer([]).exchange({ method: "GET", url: await answering(body), headers: {} });
    expect(answer.body).toBeUndefined();
    expect(answer.problem).toBe("the answer is not valid UTF-8 (the first bad byte is at offset 31)");
  });
});

describe("an answer nested 100,000 levels deep", () => {
  it("is refused before anything parses or walks it: no stack overflow", async () => {
    const deep = Buffer.from(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    const answer = await consumer([]).exchange({ method: "GET", url: await answering(deep), headers: {} });
    expect(answer.body).toBeUndefined();
    expect(answer.problem).toBe("the answer is nested more than 64 levels deep");
  });
});

describe("a large record within the bound", () => {
  it("is read and parsed whole, and kept in evidence as its first part with a digest", async () => {
    const entries = Array.from({ length: 70_000 }, (_, i) => ({
      resource: { resourceType: "Basic", id: `b${i}` },
    }));
    const body = Buffer.from(JSON.stringify({ resourceType: "Bundle", type: "collection", entry: entries }));
    const exchanges: NorthExchange[] = [];
    const answer = await consumer(exchanges).exchange({
      method: "GET",
      url: await answering(body),
      headers: {},
    });
    expect(answer.problem).toBeUndefined();
    expect((answer.body as { entry: unknown[] }).entry).toHaveLength(70_000);
    const kept = exchanges[0]?.response;
    expect(typeof kept?.body).toBe("string");
    expect(kept?.omitted).toEqual({
      bytes: body.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      note: expect.stringMatching(
        /^the answer is \d+(\.\d)? MiB; the first 64 KiB are shown, the rest left out$/,
      ),
    });
  });
});

describe("JSON a consumer could read two ways", () => {
  it("names a member given twice, a byte-order mark and half a character; accepts the ordinary", () => {
    expect(jsonProblem('{"resourceType":"Bundle","resourceType":"OperationOutcome"}', 64)).toMatch(
      /names the member "resourceType" twice in one object/,
    );
    expect(jsonProblem('{"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}]}', 64)).toBeUndefined();
    expect(jsonProblem('\uFEFF{"a":1}', 64)).toMatch(/byte-order mark/);
    expect(jsonProblem('{"name":"\\ud800x"}', 64)).toMatch(/half a character/);
    expect(jsonProblem('{"name":"\\ud83d\\ude00 and \\" quoted { and ["}', 64)).toBeUndefined();
    expect(jsonProblem('{"a":"x","b":"x"}', 64)).toBeUndefined();
  });
});
