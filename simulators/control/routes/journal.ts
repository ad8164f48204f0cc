/**
 * The journal of every request the simulators received: `GET /journal` with filters, `DELETE /journal`.
 * The query schema refuses unknown and malformed filters; a time of the right form that is no time at all
 * (2025-13-45) is refused here.
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { JournalFilter, JournalTargetKind } from "../../journal/journal.js";
import { RegionError } from "../../region/errors.js";
import type { Region } from "../../region/types.js";
import { JOURNAL_QUERY } from "../journal-schema.js";
import { ACCESS_ERRORS, answer, errorAnswer, noContent } from "../schemas.js";

/** The query as the schema lets it through: each filter at most once, as text. */
type JournalQuery = Partial<Record<"target" | "ods" | "nhsNumber" | "after" | "since" | "until", string>>;

const READ_JOURNAL: FastifySchema = {
  operationId: "readJournal",
  summary: "Every request the simulators received, oldest first, filtered",
  tags: ["journal"],
  querystring: JOURNAL_QUERY,
  response: {
    200: answer("JournalPage", "Entries and the journal's bounds"),
    400: errorAnswer("A filter is unknown or has the wrong form (the message names it)"),
    ...ACCESS_ERRORS,
  },
};

const CLEAR_JOURNAL: FastifySchema = {
  operationId: "clearJournal",
  summary: "Empty the journal (sequence numbers keep counting)",
  tags: ["journal"],
  response: { 204: noContent("Cleared"), ...ACCESS_ERRORS },
};

export async function journalRoutes(control: FastifyInstance, { region }: { region: Region }): Promise<void> {
  control.get<{ Querystring: JournalQuery }>("/journal", { schema: READ_JOURNAL }, async (request) => {
    const filter = journalFilter(request.query);
    return { entries: region.journal.list(filter), ...region.journal.stats() };
  });

  control.delete("/journal", { schema: CLEAR_JOURNAL }, async (_request, reply) => {
    region.journal.clear();
    return reply.code(204).send();
  });
}

function journalFilter(query: JournalQuery): JournalFilter {
  const { target, ods, nhsNumber, after, since, until } = query;
  for (const [name, time] of Object.entries({ since, until })) {
    if (time !== undefined && Number.isNaN(Date.parse(time))) {
      throw new RegionError(
        "INVALID_REQUEST",
        `"${name}" must be an ISO 8601 time such as 2025-06-01T09:30:00Z, got "${time}"`,
      );
    }
  }
  return {
    ...(target === undefined ? {} : { target: target as JournalTargetKind }),
    ...(ods === undefined ? {} : { ods }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(after === undefined ? {} : { after: Number(after) }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}
