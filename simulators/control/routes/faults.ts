/**
 * Faults, set and cleared at run time: `GET /faults` and `DELETE /faults` for all of them,
 * `PUT /faults/{target}` and `DELETE /faults/{target}` for PDS, SDS or one practice. The Fault schema
 * refuses a fault of the wrong shape; the region (parseFault) refuses what depends on the target or on
 * two fields at once, naming the field too.
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { Fault } from "../../faults/faults.js";
import type { FaultTarget, Region } from "../../region/types.js";
import type { JsonSchema } from "../schemas.js";
import { ACCESS_ERRORS, BODY_ERRORS, errorAnswer, noContent, ref } from "../schemas.js";

const TARGET_PARAMS: JsonSchema = {
  type: "object",
  required: ["target"],
  properties: {
    target: { type: "string", description: '"pds", "sds", or the ODS code of a practice in the region' },
  },
};

const NO_SUCH_TARGET = errorAnswer("No such target");

const LIST_FAULTS: FastifySchema = {
  operationId: "listFaults",
  summary: "The faults set now, by target",
  tags: ["faults"],
  response: {
    200: {
      type: "object",
      description: "Faults by target",
      required: ["faults"],
      properties: { faults: { type: "object", additionalProperties: ref("Fault") } },
    },
    ...ACCESS_ERRORS,
  },
};

const CLEAR_FAULTS: FastifySchema = {
  operationId: "clearFaults",
  summary: "Clear every fault (offline services listen again; held requests are released)",
  tags: ["faults"],
  response: { 204: noContent("Cleared"), ...ACCESS_ERRORS },
};

const SET_FAULT: FastifySchema = {
  operationId: "setFault",
  summary: "Set (or replace) the fault of PDS, SDS or a practice",
  description:
    "Setting a fault replaces the target's previous one and starts its counters and seeds afresh. " +
    "Besides the shape below: a slow fault takes delayMs, or medianMs and p95Ms (p95Ms at least medianMs), " +
    "and a seed only with those; a flapping fault takes every, or probability (and a seed only with it); " +
    "an error fault's code must be in the target's own catalogue.",
  tags: ["faults"],
  params: TARGET_PARAMS,
  body: ref("Fault"),
  response: {
    200: {
      type: "object",
      description: "The fault as set",
      required: ["target", "fault"],
      properties: { target: { type: "string" }, fault: ref("Fault") },
    },
    404: NO_SUCH_TARGET,
    ...BODY_ERRORS,
    ...ACCESS_ERRORS,
  },
};

const CLEAR_FAULT: FastifySchema = {
  operationId: "clearFault",
  summary: "Clear the fault of a target",
  tags: ["faults"],
  params: TARGET_PARAMS,
  response: { 204: noContent("Cleared"), 404: NO_SUCH_TARGET, ...ACCESS_ERRORS },
};

type TargetRequest = { Params: { target: FaultTarget } };

export async function faultRoutes(control: FastifyInstance, { region }: { region: Region }): Promise<void> {
  control.get("/faults", { schema: LIST_FAULTS }, async () => ({ faults: region.faults() }));

  control.delete("/faults", { schema: CLEAR_FAULTS }, async (_request, reply) => {
    await region.clearFaults();
    return reply.code(204).send();
  });

  control.put<TargetRequest & { Body: Fault }>("/faults/:target", { schema: SET_FAULT }, async (request) => {
    const target = request.params.target;
    await region.setFault(target, request.body);
    return { target, fault: region.faults()[target] };
  });

  control.delete<TargetRequest>("/faults/:target", { schema: CLEAR_FAULT }, async (request, reply) => {
    await region.setFault(request.params.target, null);
    return reply.code(204).send();
  });
}
