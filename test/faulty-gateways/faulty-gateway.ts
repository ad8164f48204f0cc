/**
 * Faulty gateways, for proving that each scenario catches the fault it guards against. Each stands in
 * front of a correct gateway and breaks one rule, the way a real implementation might; the fault is the
 * only difference, so a scenario that fails against it fails for that reason.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { operationOutcome } from "../../gpconnect/outcomes.js";

export interface FaultyGateway {
  readonly url: string;
  close(): Promise<void>;
}

interface Forwarded {
  headers: Record<string, string>;
  body: string;
}

interface Answer {
  status: number;
  body: string;
}

interface Fault {
  /** What the gateway does to the consumer's request before handling it correctly. */
  readonly request?: (forwarded: Forwarded) => void;
  /** What it does to the correct answer before giving it to the consumer. */
  readonly answer?: (answer: Answer, original: Forwarded) => Answer;
  /** Something it does first, on the side. */
  readonly before?: (original: Forwarded, spine: { pds: string }) => Promise<void>;
}

const EMPTY_BUNDLE = JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] });

export const FAULTS = {
  /** Reads X-Consent but treats a refusal as consent. */
  "ignores-refusal": {
    request: (r) => {
      if (r.headers["x-consent"] === "refused") r.headers["x-consent"] = "granted";
    },
  },
  /** Treats every answer as a refusal: nobody sees any record. */
  "refuses-everything": {
    request: (r) => {
      r.headers["x-consent"] = "refused";
    },
  },
  /** Fetches the record first and only then acts on a refusal: the answer looks right, the journal does not. */
  "fetches-before-asking": {
    request: (r) => {
      r.headers["x-consent"] = "granted";
    },
    answer: (answer, original) =>
      original.headers["x-consent"] === "refused"
        ? {
            status: 403,
            body: JSON.stringify(operationOutcome("NO_PATIENT_CONSENT", "Refused at the point of access.")),
          }
        : answer,
  },
  /** Turns every error into an empty record, so the clinician sees "nothing recorded" instead of a problem. */
  "hides-errors-as-empty-record": {
    answer: (answer) => (answer.status >= 400 ? { status: 200, body: EMPTY_BUNDLE } : answer),
  },
  /** Drops medication prescribed elsewhere, keeping only what the practice issued. */
  "drops-outside-prescriptions": {
    answer: (answer) => {
      if (answer.status !== 200) return answer;
      const bundle = JSON.parse(answer.body) as fhir.Bundle;
      bundle.entry = (bundle.entry ?? []).filter(
        (e) =>
          e.resource?.resourceType !== "MedicationStatement" ||
          !JSON.stringify(e.resource).includes("prescribed-by-another-organisation"),
      );
      return { status: 200, body: JSON.stringify(bundle) };
    },
  },
  /** Strips the prescribing-agency extension, so outside medication looks like the practice's own. */
  "strips-prescribing-agency": {
    answer: (answer) => {
      if (answer.status !== 200) return answer;
      const bundle = JSON.parse(answer.body) as fhir.Bundle;
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource as fhir.MedicationStatement | undefined;
        if (resource?.resourceType === "MedicationStatement" && resource.extension) {
          resource.extension = resource.extension.filter((x) => !x.url.includes("PrescribingAgency"));
        }
      }
      return { status: 200, body: JSON.stringify(bundle) };
    },
  },
  /** Supplies a reason of its own when the clinician gave none, so the emergency override needs no reason. */
  "invents-emergency-reason": {
    request: (r) => {
      if (r.headers["x-consent"] === "emergency" && !r.headers["x-consent-reason"]) {
        r.headers["x-consent-reason"] = "emergency";
      }
    },
  },
  /** Does not know the emergency override and treats it as a refusal. */
  "no-emergency-override": {
    request: (r) => {
      if (r.headers["x-consent"] === "emergency") r.headers["x-consent"] = "refused";
    },
  },
  /** Forwards requests without the clinician: the practice sees only the gateway. */
  "anonymous-to-practice": {
    request: (r) => {
      delete r.headers.authorization;
    },
  },
  /**
   * Answers the right Spine error code under a code system of its own: it reads correctly to a person, but a
   * consumer that keys on Spine-ErrorOrWarningCode-1 (as GP Connect requires) finds no code at all.
   */
  "codes-under-wrong-system": {
    answer: (answer) =>
      answer.status >= 400
        ? {
            status: answer.status,
            body: answer.body.replaceAll(
              "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
              "https://gateway.example/CodeSystem/errors",
            ),
          }
        : answer,
  },
  /** Looks the number up in PDS before checking it. */
  "looks-up-before-validating": {
    before: async (original, spine) => {
      const nhsNumber = /"value"\s*:\s*"(\d+)"/.exec(original.body)?.[1] ?? "";
      const lookup = await request(`${spine.pds}/Patient/${nhsNumber}`, {
        headers: { "x-request-id": "3f1e9bd0-41c6-4d8c-9a8e-5c6f8d3a2b10" },
      });
      await lookup.body.dump();
    },
  },
} satisfies Record<string, Fault>;

export type FaultName = keyof typeof FAULTS;

export async function startFaultyGateway(
  fault: FaultName,
  correctGatewayUrl: string,
  spine: { pds: string },
): Promise<FaultyGateway> {
  const behaviour: Fault = FAULTS[fault];
  const app: FastifyInstance = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.post("/*", async (req, reply) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection"].includes(name))
        headers[name] = value;
    }
    const original: Forwarded = { headers: { ...headers }, body: String(req.body ?? "") };
    const forwarded: Forwarded = { headers, body: original.body };
    await behaviour.before?.(original, spine);
    behaviour.request?.(forwarded);
    const upstream = await request(new URL(req.url, correctGatewayUrl), {
      method: "POST",
      headers: forwarded.headers,
      body: forwarded.body,
    });
    const correct: Answer = { status: upstream.statusCode, body: await upstream.body.text() };
    const answer = behaviour.answer ? behaviour.answer(correct, original) : correct;
    return reply.code(answer.status).type("application/fhir+json").send(answer.body);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
