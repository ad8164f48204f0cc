/**
 * A practice's request bodies: FHIR JSON (or plain JSON) parsed once per distinct short body and shared
 * frozen, and a body that does not parse kept as such, so the provider answers it as GP Connect says.
 */
import type { FastifyInstance } from "fastify";
import { deepFreeze } from "./deep-freeze.js";

export const ACCEPTED_CONTENT_TYPES = ["application/fhir+json", "application/json"];

/** A body that was sent as JSON but does not parse: answered 422 INVALID_RESOURCE, not a framework 400. */
export class MalformedJsonBody {
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

/** Only the accepted content types are parsed (fastify answers any other with a 415). */
export function parseJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(ACCEPTED_CONTENT_TYPES, { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (error) {
      done(null, new MalformedJsonBody(error instanceof Error ? error.message : String(error)));
    }
  });
}
