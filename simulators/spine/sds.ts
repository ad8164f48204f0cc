/**
 * The SDS simulator: `GET /Device` and `GET /Endpoint` of the Spine Directory Service FHIR R4 API. A gateway
 * finds a practice's ASID (Device) and its GP Connect endpoint address (Endpoint) here, searching by the
 * practice's ODS code and the interaction id, exactly as it would against the real SDS.
 */
import { createHash, randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  ASID_SYSTEM,
  INTERACTION_ID_SYSTEM,
  ODS_ORGANISATION_SYSTEM,
  PARTY_KEY_SYSTEM,
  STRUCTURED_RECORD_INTERACTION,
} from "../../gpconnect/identifiers.js";
import type { Journal } from "../journal/journal.js";
import { recordInJournal } from "../journal/recording.js";
import type { ClinicalSystem, Population } from "../population/types.js";
import { applyServerLimits } from "../server-limits.js";
import type { DirectoryConsumer } from "./consumers.js";
import type { R4Device, R4Endpoint, R4Extension, R4SearchsetBundle } from "./fhir-r4.js";
import { answerFrameworkErrors, ignoreRequestBodies, SPINE_BODY_LIMIT_BYTES } from "./request-bodies.js";
import { SDS_ERRORS, type SdsErrorCode, sdsOperationOutcome } from "./sds-errors.js";

export const SDS_BASE_PATH = "/spine-directory/FHIR/R4";

/** GP Connect's capability statement interaction: consumers look it up beside the record interaction. */
export const METADATA_INTERACTION = "urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1";
/** What every simulated practice's provider system is registered for. */
export const PROVIDER_INTERACTIONS: readonly string[] = [STRUCTURED_RECORD_INTERACTION, METADATA_INTERACTION];

/**
 * Manufacturing organisation of each provider system, as SDS records it. Synthetic codes: no gateway
 * needs the suppliers' real ones, and made-up codes cannot be mistaken for live configuration.
 */
export const SUPPLIER_ODS: Readonly<Record<ClinicalSystem, string>> = { emis: "Y99101", tpp: "Y99102" };

const FHIR_JSON = "application/fhir+json";
const MANUFACTURING_ORGANISATION_URL =
  "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-ManufacturingOrganisation";
const INTERACTION_ID_URL = "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId";
const MHS_FQDN_SYSTEM = "https://fhir.nhs.uk/Id/nhsMhsFQDN";
const MHS_CPA_ID_SYSTEM = "https://fhir.nhs.uk/Id/nhsMhsCPAId";
const MHS_ID_SYSTEM = "https://fhir.nhs.uk/Id/nhsMHSId";
/** The real SDS answers every Endpoint with this connection and payload type, whatever the service. */
const CONNECTION_TYPE = {
  system: "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
  code: "hl7-fhir-msg",
  display: "HL7 FHIR Messaging",
} as const;
const PAYLOAD_TYPE = {
  coding: [
    { system: "http://terminology.hl7.org/CodeSystem/endpoint-payload-type", code: "any", display: "Any" },
  ],
} as const;

export interface SdsAppOptions {
  readonly population: Population;
  readonly journal: Journal;
  /**
   * Consumer systems (the harness, the reference gateway, any a scenario adds) that have accredited-system
   * records too; a function when the list grows while the service runs.
   */
  readonly consumers: readonly DirectoryConsumer[] | (() => readonly DirectoryConsumer[]);
  /** A practice's GP Connect endpoint URL; undefined while it has none (it is then not in the MHS table). */
  readonly practiceEndpoint: (ods: string) => string | undefined;
}

/** An accredited-system (AS) record: what `/Device` answers. */
interface AccreditedSystem {
  readonly asid: string;
  readonly ods: string;
  readonly partyKey?: string;
  readonly manufacturer: string;
  readonly interactions: readonly string[];
}

/** A message-handling-system (MHS) record, one per interaction: what `/Endpoint` answers. */
interface MessageHandlingSystem {
  readonly ods: string;
  readonly partyKey: string;
  readonly interaction: string;
  readonly address: string;
}

/** Query parameters each resource accepts; anything else is refused, as the real SDS does. */
const DEVICE_PARAMETERS = ["organization", "identifier", "manufacturing-organization"] as const;
const ENDPOINT_PARAMETERS = ["organization", "identifier"] as const;

interface DirectoryQuery {
  readonly ods?: string;
  readonly interaction?: string;
  readonly partyKey?: string;
  readonly manufacturer?: string;
}

/** Thrown while reading the query; becomes a 400 OperationOutcome. */
class InvalidQuery extends Error {}

export function buildSdsApp(options: SdsAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: SPINE_BODY_LIMIT_BYTES });
  applyServerLimits(app.server);
  recordInJournal(app, options.journal, { kind: "sds" });
  ignoreRequestBodies(app);
  answerFrameworkErrors(
    app,
    "SDS",
    { tooLarge: "PAYLOAD_TOO_LARGE", badRequest: "BAD_REQUEST", internal: "INTERNAL_SERVER_ERROR" },
    sendError,
  );
  echoCorrelationId(app);
  requireApiKey(app);
  app.register(
    async (sds) => {
      sds.get("/Device", async (request, reply) => searchDevices(options, request, reply));
      sds.get("/Endpoint", async (request, reply) => searchEndpoints(options, request, reply));
    },
    { prefix: SDS_BASE_PATH },
  );
  app.setNotFoundHandler(answerNotFound);
  return app;
}

/** The X-Correlation-ID a consumer sends comes back on the answer. */
function echoCorrelationId(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply) => {
    const correlationId = request.headers["x-correlation-id"];
    if (typeof correlationId === "string") reply.header("X-Correlation-ID", correlationId);
  });
}

/** The API platform checks the key before SDS sees the request, so even a bad path needs it first. */
function requireApiKey(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    const apiKey = request.headers.apikey;
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      return sendError(reply, "ACCESS_DENIED", "Invalid access token: the 'apikey' header is required");
    }
  });
}

/** Every practice's provider system, and the consumer systems, as SDS records them now. */
function accreditedSystems({ population, consumers }: SdsAppOptions): AccreditedSystem[] {
  return [
    ...population.practices().map((practice) => ({
      asid: practice.asid,
      ods: practice.ods,
      partyKey: practice.partyKey,
      manufacturer: SUPPLIER_ODS[practice.system],
      interactions: PROVIDER_INTERACTIONS,
    })),
    // Consumers are accredited to send the interactions practices provide; they have no MHS of their own.
    ...(typeof consumers === "function" ? consumers() : consumers).map((consumer) => ({
      asid: consumer.asid,
      ods: consumer.ods,
      manufacturer: consumer.ods,
      interactions: PROVIDER_INTERACTIONS,
    })),
  ];
}

/** One record per interaction of every practice that has an endpoint now. */
function messageHandlingSystems({ population, practiceEndpoint }: SdsAppOptions): MessageHandlingSystem[] {
  return population.practices().flatMap((practice) => {
    const address = practiceEndpoint(practice.ods);
    if (address === undefined) return [];
    return PROVIDER_INTERACTIONS.map((interaction) => ({
      ods: practice.ods,
      partyKey: practice.partyKey,
      interaction,
      address,
    }));
  });
}

/** `GET /Device`: an organisation's accredited systems for an interaction. */
function searchDevices(options: SdsAppOptions, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const query = readQuery(request, DEVICE_PARAMETERS);
  if (query instanceof InvalidQuery) return sendError(reply, "BAD_REQUEST", query.message);
  if (query.ods === undefined) return sendError(reply, "BAD_REQUEST", missingParameter("organization"));
  if (query.interaction === undefined) return sendError(reply, "BAD_REQUEST", missingIdentifier());
  const matches = accreditedSystems(options).filter(
    (system) =>
      sameCode(system.ods, query.ods) &&
      system.interactions.includes(query.interaction ?? "") &&
      (query.partyKey === undefined || system.partyKey === query.partyKey) &&
      (query.manufacturer === undefined || sameCode(system.manufacturer, query.manufacturer)),
  );
  return sendBundle(request, reply, "Device", matches.map(deviceResource));
}

/** `GET /Endpoint`: the message-handling systems matching two of organisation, interaction and party key. */
function searchEndpoints(options: SdsAppOptions, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const query = readQuery(request, ENDPOINT_PARAMETERS);
  if (query instanceof InvalidQuery) return sendError(reply, "BAD_REQUEST", query.message);
  // The real SDS accepts any two of: organisation, interaction, party key.
  const given = [query.ods, query.interaction, query.partyKey].filter((value) => value !== undefined).length;
  if (given < 2) {
    return sendError(
      reply,
      "BAD_REQUEST",
      "Endpoint needs two of: 'organization', the interaction 'identifier', the party key 'identifier'. " +
        `Example: organization=${ODS_ORGANISATION_SYSTEM}|{ODS}&identifier=${INTERACTION_ID_SYSTEM}|{interaction}`,
    );
  }
  const matches = messageHandlingSystems(options).filter(
    (mhs) =>
      (query.ods === undefined || sameCode(mhs.ods, query.ods)) &&
      (query.interaction === undefined || mhs.interaction === query.interaction) &&
      (query.partyKey === undefined || mhs.partyKey === query.partyKey),
  );
  return sendBundle(request, reply, "Endpoint", matches.map(endpointResource));
}

/** Another method on a resource is not implemented; any other path is not found. */
async function answerNotFound(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const path = request.url.split("?")[0] ?? "";
  if (request.method !== "GET" && /\/(Device|Endpoint)$/.test(path)) {
    reply.header("Allow", "GET");
    return sendError(reply, "NOT_IMPLEMENTED", "HTTP operation not supported");
  }
  return sendError(reply, "NO_RECORD_FOUND", `HTTP endpoint not found: ${request.method} ${path}`);
}

function deviceResource(system: AccreditedSystem): R4Device {
  const extension: R4Extension[] = [
    identifierExtension(MANUFACTURING_ORGANISATION_URL, ODS_ORGANISATION_SYSTEM, system.manufacturer),
    ...system.interactions.map((interaction) =>
      identifierExtension(INTERACTION_ID_URL, INTERACTION_ID_SYSTEM, interaction),
    ),
  ];
  return {
    resourceType: "Device",
    id: stableUuid(`device|${system.ods}|${system.asid}`),
    identifier: [
      { system: ASID_SYSTEM, value: system.asid },
      ...(system.partyKey === undefined ? [] : [{ system: PARTY_KEY_SYSTEM, value: system.partyKey }]),
    ],
    extension,
    owner: { identifier: { system: ODS_ORGANISATION_SYSTEM, value: system.ods } },
  };
}

function endpointResource(mhs: MessageHandlingSystem): R4Endpoint {
  // A synthetic CPA id per (party key, interaction), as Spine allocates one per MHS record.
  const cpaId = `S${createHash("sha1").update(`${mhs.partyKey}|${mhs.interaction}`).digest("hex").slice(0, 12).toUpperCase()}`;
  return {
    resourceType: "Endpoint",
    id: stableUuid(`endpoint|${mhs.partyKey}|${mhs.interaction}`),
    status: "active",
    connectionType: CONNECTION_TYPE,
    payloadType: [PAYLOAD_TYPE],
    address: mhs.address,
    managingOrganization: { identifier: { system: ODS_ORGANISATION_SYSTEM, value: mhs.ods } },
    identifier: [
      { system: MHS_FQDN_SYSTEM, value: new URL(mhs.address).hostname },
      { system: PARTY_KEY_SYSTEM, value: mhs.partyKey },
      { system: MHS_CPA_ID_SYSTEM, value: cpaId },
      { system: MHS_ID_SYSTEM, value: cpaId },
    ],
    extension: [identifierExtension(INTERACTION_ID_URL, INTERACTION_ID_SYSTEM, mhs.interaction)],
  };
}

function identifierExtension(url: string, system: string, value: string): R4Extension {
  return { url, valueReference: { identifier: { system, value } } };
}

/**
 * Reads the search parameters from the raw query string (repeated `identifier`s kept), checking each
 * against its identifier system as the real SDS does. The last value of a kind wins, as there.
 */
function readQuery(request: FastifyRequest, allowed: readonly string[]): DirectoryQuery | InvalidQuery {
  const search = new URLSearchParams(request.url.split("?", 2)[1] ?? "");
  let ods: string | undefined;
  let interaction: string | undefined;
  let partyKey: string | undefined;
  let manufacturer: string | undefined;
  for (const [name, raw] of search) {
    if (!allowed.includes(name)) return new InvalidQuery(`Illegal query parameter '${name}'`);
    const token = splitToken(raw);
    if (name === "organization" || name === "manufacturing-organization") {
      if (token?.system !== ODS_ORGANISATION_SYSTEM || token.value === "") {
        return new InvalidQuery(missingParameter(name));
      }
      if (name === "organization") ods = token.value;
      else manufacturer = token.value;
    } else if (token?.system === INTERACTION_ID_SYSTEM && token.value !== "") {
      interaction = token.value;
    } else if (token?.system === PARTY_KEY_SYSTEM && token.value !== "") {
      partyKey = token.value;
    } else {
      return new InvalidQuery(missingIdentifier());
    }
  }
  return {
    ...(ods === undefined ? {} : { ods }),
    ...(interaction === undefined ? {} : { interaction }),
    ...(partyKey === undefined ? {} : { partyKey }),
    ...(manufacturer === undefined ? {} : { manufacturer }),
  };
}

function splitToken(raw: string): { system: string; value: string } | undefined {
  const bar = raw.indexOf("|");
  return bar < 0 ? undefined : { system: raw.slice(0, bar), value: raw.slice(bar + 1).trim() };
}

function missingParameter(name: string): string {
  return `Missing or invalid '${name}' query parameter. Should be '${name}=${ODS_ORGANISATION_SYSTEM}|value'`;
}

function missingIdentifier(): string {
  return (
    "Missing or invalid 'identifier' query parameter. Should be one or both of: " +
    `['identifier=${INTERACTION_ID_SYSTEM}|value', 'identifier=${PARTY_KEY_SYSTEM}|value']`
  );
}

/** ODS codes are upper case; a lower-case query still names the same organisation. */
function sameCode(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toUpperCase() === b.toUpperCase();
}

/** A UUID derived from a key, so the same record keeps the same id across searches and restarts. */
function stableUuid(key: string): string {
  const hex = createHash("sha1").update(key).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

function sendBundle<T extends R4Device | R4Endpoint>(
  request: FastifyRequest,
  reply: FastifyReply,
  resourceType: T["resourceType"],
  resources: readonly T[],
): FastifyReply {
  const origin = `${request.protocol}://${request.host}`;
  const bundle: R4SearchsetBundle<T> = {
    resourceType: "Bundle",
    id: randomUUID().toUpperCase(),
    type: "searchset",
    total: resources.length,
    link: [{ relation: "self", url: `${origin}${safeDecode(request.url)}` }],
    entry: resources.map((resource) => ({
      fullUrl: `${origin}${SDS_BASE_PATH}/${resourceType}/${resource.id}`,
      resource,
      search: { mode: "match" },
    })),
  };
  return reply.code(200).type(FHIR_JSON).send(bundle);
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

function sendError(reply: FastifyReply, code: SdsErrorCode, diagnostics: string): FastifyReply {
  return reply.code(SDS_ERRORS[code].status).type(FHIR_JSON).send(sdsOperationOutcome(code, diagnostics));
}
