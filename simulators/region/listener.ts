/**
 * One simulated service on one port, which can be taken offline (connections refused) and brought back on
 * the same port. Either the service owns a Fastify app (a closed Fastify instance cannot listen again, so
 * each start builds a fresh one), or it is a plain HTTP server handing its requests to an app it shares
 * with others (the practices), so going offline closes only this service's port.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { FastifyInstance } from "fastify";
import { RegionError } from "./errors.js";

interface ListenerBase {
  /** Names the service in error messages: "PDS", "SDS", "control", "practice A12345". */
  readonly name: string;
  readonly host: string;
  /** 0 = an ephemeral port, chosen at the first start and kept for every restart. */
  readonly port: number;
}

export interface AppListenerOptions extends ListenerBase {
  /** A fresh app for each start. */
  readonly build: () => FastifyInstance;
}

export interface SharedAppListenerOptions extends ListenerBase {
  /** Answers this port's requests (through an app other listeners share). */
  readonly handler: RequestListener;
  /** A server whose settings (timeouts, client-error handling) this port's server copies: the shared app's. */
  readonly settingsFrom?: Server;
}

export type ListenerOptions = AppListenerOptions | SharedAppListenerOptions;

/** A service while it listens. */
interface Running {
  readonly server: Server;
  /** Resolves once the server and everything it owns are closed. */
  close(): Promise<void>;
}

/**
 * Ports of services that are offline for now and will listen again: no ephemeral listener of this process
 * may take one. The OS would hand a closed port to the next `listen(0)`, and a gateway calling the offline
 * practice would then reach another service (answering 404) instead of being refused.
 */
const heldPorts = new Set<number>();

/** How many ephemeral ports a start tries before giving up on finding one not held. */
const EPHEMERAL_ATTEMPTS = 20;

export class ServiceListener {
  private running: Running | undefined;
  /** Stopped for good: the service is gone, and its port must not open again. */
  private retired = false;
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
      if (this.running !== undefined || this.retired) return;
      const { host, name } = this.options;
      let running: Running;
      try {
        running = this.boundPort === 0 ? await this.listenOnUnheldPort() : await this.listen();
      } catch (error) {
        throw listenError(name, host, this.boundPort, error);
      }
      this.boundPort = boundPortOf(running);
      heldPorts.delete(this.boundPort);
      this.running = running;
    });
  }

  private listen(): Promise<Running> {
    const { host } = this.options;
    return "build" in this.options
      ? listenWithApp(this.options.build(), host, this.boundPort)
      : listenWithHandler(this.options, host, this.boundPort);
  }

  /** An ephemeral port that no offline service of this process is keeping for its return. */
  private async listenOnUnheldPort(): Promise<Running> {
    const refused: Running[] = [];
    try {
      for (let attempt = 0; attempt < EPHEMERAL_ATTEMPTS; attempt++) {
        const running = await this.listen();
        if (!heldPorts.has(boundPortOf(running))) return running;
        // Kept open until a free port is found, so the OS cannot hand the same one back.
        refused.push(running);
      }
      throw new Error(
        `every ephemeral port offered in ${EPHEMERAL_ATTEMPTS} tries is kept for an offline service`,
      );
    } finally {
      await Promise.all(refused.map(closeNow));
    }
  }

  /** Stops listening at once and drops every connection, idle keep-alive ones included, so callers are refused. */
  stop(): Promise<void> {
    return this.enqueue(async () => {
      const running = this.running;
      if (running === undefined) return;
      this.running = undefined;
      if (!this.retired) heldPorts.add(this.boundPort);
      await closeNow(running);
      // Let clients in this process read the dropped connections' FIN before the caller's next request,
      // so it opens a new connection (refused) instead of writing into a dead pooled one.
      await new Promise((resolve) => setImmediate(resolve));
    });
  }

  /** Stops for good: a start asked for later (a fault cleared as the service went) leaves the port closed. */
  async retire(): Promise<void> {
    this.retired = true;
    await this.stop();
    heldPorts.delete(this.boundPort);
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function boundPortOf(running: Running): number {
  const address = running.server.address();
  return address !== null && typeof address === "object" ? address.port : 0;
}

/** Stops accepting now and drops every connection; Fastify's own close would first run its hooks. */
async function closeNow(running: Running): Promise<void> {
  running.server.close();
  running.server.closeAllConnections();
  await running.close();
}

async function listenWithApp(app: FastifyInstance, host: string, port: number): Promise<Running> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return { server: app.server, close: () => app.close() };
}

function listenWithHandler(options: SharedAppListenerOptions, host: string, port: number): Promise<Running> {
  const server = createServer(options.handler);
  if (options.settingsFrom !== undefined) copySettings(options.settingsFrom, server);
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve({ server, close: () => closed });
    });
  });
}

/** The shared app's server is never listened on; each port's server behaves as it would. */
function copySettings(from: Server, to: Server): void {
  to.keepAliveTimeout = from.keepAliveTimeout;
  to.requestTimeout = from.requestTimeout;
  to.headersTimeout = from.headersTimeout;
  to.timeout = from.timeout;
  to.maxRequestsPerSocket = from.maxRequestsPerSocket;
  for (const listener of from.listeners("clientError")) {
    to.on("clientError", listener as (...args: unknown[]) => void);
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
