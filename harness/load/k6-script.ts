/**
 * The same load as a k6 script, for loads that outgrow one machine (k6, or the k6 operator on Kubernetes): the
 * arrival-rate executor and its settings, the thresholds (latency ones on http_req_duration, `rate` on
 * http_req_failed), the patients and the consent mix, and the request the harness itself sends — the GP Connect
 * Parameters, the Ssp headers, a fresh consumer JWT per request, consent in X-Consent headers — written as
 * TypeScript typed with @types/k6, so CI can check it with tsc before anyone runs it.
 */
import { consumerJwt, HARNESS_CONSUMER } from "../north/identity.js";
import { DEFAULT_CONSENT_HEADERS, DEFAULT_OPERATION_PATH } from "../north/profile.js";
import {
  consentHeaders,
  DEFAULT_AREAS,
  profileHeaders,
  structuredRecordParameters,
} from "../north/record-request.js";
import type { ConsentShare } from "./load-step.js";
import type { ArrivalProfile } from "./profile.js";
import { parseThresholds } from "./thresholds.js";

export interface K6Export {
  /** The gateway the script loads (GATEWAY_URL overrides it when k6 runs). */
  readonly gatewayUrl: string;
  readonly profile: ArrivalProfile;
  /** In k6's syntax; checked here, so a broken one never reaches k6. */
  readonly thresholds: readonly string[];
  readonly patients: ReadonlyArray<{ readonly nhsNumber: string; readonly system: string }>;
  /** The consent answer of each iteration in turn (repeated). */
  readonly consent: readonly ConsentShare[];
  /** The command that wrote it, for the header. */
  readonly command: string;
}

const NHS_NUMBER_SLOT = "__NHS_NUMBER__";
const EMERGENCY_REASON = "Patient unconscious on arrival; record needed for immediate care";

/** The k6 `thresholds` object: latency thresholds on http_req_duration, rate ones on http_req_failed. */
function k6Thresholds(texts: readonly string[]): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  for (const threshold of parseThresholds(texts)) {
    const metric = threshold.aggregation === "rate" ? "http_req_failed" : "http_req_duration";
    thresholds[metric] = [...(thresholds[metric] ?? []), threshold.text];
  }
  return thresholds;
}

/** The JWT's header and its claims without iat and exp, which the script stamps per request. */
function jwtParts(audience: string): { header: string; claims: Record<string, unknown> } {
  const [header, body] = consumerJwt(audience).split(".");
  const { iat: _iat, exp: _exp, ...claims } = JSON.parse(Buffer.from(body!, "base64url").toString("utf8"));
  return { header: header!, claims };
}

/** The script's functions: a trace id, a JWT stamped now, and the request of one iteration. */
const SCRIPT_FUNCTIONS = `function traceId(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return \`\${hex(8)}-\${hex(4)}-4\${hex(3)}-a\${hex(3)}-\${hex(12)}\`;
}

/** An unsigned GP Connect JWT (as the harness sends), stamped now. */
function jwt(): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = { ...JWT_CLAIMS, iat, exp: iat + JWT_LIFETIME_SECONDS };
  return \`\${JWT_HEADER}.\${encoding.b64encode(JSON.stringify(claims), "rawurl")}.\`;
}

export function getRecord(): void {
  const iteration = exec.scenario.iterationInTest;
  const patient = PATIENTS[iteration % PATIENTS.length]!;
  const consent = CONSENT[iteration % CONSENT.length]!;
  const refused = consent === "refused";
  const response = http.post(GATEWAY + OPERATION, PARAMETERS.replace("${NHS_NUMBER_SLOT}", patient.nhsNumber), {
    headers: {
      ...HEADERS,
      "ssp-traceid": traceId(),
      authorization: \`Bearer \${jwt()}\`,
      ...CONSENT_HEADERS[consent],
    },
    responseCallback: refused ? ANSWERED_403 : ANSWERED_200,
    tags: { consent, system: patient.system },
  });
  check(response, {
    "answered as the consent asks": (r) => r.status === (refused ? 403 : 200),
  });
}
`;

export function k6Script(spec: K6Export): string {
  const thresholds = k6Thresholds(spec.thresholds);
  const scenario = { ...spec.profile, timeUnit: spec.profile.timeUnit ?? "1s", exec: "getRecord" };
  const { executor, ...settings } = scenario;
  const headers = profileHeaders({ traceId: "", jwt: "", consumer: HARNESS_CONSUMER });
  delete headers.authorization;
  const consent = Object.fromEntries(
    (["granted", "refused", "emergency"] as const).map((answer) => [
      answer,
      consentHeaders(DEFAULT_CONSENT_HEADERS, {
        consent: answer,
        ...(answer === "emergency" ? { reason: EMERGENCY_REASON } : {}),
      }),
    ]),
  );
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  const jwt = jwtParts(spec.gatewayUrl.replace(/\/+$/, ""));
  return `// ${spec.command}
// Written by gp-harness: the load profile, thresholds and patient mix of the harness's own load, as a k6 script.
// Check it with tsc (types ["k6"]); run it with: k6 run -e GATEWAY_URL=${spec.gatewayUrl} load.ts
// k6 times each request from its actual send; with an arrival-rate executor, arrivals that find every VU busy
// are counted in dropped_iterations rather than delayed, so watch that figure as well as the latencies.
// The gateway's own overhead per hop is not measured here: the harness reads it from the simulators' journal.
import { check } from "k6";
import encoding from "k6/encoding";
import exec from "k6/execution";
import http from "k6/http";
import type { Options } from "k6/options";

const GATEWAY: string = __ENV.GATEWAY_URL || ${JSON.stringify(spec.gatewayUrl.replace(/\/+$/, ""))};
const OPERATION = ${JSON.stringify(DEFAULT_OPERATION_PATH)};

type Consent = "granted" | "refused" | "emergency";

/** The region's patients (${spec.patients.length}), EMIS and TPP practices alike, each iteration the next. */
const PATIENTS: ReadonlyArray<{ nhsNumber: string; system: string }> = ${json(spec.patients)};

/** The consent answer of each iteration in turn. */
const CONSENT: readonly Consent[] = ${JSON.stringify(spec.consent)};

const HEADERS: Record<string, string> = ${json(headers)};
const CONSENT_HEADERS: Record<Consent, Record<string, string>> = ${json(consent)};
const PARAMETERS = ${JSON.stringify(JSON.stringify(structuredRecordParameters(NHS_NUMBER_SLOT, DEFAULT_AREAS)))};
const JWT_HEADER = ${JSON.stringify(jwt.header)};
const JWT_CLAIMS: Record<string, unknown> = ${json(jwt.claims)};
const JWT_LIFETIME_SECONDS = 300;

const ANSWERED_200 = http.expectedStatuses(200);
const ANSWERED_403 = http.expectedStatuses(403);

export const options: Options = {
  scenarios: {
    region: ${json({ executor, ...settings }).replaceAll("\n", "\n    ")},
  },
  thresholds: ${json(thresholds).replaceAll("\n", "\n  ")},
};

${SCRIPT_FUNCTIONS}
`;
}
