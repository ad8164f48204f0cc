/**
 * A stand-in gateway that records every request it receives and answers 200 with a small Bundle that echoes
 * the request's headers back (so a test can see whether an echoed secret survives into evidence), or, when
 * the request carries `X-Answer-Text-Length: N`, with N characters of plain text.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedNorthRequest {
  readonly method: string;
  /** The path and query exactly as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  readonly body: unknown;
}

export interface RecordingServer {
  readonly url: string;
  readonly received: RecordedNorthRequest[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const received: RecordedNorthRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      received.push({
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body,
      });
      // A test asks for a long answer that is not JSON by sending the length it wants.
      const textLength = Number(incoming.headers["x-answer-text-length"] ?? 0);
      if (textLength > 0) {
        outgoing.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(textLength));
        return;
      }
      const bundle = {
        resourceType: "Bundle",
        type: "collection",
        meta: { tag: [{ code: "echo", display: JSON.stringify(incoming.headers) }] },
        entry: [],
      };
      outgoing.writeHead(200, { "content-type": "application/fhir+json" }).end(JSON.stringify(bundle));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
