/**
 * Consumer adapters: how the harness speaks to a gateway whose north API is not GP Connect.
 *
 * An adapter is a module (named by the manifest's `north.adapter`, with `north.profile: "adapter"`) whose
 * default export has a `getRecord` method. The harness calls it for every record a scenario asks for; the
 * adapter makes whatever calls the gateway's API needs through `context.send` (which applies the manifest's
 * base URL, headers, TLS and time budget, and records each exchange as evidence), and answers what a GP Connect
 * gateway would have answered: a FHIR STU3 Bundle with status 200, or a GP Connect OperationOutcome (with its
 * Spine error code) and the status GP Connect gives that code. The harness judges that answer exactly as it
 * judges a GP Connect gateway's, so the mapping is the adapter's whole job: it should translate, never decide.
 *
 * ```ts
 * import type { ConsumerAdapter } from "../../harness/north/adapter.js"; // this file
 *
 * export default {
 *   async getRecord(request, context) {
 *     const answer = await context.send({ method: "POST", path: "/api/records", body: { nhs: request.nhsNumber } });
 *     return answer.status === 200
 *       ? { status: 200, body: answer.body.record }
 *       : { status: 404, body: patientNotFoundOutcome };
 *   },
 * } satisfies ConsumerAdapter;
 * ```
 *
 * A TypeScript adapter needs a TypeScript loader: run the harness under tsx (`node --import tsx`), or compile
 * the adapter to JavaScript and name the `.js` file in the manifest.
 */
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { HarnessClinician } from "./identity.js";
import type { ConsentAnswer } from "./record-request.js";

/** What a scenario asks for: one patient's record, and what the patient said at the point of access. */
export interface AdapterRequest {
  readonly nhsNumber: string;
  /**
   * The patient's answer: `granted`, `refused`, `emergency` (with `reason`), or `not-asked` (the scenario
   * states nothing, or the gateway does not declare point-of-access consent).
   */
  readonly consent: ConsentAnswer;
  readonly reason?: string;
  /** The clinical areas asked for, as GP Connect names their parameters (`includeAllergies`...). */
  readonly areas: readonly ClinicalAreaParameter[];
  /** A fresh UUID for this request, for the gateway's correlation header if it has one. */
  readonly traceId: string;
}

/** One HTTP request to the gateway, relative to its base URL. */
export interface AdapterHttpRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Appended to the gateway's base URL as given (`/api/v1/records`); may carry a query string. */
  readonly path: string;
  /** Added to the manifest's `north.headers` (which win over these). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Text is sent as it is; anything else as JSON (with `content-type: application/json` unless set). */
  readonly body?: unknown;
}

/** The gateway's answer to one request. */
export interface AdapterResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly text: string;
}

/** What the harness gives an adapter for each request. */
export interface AdapterContext {
  /** The gateway's base URL, without credentials (`send` adds them). */
  readonly baseUrl: string;
  /** The harness's consumer organisation, as the simulated SDS knows it. */
  readonly consumer: { readonly ods: string; readonly asid: string };
  /** The clinician the harness plays: a gateway should pass their identity on to the practice. */
  readonly clinician: HarnessClinician;
  /** A GP Connect JWT naming the clinician and the consumer (unsigned, five minutes), for APIs that take one. */
  jwt(): string;
  /**
   * Sends one request to the gateway and records the exchange as evidence. No answer at all (refused
   * connection, TLS failure, time budget spent) rejects with a `NorthTransportError`: let it propagate, and
   * the harness reports the gateway as unreachable.
   */
  send(request: AdapterHttpRequest): Promise<AdapterResponse>;
}

/** The adapter's answer, as a GP Connect gateway would have answered. */
export interface AdapterAnswer {
  /** 200 with a Bundle; otherwise the status GP Connect gives the OperationOutcome's error code. */
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A FHIR STU3 Bundle, or a GP Connect OperationOutcome. */
  readonly body: unknown;
}

/** The default export of an adapter module. */
export interface ConsumerAdapter {
  getRecord(request: AdapterRequest, context: AdapterContext): Promise<AdapterAnswer>;
}

/** `send` got no HTTP answer; `description` says why (as evidence shows it). */
export class NorthTransportError extends Error {
  constructor(readonly description: string) {
    super(`no answer from the gateway: ${description}`);
    this.name = "NorthTransportError";
  }
}

export const ADAPTER_ERRORS = {
  ADAPTER_NOT_NAMED: () => "the north profile is `adapter` but names no adapter module (north.adapter)",
  ADAPTER_MISSING: (path: string) => `the consumer adapter ${path} does not exist`,
  ADAPTER_NEEDS_TYPESCRIPT: (path: string) =>
    `the consumer adapter ${path} is TypeScript: compile it to .js and name that in the manifest, or run the harness under tsx (node --import tsx)`,
  ADAPTER_IMPORT_FAILED: (path: string, why: string) =>
    `the consumer adapter ${path} could not be loaded: ${why}`,
  ADAPTER_NO_DEFAULT_EXPORT: (path: string) =>
    `the consumer adapter ${path} has no default export (export default { async getRecord(request, context) { ... } })`,
  ADAPTER_WRONG_SHAPE: (path: string, why: string) =>
    `the consumer adapter ${path}'s default export ${why}: it must be an object with a getRecord(request, context) method`,
  ADAPTER_FAILED: (path: string, why: string) => `the consumer adapter ${path} failed: ${why}`,
  ADAPTER_BAD_ANSWER: (path: string, why: string) =>
    `the consumer adapter ${path} answered ${why}: it must answer { status, body } (a Bundle or an OperationOutcome)`,
} as const;

export type AdapterErrorCode = keyof typeof ADAPTER_ERRORS;

/** A consumer adapter that cannot be loaded or broke: a configuration problem, not the gateway's fault. */
export class AdapterError extends Error {
  constructor(
    readonly code: AdapterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AdapterError";
  }
}

export function adapterError<C extends AdapterErrorCode>(
  code: C,
  ...args: Parameters<(typeof ADAPTER_ERRORS)[C]>
): AdapterError {
  const template = ADAPTER_ERRORS[code] as (...a: typeof args) => string;
  return new AdapterError(code, template(...args));
}

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);

/**
 * Imports the adapter module at `file` (absolute, as a resolved profile holds it; a relative path is taken
 * from the working directory) and checks its default export's shape. Every failure is an AdapterError naming
 * the file and what to do.
 */
export async function loadAdapter(file: string): Promise<ConsumerAdapter> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw adapterError("ADAPTER_MISSING", path);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (TYPESCRIPT.has(extname(path)) && code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw adapterError("ADAPTER_NEEDS_TYPESCRIPT", path);
    }
    throw adapterError("ADAPTER_IMPORT_FAILED", path, firstLine(error));
  }
  const adapter = module.default;
  if (adapter === undefined) throw adapterError("ADAPTER_NO_DEFAULT_EXPORT", path);
  if (adapter === null || (typeof adapter !== "object" && typeof adapter !== "function")) {
    throw adapterError(
      "ADAPTER_WRONG_SHAPE",
      path,
      `is ${adapter === null ? "null" : `a ${typeof adapter}`}`,
    );
  }
  if (typeof (adapter as { getRecord?: unknown }).getRecord !== "function") {
    throw adapterError("ADAPTER_WRONG_SHAPE", path, "has no getRecord method");
  }
  return adapter as ConsumerAdapter;
}

/** The adapter's answer, checked: a status and a body. */
export function checkedAnswer(answer: unknown, path: string): AdapterAnswer {
  if (answer === null || typeof answer !== "object") {
    throw adapterError("ADAPTER_BAD_ANSWER", path, answer === null ? "null" : `a ${typeof answer}`);
  }
  const { status, headers } = answer as { status?: unknown; headers?: unknown };
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    throw adapterError("ADAPTER_BAD_ANSWER", path, `the status ${JSON.stringify(status)}`);
  }
  if (headers !== undefined && (headers === null || typeof headers !== "object")) {
    throw adapterError("ADAPTER_BAD_ANSWER", path, "headers that are not an object");
  }
  return answer as AdapterAnswer;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
