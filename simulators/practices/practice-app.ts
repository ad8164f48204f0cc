/**
 * One simulated GP practice's GP Connect provider (Access Record Structured 1.6, FHIR STU3), as a fastify
 * app that is built but not listening: the region gives every practice its own listener, so "offline"
 * can be a refused connection.
 */
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { GPC_ERRORS } from "../../gpconnect/error-codes.js";
import { FHIR_JSON, ODS_ORGANISATION_SYSTEM } from "../../gpconnect/identifiers.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { type Journal, noteJwtClaims, recordInJournal } from "../journal/journal.js";
import { todayUtc } from "../population/calendar.js";
import type { Population, Practice, SyntheticPatient } from "../population/types.js";
import { populationKey, type SerialisedBundleCache, sharedBundleCache } from "./bundle-cache.js";
import { capabilityStatement } from "./capability-statement.js";
import { deepFreeze } from "./deep-freeze.js";
import type { Checked, GpcFailure } from "./failure.js";
import { flavourOf, type SupplierFlavour } from "./flavours.js";
import { withParameterWarnings } from "./parameter-warnings.js";
import { checkRequestHeaders, type JwtClaims } from "./request-headers.js";
import { queryKey, structuredRecordBundle } from "./structured-bundle.js";
import {
  type CheckedParameters,
  checkStructuredRecordParameters,
  nhsNumberInBody,
  type ServedParameters,
  withoutDisabledAreas,
} from "./structured-parameters.js";

export interface PracticeAppOptions {
  readonly practice: Practice;
  readonly population: Population;
  readonly journal: Journal;
  /** "/{ODS}/STU3/1/gpconnect/structured/fhir": the path part of the endpoint SDS publishes. */
  readonly endpointPath: string;
  /** Serialised Bundles to reuse: the process-wide cache when left out, none when null. */
  readonly bundleCache?: SerialisedBundleCache | null;
  /**
   * Answer unknown paths from a catch-all route (`/*`, every method fastify routes) rather than a
   * not-found handler. For many practices in one app, each under its own prefix: a not-found handler adds
   * two routes for each of the ~34 methods the router knows, which dominated the region's start-up.
   * Requests with a method fastify does not route then reach the app's own not-found handler.
   */
  readonly notFoundRoute?: boolean;
  /**
   * The clinical areas switched off at this practice now, read on every request so they can change at run
   * time (GP Connect 1.6 "Configuration for supported clinical areas"). Give a new set for each change: the
   * set's identity is what tells a request's cached Bundle key that it must be made again. None when left out.
   */
  readonly disabledAreas?: () => ReadonlySet<ClinicalAreaParameter>;
  /**
   * The consumer organisations (ODS codes, upper case) this practice has no data-sharing agreement with now,
   * read on every request so the setting can change at run time. None when left out: every consumer may read.
   */
  readonly organisationsWithoutAgreement?: () => ReadonlySet<string>;
}

const NO_DISABLED_AREAS: ReadonlySet<ClinicalAreaParameter> = new Set();
const NO_ORGANISATIONS: ReadonlySet<string> = new Set();

/** A Parameters body is a few hundred bytes; anything near this is not a GP Connect request. */
export const PRACTICE_BODY_LIMIT_BYTES = 64 * 1024;

const FHIR_JSON_UTF8 = `${FHIR_JSON};charset=utf-8`;
const STRUCTURED_RECORD_OPERATION = "$gpc.getstructuredrecord";
const ACCEPTED_CONTENT_TYPES = ["application/fhir+json", "application/json"];

/** A body that was sent as JSON but does not parse: answered 422 INVALID_RESOURCE, not a framework 400. */
class MalformedJsonBody {
  constructor(readonly reason: string) {}
}

/** Request bodies parsed, by their text: a consumer under load sends the same few bodies again and again. */
const PARSED_BODIES_MAX = 256;
/** Longer bodies are parsed every time (a Parameters body is a few hundred bytes). */
const PARSED_BODY_MAX_CHARS = 8 * 1024;
const parsedBodies = new Map<string, unknown>();

/** JSON.parse, once per distinct short body; throws as JSON.parse does. */
function parseJsonBody(text: string): unknown {
  if (text.length > PARSED_BODY_MAX_CHARS) return JSON.parse(text);
  let parsed = parsedBodies.get(text);
  if (parsed === undefined) {
    parsed = deepFreeze(JSON.parse(text) as unknown);
    if (parsedBodies.size >= PARSED_BODIES_MAX) {
      const oldest = parsedBodies.keys().next().value;
      if (oldest !== undefined) parsedBodies.delete(oldest);
    }
    parsedBodies.set(text, parsed);
  }
  return parsed;
}

/** A body's checked Parameters for one day (the search dates are bounded by today), and its cache key. */
interface CheckedBody {
  readonly today: string;
  readonly query: Checked<CheckedParameters>;
  /** The bundle cache's key, made when first needed, for the disabled areas it was made with. */
  cacheKey?: { readonly key: string; readonly disabledAreas: ReadonlySet<ClinicalAreaParameter> };
}

function sendFailure(reply: FastifyReply, failure: GpcFailure): FastifyReply {
  const status = failure.status ?? GPC_ERRORS[failure.code].status;
  return reply
    .code(status)
    .type(FHIR_JSON_UTF8)
    .send(JSON.stringify(operationOutcome(failure.code, failure.diagnostics)));
}

function unsupportedMediaType(): GpcFailure {
  return {
    code: "BAD_REQUEST",
    diagnostics: `Unsupported or missing Content-Type; send ${ACCEPTED_CONTENT_TYPES.join(" or ")}`,
    status: 415,
  };
}

function frameworkFailure(error: FastifyError): GpcFailure {
  const status = error.statusCode ?? 500;
  if (status === 415) return unsupportedMediaType();
  if (status === 413) {
    return {
      code: "BAD_REQUEST",
      diagnostics: `Request body exceeds ${PRACTICE_BODY_LIMIT_BYTES} bytes`,
      status,
    };
  }
  if (status >= 400 && status < 500) return { code: "BAD_REQUEST", diagnostics: error.message, status };
  return { code: "INTERNAL_SERVER_ERROR", diagnostics: `The simulated provider failed: ${error.message}` };
}

/**
 * Why a practice will not share the record it was asked for, as GP Connect says a provider answers:
 * unknown, deceased, inactive (including a patient who left) or sensitive → PATIENT_NOT_FOUND (so a
 * sensitive patient's existence is not disclosed); dissent → NO_PATIENT_CONSENT.
 */
export function refusalFor(
  practice: Practice,
  patient: SyntheticPatient | undefined,
  nhsNumber: string,
  flavour: SupplierFlavour,
): GpcFailure | undefined {
  const notFound = (why: string): GpcFailure => ({
    code: "PATIENT_NOT_FOUND",
    diagnostics: `No patient with NHS number ${nhsNumber} is registered at ${practice.ods}${why}`,
  });
  if (patient === undefined) return notFound("");
  // The same answer for every reason, as real providers give it; the reason is only in the diagnostics.
  if (patient.deceasedDate !== undefined) return notFound(" (deceased)");
  if (patient.restricted) return notFound("");
  if (patient.registration !== "active") {
    const moved =
      (patient.traits.includes("moved-practice") || patient.traits.includes("record-in-transit")) &&
      !patient.traits.includes("inactive-registration");
    return notFound(moved ? " any more (the patient has moved practice)" : " (registration inactive)");
  }
  if (patient.dissent) {
    return {
      code: "NO_PATIENT_CONSENT",
      diagnostics: `The patient has dissented from sharing their record (${flavour.sharingModel})`,
    };
  }
  return undefined;
}

/** The ODS code of the JWT's requesting_organization (checkRequestHeaders has made sure there is one). */
function requestingOrganisationOds(claims: JwtClaims): string | undefined {
  const organization = claims.requesting_organization as { identifier?: unknown } | undefined;
  const identifiers = Array.isArray(organization?.identifier) ? (organization.identifier as unknown[]) : [];
  for (const identifier of identifiers) {
    const { system, value } = (identifier ?? {}) as { system?: unknown; value?: unknown };
    if (system === ODS_ORGANISATION_SYSTEM && typeof value === "string") return value;
  }
  return undefined;
}

/**
 * NO_ORGANISATION_CONSENT when the practice has no data-sharing agreement with the organisation the JWT
 * says is asking. That is the end consumer even behind a gateway, which passes its consumer's
 * requesting_organization on. ODS codes are compared in upper case, as ODS treats them.
 */
function organisationRefusal(
  practice: Practice,
  claims: JwtClaims,
  withoutAgreement: ReadonlySet<string>,
): GpcFailure | undefined {
  if (withoutAgreement.size === 0) return undefined;
  const consumerOds = requestingOrganisationOds(claims);
  if (consumerOds === undefined || !withoutAgreement.has(consumerOds.toUpperCase())) return undefined;
  return {
    code: "NO_ORGANISATION_CONSENT",
    diagnostics: `There is no data-sharing agreement between the requesting organisation ${consumerOds} and the practice ${practice.ods}`,
  };
}

export function buildPracticeApp(options: PracticeAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: PRACTICE_BODY_LIMIT_BYTES, logger: false });
  registerPractice(app, options);
  return app;
}

/**
 * Registers one practice's provider (routes, journal, body parsers, error and not-found handlers) into `app`.
 * For several practices in one fastify app, call it in an encapsulated context (a plugin) per practice,
 * each under its own prefix and with `notFoundRoute`, so each keeps its own hooks, parsers and not-found
 * answer; the root app should set `bodyLimit: PRACTICE_BODY_LIMIT_BYTES`.
 */
export function registerPractice(app: FastifyInstance, options: PracticeAppOptions): void {
  const { practice, population, journal } = options;
  const endpointPath = options.endpointPath.replace(/\/+$/, "");
  const flavour = flavourOf(practice.system);
  const bundleCache = options.bundleCache === undefined ? sharedBundleCache : options.bundleCache;
  const cacheKeyPrefix = `${populationKey(population)}|${population.referenceDate}|${practice.ods}|`;

  recordInJournal(app, journal, { kind: "practice", ods: practice.ods }, (request) =>
    nhsNumberInBody(request.body),
  );

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(ACCEPTED_CONTENT_TYPES, { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (error) {
      done(null, new MalformedJsonBody(error instanceof Error ? error.message : String(error)));
    }
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => sendFailure(reply, frameworkFailure(error)));
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendFailure(reply, {
      code: "BAD_REQUEST",
      diagnostics: `No such endpoint: ${request.method} ${request.url.split("?")[0]} (this practice serves POST ${endpointPath}/Patient/${STRUCTURED_RECORD_OPERATION} and GET ${endpointPath}/metadata)`,
      status: 404,
    });
  if (options.notFoundRoute) app.all("/*", notFound);
  else app.setNotFoundHandler(notFound);

  app.get(`${endpointPath}/metadata`, async (_request, reply) =>
    reply
      .type(FHIR_JSON_UTF8)
      .send(JSON.stringify(capabilityStatement(practice, flavour, population.referenceDate))),
  );

  // Checking the Parameters is a pure function of the body and the day: parsed bodies are shared (see
  // parseJsonBody), so a body sent again is checked once a day. Weak keys: unshared bodies just go.
  const checkedBodies = new WeakMap<object, CheckedBody>();
  const checkedBody = (body: unknown, today: string): CheckedBody => {
    if (body === null || typeof body !== "object") {
      return { today, query: checkStructuredRecordParameters(body, today) };
    }
    let checked = checkedBodies.get(body);
    if (checked === undefined || checked.today !== today) {
      checked = { today, query: checkStructuredRecordParameters(body, today) };
      checkedBodies.set(body, checked);
    }
    return checked;
  };

  const getStructuredRecord = async (request: FastifyRequest, reply: FastifyReply) => {
    // Without a Content-Type fastify leaves the body unparsed; a provider answers 415, as for a wrong one.
    if (request.headers["content-type"] === undefined || request.headers["content-type"] === "") {
      return sendFailure(reply, unsupportedMediaType());
    }
    const headers = checkRequestHeaders(request.headers, {
      practice,
      endpointPath,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (!headers.ok) return sendFailure(reply, headers.failure);
    noteJwtClaims(request.raw, headers.value);
    // The provider enforces its data-sharing agreements first, as a local consent rule that needs nothing
    // of the request but who is asking: after the Ssp headers and the JWT that name the organisation are
    // valid, and before anything else it decides (its own sharing switch, the body, the patient).
    const organisationFailure = organisationRefusal(
      practice,
      headers.value,
      options.organisationsWithoutAgreement?.() ?? NO_ORGANISATIONS,
    );
    if (organisationFailure !== undefined) return sendFailure(reply, organisationFailure);
    if (!practice.sharingEnabled) {
      return sendFailure(reply, {
        code: "ACCESS DENIED",
        diagnostics: `GP Connect Access Record Structured is not enabled at ${practice.ods}`,
      });
    }
    if (request.body instanceof MalformedJsonBody) {
      return sendFailure(reply, {
        code: "INVALID_RESOURCE",
        diagnostics: `The request body is not JSON: ${request.body.reason}`,
      });
    }
    const checked = checkedBody(request.body, todayUtc());
    const { query } = checked;
    if (!query.ok) return sendFailure(reply, query.failure);

    const { nhsNumber } = query.value.query;
    const patient = population.findRecordAt(practice.ods, nhsNumber);
    const refusal = refusalFor(practice, patient, nhsNumber, flavour);
    if (refusal !== undefined || patient === undefined) {
      return sendFailure(reply, refusal ?? { code: "PATIENT_NOT_FOUND", diagnostics: nhsNumber });
    }
    // A disabled area is served as if it had not been asked for, and warned about. The areas are read
    // per request; the key made for the body is reused only while they are the same set.
    const disabledAreas = options.disabledAreas?.() ?? NO_DISABLED_AREAS;
    let served: ServedParameters | undefined;
    if (checked.cacheKey?.disabledAreas !== disabledAreas) {
      served = withoutDisabledAreas(query.value, disabledAreas);
      // queryKey is what the Bundle's id is made from: equal keys, equal Bundles. The parameters left
      // unprocessed change the answer (its warning), not the record, so they are keyed beside the query.
      const warned =
        served.unrecognised.length === 0 && served.disabled.length === 0
          ? ""
          : `|${JSON.stringify([served.unrecognised, served.disabled])}`;
      checked.cacheKey = {
        key: `${cacheKeyPrefix}${nhsNumber}|${queryKey(served.query)}${warned}`,
        disabledAreas,
      };
    }
    const cacheKey = checked.cacheKey.key;
    let body = bundleCache?.get(cacheKey);
    if (body === undefined) {
      served ??= withoutDisabledAreas(query.value, disabledAreas);
      const bundle = structuredRecordBundle({
        seed: population.seed,
        practice,
        patient,
        query: served.query,
        flavour,
        asOf: population.referenceDate,
      });
      body = Buffer.from(JSON.stringify(withParameterWarnings(bundle, served)));
      bundleCache?.set(cacheKey, body);
    }
    return reply.type(FHIR_JSON_UTF8).send(body);
  };
  // A parameter route, because route params are percent-decoded and some clients send "$" as "%24".
  app.post<{ Params: { operation: string } }>(
    `${endpointPath}/Patient/:operation`,
    async (request, reply) => {
      if (request.params.operation !== STRUCTURED_RECORD_OPERATION) return notFound(request, reply);
      return getStructuredRecord(request, reply);
    },
  );
}
