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
import { SSP_FROM } from "../../gpconnect/headers.js";
import { FHIR_JSON } from "../../gpconnect/identifiers.js";
import { operationOutcome } from "../../gpconnect/outcomes.js";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { SSP_SENDER_REFUSED_STATUS, sspSenderRefusal } from "../../gpconnect/ssp-errors.js";
import type { Journal } from "../journal/journal.js";
import { noteJwtClaims, recordInJournal } from "../journal/recording.js";
import { todayUtc } from "../population/calendar.js";
import type { Population, Practice, SyntheticPatient } from "../population/types.js";
import { applyServerLimits } from "../server-limits.js";
import { bundleBody } from "./bundle-body.js";
import { populationKey, type SerialisedBundleCache, sharedBundleCache } from "./bundle-cache.js";
import { capabilityStatement } from "./capability-statement.js";
import type { Checked, GpcFailure } from "./failure.js";
import { flavourOf, type SupplierFlavour } from "./flavours.js";
import { ACCEPTED_CONTENT_TYPES, MalformedJsonBody, parseJsonBodies } from "./json-bodies.js";
import { withParameterWarnings } from "./parameter-warnings.js";
import { organisationRefusal, refusalFor } from "./record-refusals.js";
import { checkRequestHeaders } from "./request-headers.js";
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
  /**
   * Whether SDS holds this ASID for a consumer system, as the Spine Secure Proxy in front of a real practice
   * asks before it forwards a request: an `Ssp-From` it does not know is refused with the proxy's own 403.
   * Left out: every sender is let through (no proxy in front).
   */
  readonly knownSender?: (asid: string) => boolean;
}

const NO_DISABLED_AREAS: ReadonlySet<ClinicalAreaParameter> = new Set();
const NO_ORGANISATIONS: ReadonlySet<string> = new Set();

/** A Parameters body is a few hundred bytes; anything near this is not a GP Connect request. */
export const PRACTICE_BODY_LIMIT_BYTES = 64 * 1024;

const FHIR_JSON_UTF8 = `${FHIR_JSON};charset=utf-8`;
const STRUCTURED_RECORD_OPERATION = "$gpc.getstructuredrecord";

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

export function buildPracticeApp(options: PracticeAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: PRACTICE_BODY_LIMIT_BYTES, logger: false });
  applyServerLimits(app.server);
  registerPractice(app, options);
  return app;
}

/**
 * Drops the cached answers of a practice that has gone, and of patients who have: their ODS code and NHS
 * numbers may be given again, to another practice and other patients, whose answers must not be these.
 */
export function forgetCachedRecords(
  population: Population,
  gone: { readonly ods?: string; readonly nhsNumbers: readonly string[] },
  cache: SerialisedBundleCache = sharedBundleCache,
): void {
  const prefix = `${populationKey(population)}|${population.referenceDate}|`;
  const numbers = new Set(gone.nhsNumbers);
  cache.deleteWhere((key) => {
    if (!key.startsWith(prefix)) return false;
    // The key: population | day | ODS | NHS number | what was asked (see recordBody).
    const [, , ods, nhsNumber] = key.split("|", 4);
    return ods === gone.ods || numbers.has(nhsNumber ?? "");
  });
}

/** What a practice's structured-record route works with, fixed when the practice is registered. */
interface PracticeRoute {
  readonly options: PracticeAppOptions;
  readonly endpointPath: string;
  readonly flavour: SupplierFlavour;
  readonly bundleCache: SerialisedBundleCache | null;
  /** The start of every bundle cache key of this practice: its population, that population's day, its ODS. */
  readonly cacheKeyPrefix: string;
  readonly checkedBody: (body: unknown, today: string) => CheckedBody;
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
  const route: PracticeRoute = {
    options,
    endpointPath,
    flavour: flavourOf(practice.system),
    bundleCache: options.bundleCache === undefined ? sharedBundleCache : options.bundleCache,
    cacheKeyPrefix: `${populationKey(population)}|${population.referenceDate}|${practice.ods}|`,
    checkedBody: bodyChecker(),
  };

  recordInJournal(app, journal, { kind: "practice", ods: practice.ods }, (request) =>
    nhsNumberInBody(request.body),
  );
  parseJsonBodies(app);
  app.setErrorHandler((error: FastifyError, _request, reply) => sendFailure(reply, frameworkFailure(error)));
  const notFound = notFoundAnswer(endpointPath);
  if (options.notFoundRoute) app.all("/*", notFound);
  else app.setNotFoundHandler(notFound);

  app.get(`${endpointPath}/metadata`, async (_request, reply) =>
    reply
      .type(FHIR_JSON_UTF8)
      .send(JSON.stringify(capabilityStatement(practice, route.flavour, population.referenceDate))),
  );
  // A parameter route, because route params are percent-decoded and some clients send "$" as "%24".
  app.post<{ Params: { operation: string } }>(
    `${endpointPath}/Patient/:operation`,
    async (request, reply) => {
      if (request.params.operation !== STRUCTURED_RECORD_OPERATION) return notFound(request, reply);
      return getStructuredRecord(route, request, reply);
    },
  );
}

/** The answer to a path (or a method) the practice does not serve: a 404 naming what it does serve. */
function notFoundAnswer(
  endpointPath: string,
): (request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (request, reply) =>
    sendFailure(reply, {
      code: "BAD_REQUEST",
      diagnostics: `No such endpoint: ${request.method} ${request.url.split("?")[0]} (this practice serves POST ${endpointPath}/Patient/${STRUCTURED_RECORD_OPERATION} and GET ${endpointPath}/metadata)`,
      status: 404,
    });
}

/**
 * Checking the Parameters is a pure function of the body and the day: parsed bodies are shared (see
 * parseJsonBody), so a body sent again is checked once a day. Weak keys: unshared bodies just go.
 */
function bodyChecker(): (body: unknown, today: string) => CheckedBody {
  const checkedBodies = new WeakMap<object, CheckedBody>();
  return (body, today) => {
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
}

/** $gpc.getstructuredrecord: the request checked, then the patient's record, or why it is not shared. */
function getStructuredRecord(
  route: PracticeRoute,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const unknownSender = senderUnknownToSpine(route, request);
  if (unknownSender !== undefined) {
    return reply
      .code(SSP_SENDER_REFUSED_STATUS)
      .type(FHIR_JSON_UTF8)
      .send(JSON.stringify(sspSenderRefusal(unknownSender)));
  }
  const failure = requestFailure(route, request);
  if (failure !== undefined) return sendFailure(reply, failure);
  const checked = route.checkedBody(request.body, todayUtc());
  const { query } = checked;
  if (!query.ok) return sendFailure(reply, query.failure);

  const { practice, population } = route.options;
  const { nhsNumber } = query.value.query;
  const patient = population.findRecordAt(practice.ods, nhsNumber);
  const refusal = refusalFor(practice, patient, nhsNumber, route.flavour);
  if (refusal !== undefined || patient === undefined) {
    return sendFailure(reply, refusal ?? { code: "PATIENT_NOT_FOUND", diagnostics: nhsNumber });
  }
  return reply.type(FHIR_JSON_UTF8).send(recordBody(route, checked, query.value, patient));
}

/**
 * The `Ssp-From` ASID the Spine Secure Proxy would refuse, before the practice sees the request: one of
 * digits that SDS holds for no consumer. A missing or malformed header is left to the provider's own
 * checks (400 BAD_REQUEST naming it).
 */
function senderUnknownToSpine(route: PracticeRoute, request: FastifyRequest): string | undefined {
  const known = route.options.knownSender;
  if (known === undefined) return undefined;
  const value = request.headers[SSP_FROM];
  const from = (Array.isArray(value) ? value[0] : value)?.trim();
  if (from === undefined || !/^\d+$/.test(from) || known(from)) return undefined;
  return from;
}

/**
 * Why a request cannot be answered before its Parameters are read: its Content-Type, Ssp headers or JWT,
 * the practice's agreements and sharing switch, or a body that is not JSON. Notes the JWT's claims for the
 * journal once they are valid.
 */
function requestFailure(route: PracticeRoute, request: FastifyRequest): GpcFailure | undefined {
  // Without a Content-Type fastify leaves the body unparsed; a provider answers 415, as for a wrong one.
  if (request.headers["content-type"] === undefined || request.headers["content-type"] === "") {
    return unsupportedMediaType();
  }
  const { practice } = route.options;
  const headers = checkRequestHeaders(request.headers, {
    practice,
    endpointPath: route.endpointPath,
    nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (!headers.ok) return headers.failure;
  noteJwtClaims(request.raw, headers.value);
  // The provider enforces its data-sharing agreements first, as a local consent rule that needs nothing
  // of the request but who is asking: after the Ssp headers and the JWT that name the organisation are
  // valid, and before anything else it decides (its own sharing switch, the body, the patient).
  const organisationFailure = organisationRefusal(
    practice,
    headers.value,
    route.options.organisationsWithoutAgreement?.() ?? NO_ORGANISATIONS,
  );
  if (organisationFailure !== undefined) return organisationFailure;
  if (!practice.sharingEnabled) {
    return {
      code: "ACCESS DENIED",
      diagnostics: `GP Connect Access Record Structured is not enabled at ${practice.ods}`,
    };
  }
  if (request.body instanceof MalformedJsonBody) {
    return { code: "INVALID_RESOURCE", diagnostics: `The request body is not JSON: ${request.body.reason}` };
  }
  return undefined;
}

/** The serialised answer to a checked request: from the bundle cache, or rendered (and cached). */
function recordBody(
  route: PracticeRoute,
  checked: CheckedBody,
  parameters: CheckedParameters,
  patient: SyntheticPatient,
): Buffer {
  // A disabled area is served as if it had not been asked for, and warned about. The areas are read
  // per request; the key made for the body is reused only while they are the same set.
  const disabledAreas = route.options.disabledAreas?.() ?? NO_DISABLED_AREAS;
  let served: ServedParameters | undefined;
  if (checked.cacheKey?.disabledAreas !== disabledAreas) {
    served = withoutDisabledAreas(parameters, disabledAreas);
    // queryKey is what the Bundle's id is made from: equal keys, equal Bundles. The parameters left
    // unprocessed change the answer (its warning), not the record, so they are keyed beside the query.
    const warned =
      served.unrecognised.length === 0 && served.disabled.length === 0
        ? ""
        : `|${JSON.stringify([served.unrecognised, served.disabled])}`;
    checked.cacheKey = {
      key: `${route.cacheKeyPrefix}${parameters.query.nhsNumber}|${queryKey(served.query)}${warned}`,
      disabledAreas,
    };
  }
  const cacheKey = checked.cacheKey.key;
  let body = route.bundleCache?.get(cacheKey);
  if (body === undefined) {
    served ??= withoutDisabledAreas(parameters, disabledAreas);
    body = renderedRecord(route, patient, served);
    route.bundleCache?.set(cacheKey, body);
  }
  return body;
}

/** The record as the request is served (disabled areas left out), with its warnings, serialised. */
function renderedRecord(route: PracticeRoute, patient: SyntheticPatient, served: ServedParameters): Buffer {
  const { practice, population } = route.options;
  const bundle = structuredRecordBundle({
    seed: population.seed,
    practice,
    patient,
    query: served.query,
    flavour: route.flavour,
    asOf: population.referenceDate,
  });
  return bundleBody(withParameterWarnings(bundle, served));
}
