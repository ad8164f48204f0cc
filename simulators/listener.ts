/**
 * One simulated service on one port, which can be taken offline (connections refused) and brought back on
 * the same port. A closed Fastify instance cannot listen again, so each start builds a fresh app.
 */
import type { FastifyInstance } from "fastify";
import { RegionError } from "./region-errors.js";

export interface ListenerOptions {
  /** Names the service in error messages: "PDS", "SDS", "control", "practice A12345". */
  readonly name: string;
  readonly host: string;
  /** 0 = an ephemeral port, chosen at the first start and kept for every restart. */
  readonly port: number;
  readonly build: () => FastifyInstance;
}

export class ServiceListener {
  private app: FastifyInstance | undefined;
  private boundPort: number;
  /** Starts and stops run one at a time, in call order, so a quick offline/online toggle cannot interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: ListenerOptions) {
    this.boundPort = options.port;
  }

  /** The port in use (or to be reused); 0 only before the first start of an ephemeral listener. */
  get port(): number {
    return this.boundPort;
  }

  /** `http://host:port`, with a wildcard host advertised as loopback and IPv6 in brackets. */
  get origin(): string {
    return `http://${advertisedHost(this.options.host)}:${this.boundPort}`;
  }

  start(): Promise<void> {
    return this.enqueue(async () => {
      if (this.app !== undefined) return;
      const app = this.options.build();
      try {
        await app.listen({ host: this.options.host, port: this.boundPort });
      } catch (error) {
        await app.close().catch(() => undefined);
        throw listenError(this.options.name, this.options.host, this.boundPort, error);
      }
      const address = app.server.address();
      if (address !== null && typeof address === "object") this.boundPort = address.port;
      this.app = app;
    });
  }

  /** Stops listening at once and drops every connection, idle keep-alive ones included, so callers are refused. */
  stop(): Promise<void> {
    return this.enqueue(async () => {
      const app = this.app;
      if (app === undefined) return;
      this.app = undefined;
      // server.close() stops accepting now; Fastify's own close would first run its hooks.
      app.server.close();
      app.server.closeAllConnections();
      await app.close();
      // Let clients in this process read the dropped connections' FIN before the caller's next request,
      // so it opens a new connection (refused) instead of writing into a dead pooled one.
      await new Promise((resolve) => setImmediate(resolve));
    });
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function listenError(name: string, host: string, port: number, error: unknown): RegionError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    return new RegionError("PORT_IN_USE", `port ${port} (${name}) is already in use on ${host}`);
  }
  if (code === "EACCES") {
    return new RegionError(
      "LISTEN_FAILED",
      `port ${port} (${name}) on ${host} needs privileges this process lacks`,
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new RegionError("LISTEN_FAILED", `${name} could not listen on ${host}:${port}: ${reason}`);
}

function advertisedHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
