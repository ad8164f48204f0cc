/**
 * The consent audit trail: one entry per point-of-access decision and what came of it, kept in memory (a
 * bounded ring, newest last) for `GET /_audit?nhsNumber=...`, and appended as one JSON line each to the file
 * `AUDIT_LOG` names, so the trail outlives the process.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { ODS_ORGANISATION_SYSTEM, SDS_USER_ID_SYSTEM } from "../gpconnect/identifiers.js";
import { isJsonObject, type JsonObject, objectsOf } from "./json-values.js";

/** What the consumer stated: the three answers of the MIG model, and the ways a statement can be unusable. */
export type AuditDecision =
  | "granted"
  | "refused"
  | "emergency"
  | "emergency-without-reason"
  | "not-stated"
  | "unrecognised";

export interface AuditOutcome {
  /** `record-returned`: the practice's record went to the clinician; `refused`: a 4xx; `error`: a 5xx. */
  readonly result: "record-returned" | "refused" | "error";
  readonly status: number;
  readonly spineCode?: string;
}

export interface AuditEntry {
  /** ISO 8601, when the decision was made. */
  readonly time: string;
  readonly traceId: string;
  readonly nhsNumber: string;
  /** From the consumer's JWT (requesting_organization, requesting_practitioner); absent when it names none. */
  readonly consumerOds?: string;
  readonly practitionerSdsId?: string;
  readonly practitionerName?: string;
  readonly decision: AuditDecision;
  /** The emergency reason, as the consumer stated it. */
  readonly reason?: string;
  readonly outcome: AuditOutcome;
}

/** Entries held in memory; the oldest go first. */
export const AUDIT_MEMORY_ENTRIES = 10_000;

export class AuditTrail {
  private readonly ring: (AuditEntry | undefined)[];
  private next = 0;
  private readonly file: WriteStream | undefined;

  constructor(
    path: string | undefined,
    readonly capacity = AUDIT_MEMORY_ENTRIES,
  ) {
    this.ring = new Array<AuditEntry | undefined>(capacity);
    this.file = path === undefined ? undefined : createWriteStream(path, { flags: "a" });
    // A file that cannot be written must not take the gateway down; the in-memory trail still answers.
    this.file?.on("error", () => undefined);
  }

  record(entry: AuditEntry): void {
    this.ring[this.next % this.capacity] = entry;
    this.next++;
    this.file?.write(`${JSON.stringify(entry)}\n`);
  }

  /** The entries about one patient still held, oldest first. */
  about(nhsNumber: string): AuditEntry[] {
    const held = Math.min(this.next, this.capacity);
    const entries: AuditEntry[] = [];
    for (let index = this.next - held; index < this.next; index++) {
      const entry = this.ring[index % this.capacity];
      if (entry?.nhsNumber === nhsNumber) entries.push(entry);
    }
    return entries;
  }

  /** Resolves once every line written so far is in the file. */
  async close(): Promise<void> {
    const file = this.file;
    if (file === undefined) return;
    await new Promise<void>((resolve) => file.end(resolve));
  }
}

/** Who asked, as the consumer's JWT says: the organisation's ODS code, the practitioner's SDS id and name. */
export function consumerIdentity(
  claims: JsonObject,
): Pick<AuditEntry, "consumerOds" | "practitionerSdsId" | "practitionerName"> {
  const organisation = isJsonObject(claims.requesting_organization) ? claims.requesting_organization : {};
  const practitioner = isJsonObject(claims.requesting_practitioner) ? claims.requesting_practitioner : {};
  const consumerOds = identifierValue(organisation, ODS_ORGANISATION_SYSTEM);
  const practitionerSdsId = identifierValue(practitioner, SDS_USER_ID_SYSTEM);
  const practitionerName = humanName(practitioner);
  return {
    ...(consumerOds === undefined ? {} : { consumerOds }),
    ...(practitionerSdsId === undefined ? {} : { practitionerSdsId }),
    ...(practitionerName === undefined ? {} : { practitionerName }),
  };
}

function identifierValue(resource: JsonObject, system: string): string | undefined {
  const value = objectsOf(resource.identifier).find((identifier) => identifier.system === system)?.value;
  return typeof value === "string" ? value.slice(0, 100) : undefined;
}

/** "Dr Siobhán O'Brien": prefix, given names and family name of the first name. */
function humanName(practitioner: JsonObject): string | undefined {
  const [name] = objectsOf(practitioner.name);
  if (name === undefined) return undefined;
  const words = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((part): part is string => typeof part === "string") : [];
  const family = typeof name.family === "string" ? [name.family] : [];
  const text = [...words(name.prefix), ...words(name.given), ...family].join(" ").trim();
  return text === "" ? undefined : text.slice(0, 200);
}

/** What came of a request, from the status and Spine code the consumer was answered with. */
export function auditOutcome(status: number, spineCode: string | undefined): AuditOutcome {
  const result = status === 200 ? "record-returned" : status >= 400 && status < 500 ? "refused" : "error";
  return { result, status, ...(spineCode === undefined ? {} : { spineCode }) };
}
