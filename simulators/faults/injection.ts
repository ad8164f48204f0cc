/**
 * Applies the faults of `faults.ts` to a simulated service's HTTP traffic: a fastify preHandler hook (so the
 * request is read and journalled with its patient first, as a real server reads before it fails), then the
 * answer the fault asks for, down to the raw socket for hang, reset and truncated bodies. "offline" is not
 * applied here: the region closes the service's port instead.
 *
 * Nothing a fault holds may outlive it: clearing or replacing a target's fault, or closing the injector,
 * releases every request waiting on it (a hung one loses its connection; a slow one is answered at once).
 */
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { GPC_ERRORS, type GpcErrorCode } from "../../gpconnect/error-codes.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import { noteFault } from "../journal/recording.js";
import { PDS_ERRORS, type PdsErrorCode, pdsOperationOutcome } from "../spine/pds-errors.js";
import { SDS_ERRORS, type SdsErrorCode, sdsOperationOutcome } from "../spine/sds-errors.js";
import {
  ActiveFault,
  type ErrorFault,
  type Fault,
  type FaultService,
  type LogNormalDelay,
  type RequestFault,
} from "./faults.js";

export interface FaultInjectionOptions {
  /** "pds", "sds" or the practice's ODS code: the key faults are set under. */
  readonly target: string;
  readonly service: FaultService;
  /** The real system's latency, applied to requests no fault picks (off unless the region asks for it). */
  readonly latency?: LogNormalDelay;
}

const FHIR_JSON: Readonly<Record<FaultService, string>> = {
  practice: "application/fhir+json;charset=utf-8",
  pds: "application/fhir+json",
  sds: "application/fhir+json",
};

/** Looks like the start of the service's answer, and is not JSON (the closing brackets never come). */
const MALFORMED_BODY: Readonly<Record<FaultService, string>> = {
  practice:
    '{"resourceType":"Bundle","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]},"type":"collection","entry":[{"resource":{"resourceType":"Patient",',
  pds: '{"resourceType":"Patient","id":"9990000000","meta":{"versionId":"1"},"name":[{"use":"usual","family":',
  sds: '{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":{"resourceType":',
};

/** How many more bytes a truncated answer announces than it sends. */
const TRUNCATED_MISSING_BYTES = 4096;

type Release = () => void;

export class FaultInjector {
  private readonly active = new Map<string, ActiveFault>();
  /** Requests held by a target's fault (hung or sleeping), released when that fault goes. */
  private readonly held = new Map<string, Set<Release>>();

  /** Sets (or replaces) the fault of a target. Requests held by the previous one are released. */
  set(target: string, fault: Fault): void {
    this.release(target);
    this.active.set(target, new ActiveFault(fault));
  }

  clear(target: string): void {
    this.active.delete(target);
    this.release(target);
  }

  get(target: string): Fault | undefined {
    return this.active.get(target)?.fault;
  }

  /** Every fault set, by target. */
  all(): Record<string, Fault> {
    return Object.fromEntries([...this.active].map(([target, active]) => [target, active.fault]));
  }

  /** How many requests are held (hung or slow) right now; for tests and diagnostics. */
  heldCount(): number {
    let count = 0;
    for (const set of this.held.values()) count += set.size;
    return count;
  }

  /** Drops every fault and releases every held request. */
  close(): void {
    for (const target of [...this.active.keys(), ...this.held.keys()]) this.clear(target);
  }

  install(app: FastifyInstance, options: FaultInjectionOptions): void {
    app.addHook("preHandler", async (request, reply) => {
      const decision = this.active.get(options.target)?.next();
      if (decision === undefined) {
        if (options.latency !== undefined) await this.hold(options.target, reply.raw, options.latency.next());
        return;
      }
      const { fault, applied } = decision;
      noteFault(request.raw, applied, fault.kind === "truncated" ? 200 : undefined);
      return this.apply(fault, applied.delayMs ?? 0, options, request, reply);
    });
  }

  private async apply(
    fault: RequestFault,
    delayMs: number,
    options: FaultInjectionOptions,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    const socket = request.raw.socket as Socket | null;
    switch (fault.kind) {
      case "slow":
        await this.hold(options.target, reply.raw, delayMs);
        // The caller gave up while it waited: nothing is left to answer.
        if (socket === null || socket.destroyed) return reply.hijack();
        return undefined;
      case "hang":
        await this.hold(options.target, reply.raw, Number.POSITIVE_INFINITY);
        reply.hijack();
        socket?.destroy();
        return reply;
      case "reset":
        reply.hijack();
        // RST rather than FIN, so the caller sees ECONNRESET, as when a firewall or a crashed server drops it.
        if (socket !== null) socket.resetAndDestroy();
        return reply;
      case "truncated":
        reply.hijack();
        sendTruncated(reply.raw, options.service);
        return reply;
      case "malformed":
        return reply.code(200).type(FHIR_JSON[options.service]).send(MALFORMED_BODY[options.service]);
      case "error":
        return reply
          .code(fault.status)
          .type(FHIR_JSON[options.service])
          .send(JSON.stringify(faultOutcome(options.service, fault)));
    }
  }

  /**
   * Waits `ms` (forever when infinite), or until the target's fault is cleared or replaced, or until the
   * caller's connection closes, whichever comes first.
   */
  private hold(target: string, response: ServerResponse, ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.held.get(target);
      if (set === undefined) {
        set = new Set();
        this.held.set(target, set);
      }
      const holders = set;
      const timer = Number.isFinite(ms) ? setTimeout(() => release(), ms) : undefined;
      const release: Release = () => {
        if (timer !== undefined) clearTimeout(timer);
        holders.delete(release);
        response.off("close", release);
        resolve();
      };
      holders.add(release);
      response.once("close", release);
    });
  }

  private release(target: string): void {
    const set = this.held.get(target);
    if (set === undefined) return;
    this.held.delete(target);
    for (const release of [...set]) release();
  }
}

/** Writes a 200 whose Content-Length promises more than is sent, then closes the connection. */
function sendTruncated(response: ServerResponse, service: FaultService): void {
  const partial = Buffer.from(MALFORMED_BODY[service]);
  response.writeHead(200, {
    "content-type": FHIR_JSON[service],
    "content-length": String(partial.length + TRUNCATED_MISSING_BYTES),
  });
  response.write(partial, () => response.socket?.destroy());
}

/** The OperationOutcome an error fault answers, in the service's own shape and catalogue. */
export function faultOutcome(service: FaultService, fault: ErrorFault): unknown {
  const diagnostics = fault.diagnostics ?? `Simulated fault: the service answered ${fault.status}`;
  switch (service) {
    case "practice":
      return operationOutcome(
        (fault.code as GpcErrorCode | undefined) ??
          codeForStatus(GPC_ERRORS, fault.status, "BAD_REQUEST", "INTERNAL_SERVER_ERROR"),
        diagnostics,
      );
    case "pds":
      return pdsOperationOutcome(
        (fault.code as PdsErrorCode | undefined) ??
          codeForStatus(PDS_ERRORS, fault.status, "INVALID_VALUE", "INTERNAL_SERVER_ERROR"),
        diagnostics,
      );
    case "sds":
      return sdsOperationOutcome(
        (fault.code as SdsErrorCode | undefined) ??
          codeForStatus(SDS_ERRORS, fault.status, "BAD_REQUEST", "INTERNAL_SERVER_ERROR"),
        diagnostics,
      );
  }
}

/** The catalogue's first code with this status, else its generic client or server error. */
function codeForStatus<C extends string>(
  catalogue: Readonly<Record<C, { readonly status: number }>>,
  status: number,
  clientError: C,
  serverError: C,
): C {
  const exact = (Object.keys(catalogue) as C[]).find((code) => catalogue[code].status === status);
  return exact ?? (status >= 500 ? serverError : clientError);
}
