/** Faulty gateways that lose whose request it is, or say more than they should. */
import { ODS_ORGANISATION_SYSTEM, SDS_USER_ID_SYSTEM } from "../../../gpconnect/identifiers.js";
import { operationOutcome } from "../../../gpconnect/outcomes.js";
import { CODE_SYSTEMS } from "../../../gpconnect/profiles.js";
import type { Answer, Fault, Forwarded } from "../faulty-gateway.js";
import type { SouthHook } from "../south-proxy.js";
import { everyRecordScenario } from "./record-scenarios.js";

type Claims = Record<string, unknown>;

/** The claims of an unsigned GP Connect JWT in an Authorization header, or undefined. */
function claimsOf(authorization: string | undefined): Claims | undefined {
  const payload = /^Bearer [^.]*\.([^.]*)\./.exec(authorization ?? "")?.[1];
  if (payload === undefined) return undefined;
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
}

/** The Authorization header with its token's claims changed by `change`. */
function withClaims(authorization: string | undefined, change: (claims: Claims) => void): string | undefined {
  const claims = claimsOf(authorization);
  if (authorization === undefined || claims === undefined) return authorization;
  change(claims);
  const [header] = authorization.slice("Bearer ".length).split(".");
  return `Bearer ${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
}

/** An error answer's first diagnostics, changed by `change`; any other answer as it was. */
function withDiagnostics(answer: Answer, change: (diagnostics: string) => string): Answer {
  if (answer.status < 500) return answer;
  const outcome = JSON.parse(answer.body) as fhir.OperationOutcome;
  const issue = outcome.issue?.[0];
  if (issue) issue.diagnostics = change(issue.diagnostics ?? "");
  return { ...answer, body: JSON.stringify(outcome) };
}

const traceOf = (headers: Record<string, string>) => headers["ssp-traceid"] ?? "";

/** The patient's name from PDS, by the trace id of the request that looked it up. */
const namesSeen = new Map<string, string>();
const notePatientName: SouthHook = async (call, send) => {
  const answer = await send(call);
  if (answer.status === 200) {
    const patient = JSON.parse(answer.body) as { name?: Array<{ given?: string[]; family?: string }> };
    const name = patient.name?.[0];
    if (name)
      namesSeen.set(call.headers["x-correlation-id"] ?? "", [...(name.given ?? []), name.family].join(" "));
  }
  return answer;
};

/** The last address each request's calls went to, by trace id. */
const lastCalled = new Map<string, string>();
const noteAddress =
  (trace: (headers: Record<string, string>) => string): SouthHook =>
  (call, send) => {
    lastCalled.set(trace(call.headers), call.url);
    return send(call);
  };

/** Now, in the seconds JWT times are written in. */
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Changes the consumer's token claims on the way in, when it carries a readable JWT. */
const changeToken =
  (change: (claims: Claims, forwarded: Forwarded) => void) =>
  (r: Forwarded): void => {
    let authorization: string | undefined;
    try {
      authorization = withClaims(r.headers.authorization, (claims) => change(claims, r));
    } catch {
      return; // not a JWT: the gateway's own checks refuse it
    }
    if (authorization !== undefined) r.headers.authorization = authorization;
  };

/** The gateway's own base URL as the consumer addressed it (the proxy in front says which host). */
const addressed = (r: Forwarded) => `http://${r.headers["x-forwarded-host"] ?? "127.0.0.1"}`;

/** A token the gateway makes up for a bearer it cannot read: its own user, a clinical role, fresh. */
function placeholderToken(audience: string): string {
  const iat = nowSeconds();
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    iss: "https://gateway.example/session",
    sub: "session-user",
    aud: audience,
    iat,
    exp: iat + 300,
    reason_for_request: "directcare",
    requested_scope: "patient/*.read",
    requesting_practitioner: {
      resourceType: "Practitioner",
      id: "session-user",
      practitionerRole: [{ role: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: "R8000" }] } }],
    },
  };
  return `Bearer ${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}

/**
 * A token the gateway falls back on when the consumer sends none: its own service account, fresh, naming no
 * clinician but given a clinical role so that it gets through.
 */
function serviceToken(audience: string): string {
  const iat = nowSeconds();
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    iss: "https://gateway.example/service",
    sub: "gateway-service",
    aud: audience,
    iat,
    exp: iat + 300,
    reason_for_request: "directcare",
    requested_scope: "patient/*.read",
    requesting_organization: {
      resourceType: "Organization",
      identifier: [{ system: ODS_ORGANISATION_SYSTEM, value: "Y99002" }],
      name: "Gateway service account",
    },
    requesting_practitioner: {
      resourceType: "Practitioner",
      id: "gateway-service",
      practitionerRole: [{ role: { coding: [{ system: CODE_SYSTEMS.sdsJobRoleName, code: "R8000" }] } }],
    },
  };
  return `Bearer ${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}

/** The NHS number an audit trail URL asks about, when it is one. */
const auditedNumber = (url: string) =>
  /^\/_audit\b/.test(url) ? (new URL(url, "http://gateway").searchParams.get("nhsNumber") ?? "") : undefined;

/** An audit trail answer with only the entries `keep` keeps. */
function trailKeeping(answer: Answer, keep: (entry: { outcome?: { result?: string } }) => boolean): Answer {
  if (answer.status !== 200) return answer;
  const trail = JSON.parse(answer.body) as { entries?: Array<{ outcome?: { result?: string } }> };
  return { ...answer, body: JSON.stringify({ ...trail, entries: (trail.entries ?? []).filter(keep) }) };
}

type AuditEntryShape = {
  traceId?: string;
  time?: string;
  practitionerSdsId?: string;
  practitionerName?: string;
};

/** An audit trail answer with each entry changed by `change`. */
function trailChanging(answer: Answer, change: (entry: AuditEntryShape) => void): Answer {
  if (answer.status !== 200) return answer;
  const trail = JSON.parse(answer.body) as { entries?: AuditEntryShape[] };
  for (const entry of trail.entries ?? []) change(entry);
  return { ...answer, body: JSON.stringify(trail) };
}

/** When each request's token says it was issued, by trace id. */
const issuedAt = new Map<string, number>();

/** The patients whose trail a DELETE was accepted for. */
const trailsDeleted = new Set<string>();

/** The failed check of a scenario expecting a practice's refusal that met the Spine Secure Proxy's instead. */
const SSP_REFUSAL_INSTEAD = (code: string) =>
  new RegExp(
    `error code ${code}: the answer carries no Spine error code .*only 403 under .*gpconnect-schedule-response-code`,
  );

const FIVE_XX_LEAKS = (kind: string) => new RegExp(`the answer leaks no ${kind}: the body carries`);

export const SECURITY_FAULTS = {
  "anonymous-to-practice": {
    defect: "Forwards requests without the clinician: the practice sees only the gateway.",
    south: {
      practice: (call, send) => {
        const authorization = withClaims(call.headers.authorization, (claims) => {
          claims.sub = "UNK";
          claims.requesting_practitioner = {
            resourceType: "Practitioner",
            id: "UNK",
            identifier: [{ system: SDS_USER_ID_SYSTEM, value: "UNK" }],
            name: [{ family: "UNK" }],
          };
        });
        return send({ ...call, headers: { ...call.headers, authorization: authorization ?? "" } });
      },
    },
    catches: { "SECURITY-01": /the clinician's identity reached the practice: .*names SDS user id UNK/ },
  },
  "names-itself-as-organisation": {
    defect:
      "Names itself as the requesting organisation: the practice's audit and sharing agreements see the gateway, not the consumer.",
    request: (r) => {
      const authorization = withClaims(r.headers.authorization, (claims) => {
        delete claims.requesting_organization;
      });
      if (authorization !== undefined) r.headers.authorization = authorization;
    },
    catches: {
      "SECURITY-13": /the audit entry names the organisation: the refused consent: .*the entry names none/,
      "SECURITY-02":
        /the organisation's identity reached the practice: the practice's JWT names ODS code Y99002/,
    },
  },
  "secondary-uses-token": {
    defect:
      'Issues practice tokens from a template made for reporting: reason_for_request "secondaryuses", which GP Connect providers refuse.',
    south: {
      practice: (call, send) => {
        const authorization = withClaims(call.headers.authorization, (claims) => {
          claims.reason_for_request = "secondaryuses";
        });
        return send({ ...call, headers: { ...call.headers, authorization: authorization ?? "" } });
      },
    },
    // The practice refuses every such token, so every scenario that expects a record fails on it.
    // The practice refuses a token for secondary uses: every scenario that reaches a practice fails.
    catches: {
      ...everyRecordScenario(/HTTP status 200: the gateway answered 400 \(BAD_REQUEST\)/),
      "CONSENT-03": /HTTP status 403: the gateway answered 400 \(BAD_REQUEST\)/,
      "CONSENT-08": /HTTP status 403: the gateway answered 400 \(BAD_REQUEST\)/,
      "CONSENT-09": /HTTP status 403: the gateway answered 400 \(BAD_REQUEST\)/,
      "CONSENT-12": /HTTP status 403: the gateway answered 400 \(BAD_REQUEST\)/,
      "SAFETY-08": /HTTP status 404: the gateway answered 400 \(BAD_REQUEST\)/,
      "SAFETY-10": /HTTP status 404: the gateway answered 400 \(BAD_REQUEST\)/,
      "SECURITY-03": /the practice's JWT asks to read, for direct care: reason_for_request "secondaryuses"/,
    },
  },
  "codes-under-wrong-system": {
    defect:
      "Answers the right Spine error code under a code system of its own: a consumer keying on Spine-ErrorOrWarningCode-1 finds no code.",
    answer: (answer) =>
      answer.status >= 400
        ? {
            ...answer,
            body: answer.body.replaceAll(
              "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
              "https://gateway.example/CodeSystem/errors",
            ),
          }
        : answer,
    catches: {
      "SECURITY-08": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "SECURITY-09": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "SECURITY-10": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "SECURITY-11": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "SECURITY-12": /error code ACCESS DENIED: .*only ACCESS DENIED under/,
      "SECURITY-13": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-02":
        /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under https:\/\/gateway\.example\/CodeSystem\/errors/,
      "CONSENT-03": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-05": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "CONSENT-06": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CORE-01": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "CORE-02": /error code INVALID_NHS_NUMBER: .*only INVALID_NHS_NUMBER under/,
      "SAFETY-08": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "SAFETY-09": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "SAFETY-10": /error code PATIENT_NOT_FOUND: .*only PATIENT_NOT_FOUND under/,
      "CONSENT-07": /error code BAD_REQUEST: .*only BAD_REQUEST under/,
      "CONSENT-08": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-09": /error code NO_ORGANISATION_CONSENT: .*only NO_ORGANISATION_CONSENT under/,
      "CONSENT-10": /error code NO_PATIENT_CONSENT: .*only NO_PATIENT_CONSENT under/,
      "CONSENT-12": /error code ACCESS DENIED: .*only ACCESS DENIED under/,
      "RESILIENCE-10": /error code ORGANISATION_NOT_FOUND: .*only ORGANISATION_NOT_FOUND under/,
    },
  },
  "practice-missing-as-patient-unknown": {
    defect:
      "Reports a practice SDS has no endpoint for as PATIENT_NOT_FOUND, so the clinician concludes the patient is not known.",
    answer: (answer) =>
      answer.body.includes("ORGANISATION_NOT_FOUND")
        ? { ...answer, body: JSON.stringify(operationOutcome("PATIENT_NOT_FOUND", "Patient not found")) }
        : answer,
    catches: { "RESILIENCE-10": /error code ORGANISATION_NOT_FOUND: the error code is PATIENT_NOT_FOUND/ },
  },
  "stack-trace-in-errors": {
    defect: "Adds the stack trace of the failure to its 5xx answers, for whoever asked to read.",
    answer: (answer) =>
      withDiagnostics(
        answer,
        (diagnostics) =>
          `${diagnostics}\n    at PracticeClient.getStructuredRecord (/app/dist/gateway/practice-client.js:71:13)\n    at async retrieve (/app/dist/gateway/app.js:131:10)`,
      ),
    catches: {
      "RESILIENCE-01": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-02": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-03": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-04": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-06": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-07": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-08": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-09": FIVE_XX_LEAKS("stack trace"),
      "RESILIENCE-13": FIVE_XX_LEAKS("stack trace"),
      "SECURITY-04": FIVE_XX_LEAKS("stack trace"),
    },
  },
  "names-upstream-address-in-errors": {
    defect: "Names the address it failed to reach (PDS, SDS or the practice) in its 5xx answers.",
    south: {
      pds: noteAddress((headers) => headers["x-correlation-id"] ?? ""),
      sds: noteAddress((headers) => headers["x-correlation-id"] ?? ""),
      practice: noteAddress(traceOf),
    },
    answer: (answer, original) =>
      withDiagnostics(
        answer,
        (diagnostics) =>
          `${diagnostics} (calling ${lastCalled.get(traceOf(original.headers)) ?? "upstream"})`,
      ),
    catches: {
      "RESILIENCE-01": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-02": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-03": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-04": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-06": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-07": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-08": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-09": FIVE_XX_LEAKS("internal address"),
      "RESILIENCE-13": FIVE_XX_LEAKS("internal address"),
      "SECURITY-04": FIVE_XX_LEAKS("internal address"),
    },
  },
  "names-patient-in-errors": {
    defect: "Names the patient it could not fetch a record for in its 5xx answers, from what PDS told it.",
    south: { pds: notePatientName },
    answer: (answer, original) => {
      const name = namesSeen.get(traceOf(original.headers));
      return name === undefined
        ? answer
        : withDiagnostics(answer, (diagnostics) => `${diagnostics} (the record of ${name})`);
    },
    catches: {
      "RESILIENCE-01": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-02": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-04": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-06": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-07": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-08": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-09": FIVE_XX_LEAKS("patient details"),
      "RESILIENCE-13": FIVE_XX_LEAKS("patient details"),
      "SECURITY-04": FIVE_XX_LEAKS("patient details"),
    },
  },
  "reads-any-content-type": {
    defect: "Reads the body as a GP Connect request whatever its Content-Type says.",
    request: (r) => {
      if (!/json/i.test(r.headers["content-type"] ?? "")) r.headers["content-type"] = "application/fhir+json";
    },
    catches: { "SECURITY-05": /HTTP status 415: the gateway answered 200/ },
  },
  "html-error-pages": {
    defect: "Answers a path it does not know with its web framework's HTML error page.",
    answer: (answer, original) =>
      answer.status === 404 && !/\$gpc\.getstructuredrecord$/i.test(original.url)
        ? {
            status: 404,
            contentType: "text/html; charset=utf-8",
            body: `<!DOCTYPE html>\n<html lang="en"><head><title>Error</title></head><body><pre>Cannot ${original.method} ${original.url}</pre></body></html>\n`,
          }
        : answer,
    catches: { "SECURITY-06": /an OperationOutcome: the body is not FHIR JSON \(text\/html/ },
  },
  "records-as-text-plain": {
    defect:
      "Writes records out through a serialiser of its own that labels them text/plain, so a consumer going by the label cannot take them for FHIR.",
    answer: (answer, original) =>
      answer.status === 200 && /\$gpc\.getstructuredrecord$/i.test(original.url)
        ? { ...answer, contentType: "text/plain; charset=utf-8" }
        : answer,
    catches: everyRecordScenario(/a FHIR JSON content type: Content-Type is text\/plain/),
  },
  "accepts-any-bearer-token": {
    defect:
      "Checks only that a bearer token is present: one it cannot read opens a session of its own instead of being refused.",
    request: (r) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(r.headers.authorization ?? "")?.[1];
      if (bearer !== undefined && bearer.split(".").length !== 3) {
        r.headers.authorization = placeholderToken(addressed(r));
      }
    },
    catches: { "SECURITY-08": /HTTP status 400: the gateway answered 200/ },
  },
  "ignores-token-expiry": {
    defect: "Reads the consumer's JWT without checking exp, so an expired token still opens records.",
    request: changeToken((claims) => {
      if (typeof claims.exp === "number" && claims.exp < nowSeconds()) claims.exp = nowSeconds() + 300;
    }),
    catches: {
      "SECURITY-09": /HTTP status 400: the gateway answered 200/,
      "SECURITY-13": /HTTP status 400: the gateway answered 200/,
    },
  },
  "ignores-issue-time": {
    defect: "Checks exp but not iat, so a token issued ahead of time is taken as fresh.",
    request: changeToken((claims) => {
      if (typeof claims.iat === "number" && claims.iat > nowSeconds()) claims.iat = nowSeconds();
    }),
    catches: { "SECURITY-10": /HTTP status 400: the gateway answered 200/ },
  },
  "ignores-audience": {
    defect:
      "Never compares the JWT's aud with its own address, so a token made for another provider works here.",
    request: changeToken((claims, r) => {
      claims.aud = addressed(r);
    }),
    catches: { "SECURITY-11": /HTTP status 400: the gateway answered 200/ },
  },
  "ignores-roles": {
    defect:
      "Deployed without its list of roles allowed to view records, so it lets every role through, clerks included.",
    config: { ALLOWED_ROLES: "" },
    catches: { "SECURITY-12": /HTTP status 403: the gateway answered 200/ },
  },
  "audits-only-successful-reads": {
    defect: "Writes an audit entry only when a record was returned: refusals leave no trace.",
    answer: (answer, original) =>
      auditedNumber(original.url) === undefined
        ? answer
        : trailKeeping(answer, (entry) => entry.outcome?.result === "record-returned"),
    catches: {
      "CONSENT-10": /the audit trail records the refusal: entries: none/,
      "SECURITY-13": /the audit trail records the refused consent: no entry/,
    },
  },
  "audit-trail-accepts-delete": {
    defect: "Serves its audit trail from a generic resource endpoint that also honours DELETE.",
    instead: async (original) => {
      const nhsNumber = auditedNumber(original.url);
      if (nhsNumber === undefined || original.method !== "DELETE") return undefined;
      trailsDeleted.add(nhsNumber);
      return { status: 204, body: "" };
    },
    answer: (answer, original) => {
      const nhsNumber = auditedNumber(original.url);
      return nhsNumber !== undefined && trailsDeleted.has(nhsNumber)
        ? trailKeeping(answer, () => false)
        : answer;
    },
    catches: { "SECURITY-14": /the audit trail refuses DELETE: the audit URL answered 204/ },
  },
  "audits-organisation-only": {
    defect:
      "Writes its audit entries from the consumer's organisation alone, leaving out the practitioner who asked.",
    answer: (answer, original) =>
      auditedNumber(original.url) === undefined
        ? answer
        : trailChanging(answer, (entry) => {
            delete entry.practitionerSdsId;
            delete entry.practitionerName;
          }),
    catches: {
      "SECURITY-13": /the audit entry names who asked: the refused consent: .*the entry names nobody/,
    },
  },
  "audit-time-from-token": {
    defect:
      "Stamps each audit entry with the time the consumer's token says it was issued, not its own clock's.",
    request: changeToken((claims, r) => {
      if (typeof claims.iat === "number") issuedAt.set(traceOf(r.headers), claims.iat);
    }),
    answer: (answer, original) =>
      auditedNumber(original.url) === undefined
        ? answer
        : trailChanging(answer, (entry) => {
            const iat = issuedAt.get(entry.traceId ?? "");
            if (iat !== undefined) entry.time = new Date(iat * 1000).toISOString();
          }),
    catches: { "SECURITY-13": /the audit entry says when: the expired token: the scenario began at/ },
  },
  "service-token-without-jwt": {
    defect:
      "Falls back on a service token of its own when the consumer sends none, so a request from nobody is answered.",
    request: (r) => {
      if (r.headers.authorization === undefined) r.headers.authorization = serviceToken(addressed(r));
    },
    catches: { "SECURITY-07": /a client error status \(4xx\): the gateway answered 200/ },
  },
  "unregistered-asid": {
    defect:
      "Is configured with an ASID of its own that SDS does not hold (a test-environment ASID left in), so the Spine Secure Proxy refuses every request it forwards to a practice.",
    config: { GATEWAY_ASID: "999000000099" },
    catches: {
      ...everyRecordScenario(/HTTP status 200: the gateway answered 403/),
      // Refusals the practice should have made itself come back as the proxy's instead.
      "CONSENT-03": SSP_REFUSAL_INSTEAD("NO_PATIENT_CONSENT"),
      "CONSENT-08": SSP_REFUSAL_INSTEAD("NO_PATIENT_CONSENT"),
      "CONSENT-09": SSP_REFUSAL_INSTEAD("NO_ORGANISATION_CONSENT"),
      "CONSENT-12": SSP_REFUSAL_INSTEAD("ACCESS DENIED"),
      "SAFETY-08": SSP_REFUSAL_INSTEAD("PATIENT_NOT_FOUND"),
      "SAFETY-10": SSP_REFUSAL_INSTEAD("PATIENT_NOT_FOUND"),
    },
  },
} satisfies Record<string, Fault>;
