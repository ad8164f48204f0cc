/**
 * A client of the control API (`/_control`), with the same operations as the in-process Region. Failures
 * are Errors that say what was asked, the status, and the server's own explanation.
 */
import type { Dispatcher } from "undici";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { Fault } from "../faults/faults.js";
import type { JournalEntry, JournalFilter, JournalStats } from "../journal/journal.js";
import type { ClinicalSystem, Trait } from "../population/types.js";
import type {
  ConsumerCreation,
  FaultTarget,
  PatientInfo,
  PracticeCreation,
  PracticeInfo,
  RegionInfo,
} from "../region/types.js";
import type { DirectoryConsumer } from "../spine/consumers.js";
import type { OpenApiDocument } from "./openapi-document.js";

/**
 * undici, loaded on the first call: a region started in-process exports this client through the simulators'
 * face, and loading the HTTP client it may never use cost it 8 MB at start-up (bench/region-startup.ts).
 */
let undici: Promise<typeof import("undici")> | undefined;
const httpClient = () => {
  undici ??= import("undici");
  return undici;
};

/** What `GET /_control/journal` answers: the entries asked for, and the journal's bounds. */
export interface JournalPage extends JournalStats {
  readonly entries: JournalEntry[];
}

/** What the disabled-areas routes answer: the practice and the clinical areas switched off there. */
export interface DisabledAreas {
  readonly ods: string;
  readonly areas: ClinicalAreaParameter[];
}

/** What the sharing-agreements routes answer: the practice and the consumer organisations it has no agreement with. */
export interface SharingAgreements {
  readonly ods: string;
  readonly withoutAgreement: string[];
}

export interface ControlClientOptions {
  /** The control token the region was started with, if any. */
  readonly token?: string;
  /** Budget for each call, connection included. Default 10 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export class ControlClient {
  /** The control server's origin, e.g. `http://127.0.0.1:8100` (a trailing `/_control` is accepted too). */
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: ControlClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new Error(`the control URL is not a URL: ${JSON.stringify(baseUrl)}`);
    }
    this.baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, "").replace(/\/_control$/, "")}`;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  region(): Promise<RegionInfo> {
    return this.call<RegionInfo>("GET", "/region");
  }

  addPractice(system: ClinicalSystem, options: PracticeCreation = {}): Promise<PracticeInfo> {
    return this.call<PracticeInfo>("POST", "/practices", { system, ...options });
  }

  addPatient(ods: string, traits: readonly Trait[]): Promise<PatientInfo> {
    return this.call<PatientInfo>("POST", "/patients", { ods, traits });
  }

  /**
   * Removes a practice added at run time (addPractice), with its patients, port, fault and settings. Fails
   * for an unknown ODS code (404) and for a practice of the region's seeded population (409).
   */
  async removePractice(ods: string): Promise<void> {
    await this.call("DELETE", `/practices/${encodeURIComponent(ods)}`);
  }

  /** Removes a patient added at run time (addPatient); fails for an unknown one (404) or a seeded one (409). */
  async removePatient(nhsNumber: string): Promise<void> {
    await this.call("DELETE", `/patients/${encodeURIComponent(nhsNumber)}`);
  }

  /** The patient PDS finds under this NHS number (a superseded one finds its current owner); 404 when nobody. */
  patient(nhsNumber: string): Promise<PatientInfo> {
    return this.call<PatientInfo>("GET", `/patients/${encodeURIComponent(nhsNumber)}`);
  }

  addConsumer(consumer: ConsumerCreation): Promise<DirectoryConsumer> {
    return this.call<DirectoryConsumer>("POST", "/consumers", consumer);
  }

  /** Sets (or replaces) a target's fault; null clears it. */
  async setFault(target: FaultTarget, fault: Fault | null): Promise<void> {
    const path = `/faults/${encodeURIComponent(target)}`;
    if (fault === null) await this.call("DELETE", path);
    else await this.call("PUT", path, fault);
  }

  /**
   * Switches clinical areas off at a practice, replacing its previous setting ([] switches all back on);
   * answers the areas now off.
   */
  async setDisabledAreas(
    ods: string,
    areas: readonly ClinicalAreaParameter[],
  ): Promise<ClinicalAreaParameter[]> {
    const path = `/practices/${encodeURIComponent(ods)}/disabled-areas`;
    return (await this.call<DisabledAreas>("PUT", path, { areas })).areas;
  }

  /** The clinical areas switched off at a practice. */
  async disabledAreas(ods: string): Promise<ClinicalAreaParameter[]> {
    const path = `/practices/${encodeURIComponent(ods)}/disabled-areas`;
    return (await this.call<DisabledAreas>("GET", path)).areas;
  }

  /** Switches every clinical area back on at a practice. */
  async clearDisabledAreas(ods: string): Promise<void> {
    await this.call("DELETE", `/practices/${encodeURIComponent(ods)}/disabled-areas`);
  }

  /**
   * Names the consumer organisations (ODS codes) a practice has no data-sharing agreement with, replacing
   * its previous setting ([] for none); their record requests are then refused with 403
   * NO_ORGANISATION_CONSENT. Answers the organisations now without an agreement, sorted.
   */
  async setOrganisationsWithoutAgreement(
    ods: string,
    consumerOdsCodes: readonly string[],
  ): Promise<string[]> {
    const path = `/practices/${encodeURIComponent(ods)}/sharing-agreements`;
    return (await this.call<SharingAgreements>("PUT", path, { withoutAgreement: consumerOdsCodes }))
      .withoutAgreement;
  }

  /** The consumer organisations a practice has no data-sharing agreement with. */
  async organisationsWithoutAgreement(ods: string): Promise<string[]> {
    const path = `/practices/${encodeURIComponent(ods)}/sharing-agreements`;
    return (await this.call<SharingAgreements>("GET", path)).withoutAgreement;
  }

  /** Gives every consumer organisation a data-sharing agreement with a practice again (the default). */
  async clearOrganisationsWithoutAgreement(ods: string): Promise<void> {
    await this.call("DELETE", `/practices/${encodeURIComponent(ods)}/sharing-agreements`);
  }

  async faults(): Promise<Record<string, Fault>> {
    return (await this.call<{ faults: Record<string, Fault> }>("GET", "/faults")).faults;
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  /** The journal's entries that pass the filter, oldest first. */
  async journal(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    return (await this.readJournal(filter)).entries;
  }

  /** The entries with the journal's capacity, size and how many entries it dropped for lack of room. */
  readJournal(filter: JournalFilter = {}): Promise<JournalPage> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) {
      if (value !== undefined) query.set(name, String(value));
    }
    const search = query.toString() === "" ? "" : `?${query}`;
    return this.call<JournalPage>("GET", `/journal${search}`);
  }

  /** The control API's OpenAPI 3 description. */
  openApi(): Promise<OpenApiDocument> {
    return this.call<OpenApiDocument>("GET", "/openapi.json");
  }

  async clearJournal(): Promise<void> {
    await this.call("DELETE", "/journal");
  }

  /** A valid 999-range NHS number that no patient of the region has. */
  async unknownNhsNumber(): Promise<string> {
    const answer = await this.call<{ nhsNumber: string }>("GET", "/unknown-nhs-number");
    return answer.nhsNumber;
  }

  private async call<T = undefined>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/_control${path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Dispatcher.ResponseData;
    const { request } = await httpClient();
    const send = () =>
      request(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    try {
      // A kept-alive connection the server closed as idle just as this request went out (a busy machine can
      // fire the client's own idle timer late) fails before the server reads it: sent again, once.
      response = await send().catch((error: unknown) =>
        closedConnection(error) ? send() : Promise.reject(error),
      );
    } catch (error) {
      throw unreachable(`${this.baseUrl}/_control`, `${method} ${path}`, this.timeoutMs, error);
    }
    const text = await response.body.text();
    if (response.statusCode >= 400) {
      throw new Error(`control ${method} ${path} failed with ${response.statusCode}: ${errorText(text)}`);
    }
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `control ${method} ${path} answered ${response.statusCode} with a body that is not JSON`,
      );
    }
  }
}

function closedConnection(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET";
}

function unreachable(url: string, call: string, timeoutMs: number, error: unknown): Error {
  const cause = error as { name?: string; code?: string; message?: string } | undefined;
  if (cause?.name === "TimeoutError" || cause?.name === "AbortError") {
    return new Error(`the simulated region at ${url} did not answer control ${call} within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  const reason = cause?.code ?? cause?.message ?? String(error);
  return new Error(`cannot reach the simulated region at ${url} (control ${call}: ${reason})`, {
    cause: error,
  });
}

/** The server's `{ "error": "..." }` text, or the raw body when it is not that shape. */
function errorText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      parsed !== null &&
      typeof parsed === "object" &&
      typeof (parsed as { error?: unknown }).error === "string"
    ) {
      return (parsed as { error: string }).error;
    }
  } catch {
    // Not JSON: show what came back.
  }
  return text === "" ? "(no body)" : text.slice(0, 500);
}
