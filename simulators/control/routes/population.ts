/**
 * Growing the region at run time: a practice on its own port (`POST /practices`), a patient with traits
 * on a practice's list (`POST /patients`), a consumer organisation in SDS (`POST /consumers`); and shrinking
 * it back (`DELETE /practices/{ods}`, `DELETE /patients/{nhsNumber}`), so a region that runs for days holds
 * what its users hold now, not all they ever made. The schemas refuse a request of the wrong shape; the
 * region refuses what only it can judge (an unknown practice, an ASID already taken, a practice of its
 * seeded population).
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { ClinicalSystem, Trait } from "../../population/types.js";
import type { ConsumerCreation, Region } from "../../region/types.js";
import {
  ACCESS_ERRORS,
  answer,
  BODY_ERRORS,
  errorAnswer,
  noContent,
  PRACTICE_PARAMS,
  ref,
  SYSTEM,
  TRAIT_LIST,
  UNKNOWN_PRACTICE,
} from "../schemas.js";

interface PracticeBody {
  readonly system: ClinicalSystem;
  readonly sharingEnabled?: boolean;
  readonly endpointInSds?: boolean;
}

interface PatientBody {
  readonly ods: string;
  readonly traits?: Trait[];
}

const REGION_FULL = errorAnswer(
  "The 999 range has no NHS number left for it (remove practices or patients added at run time)",
);

const ADD_PRACTICE: FastifySchema = {
  operationId: "addPractice",
  summary: "Add a practice, listening on its own port",
  tags: ["population"],
  body: {
    type: "object",
    required: ["system"],
    additionalProperties: false,
    properties: {
      system: SYSTEM,
      sharingEnabled: {
        type: "boolean",
        description: "Whether the practice shares records over GP Connect (default true)",
      },
      endpointInSds: {
        type: "boolean",
        description:
          "Whether SDS lists the practice's GP Connect endpoint (default true); false: its Endpoint search finds nothing",
      },
    },
  },
  response: {
    201: answer("Practice", "The practice"),
    409: REGION_FULL,
    ...BODY_ERRORS,
    ...ACCESS_ERRORS,
  },
};

const ADD_PATIENT: FastifySchema = {
  operationId: "addPatient",
  summary: "Add a patient with traits to a practice's list",
  tags: ["population"],
  body: {
    type: "object",
    required: ["ods"],
    additionalProperties: false,
    properties: {
      ods: {
        type: "string",
        minLength: 1,
        description: "The practice's ODS code",
        "x-expected": "a practice's ODS code",
      },
      traits: TRAIT_LIST,
    },
  },
  response: {
    201: answer("Patient", "The patient"),
    404: UNKNOWN_PRACTICE,
    409: REGION_FULL,
    ...BODY_ERRORS,
    ...ACCESS_ERRORS,
  },
};

const ADD_CONSUMER: FastifySchema = {
  operationId: "addConsumer",
  summary: "Register a consumer organisation (ODS code and ASID) in SDS",
  description: "Registering the same pair again is harmless; an ASID names one organisation.",
  tags: ["population"],
  body: ref("Consumer"),
  response: {
    201: answer("Consumer", "The consumer as SDS knows it"),
    409: errorAnswer("The ASID is already registered for another organisation"),
    ...BODY_ERRORS,
    ...ACCESS_ERRORS,
  },
};

const GET_PATIENT: FastifySchema = {
  operationId: "getPatient",
  summary: "The patient PDS finds under an NHS number, generated or added",
  description:
    "A superseded NHS number finds the patient who now has another (listed in supersededNhsNumbers).",
  tags: ["population"],
  params: {
    type: "object",
    required: ["nhsNumber"],
    properties: { nhsNumber: { type: "string", description: "An NHS number, current or superseded" } },
  },
  response: {
    200: answer("Patient", "The patient"),
    404: errorAnswer("No patient in the region has this NHS number"),
    ...ACCESS_ERRORS,
  },
};

const NOT_REMOVABLE_PRACTICE = errorAnswer(
  "The practice is one of the region's seeded population (started with it): only practices added at run time can be removed",
);

const REMOVE_PRACTICE: FastifySchema = {
  operationId: "removePractice",
  summary: "Remove a practice added at run time, with its patients, port, fault and settings",
  description:
    "The practice is gone from PDS and SDS at once; its port is closed (and free for a practice added " +
    "later), requests its fault held are released, its settings and cached answers are dropped. Its " +
    "ODS code and NHS numbers are given again only when the region has no other left.",
  tags: ["population"],
  params: PRACTICE_PARAMS,
  response: {
    204: noContent("The practice is gone"),
    404: UNKNOWN_PRACTICE,
    409: NOT_REMOVABLE_PRACTICE,
    ...ACCESS_ERRORS,
  },
};

const REMOVE_PATIENT: FastifySchema = {
  operationId: "removePatient",
  summary: "Remove a patient added at run time",
  tags: ["population"],
  params: {
    type: "object",
    required: ["nhsNumber"],
    properties: {
      nhsNumber: { type: "string", description: "The NHS number of a patient added with POST /patients" },
    },
  },
  response: {
    204: noContent("The patient is gone"),
    404: errorAnswer("No patient added at run time has this NHS number"),
    409: errorAnswer(
      "The patient is one of the region's sample patients or of a practice's generated list: only patients added at run time can be removed",
    ),
    ...ACCESS_ERRORS,
  },
};

export async function populationRoutes(
  control: FastifyInstance,
  { region }: { region: Region },
): Promise<void> {
  control.post<{ Body: PracticeBody }>("/practices", { schema: ADD_PRACTICE }, async (request, reply) => {
    const { system, sharingEnabled, endpointInSds } = request.body;
    const creation = {
      ...(sharingEnabled === undefined ? {} : { sharingEnabled }),
      ...(endpointInSds === undefined ? {} : { endpointInSds }),
    };
    return reply.code(201).send(await region.addPractice(system, creation));
  });

  control.post<{ Body: PatientBody }>("/patients", { schema: ADD_PATIENT }, async (request, reply) => {
    return reply.code(201).send(region.addPatient(request.body.ods, request.body.traits ?? []));
  });

  control.get<{ Params: { nhsNumber: string } }>(
    "/patients/:nhsNumber",
    { schema: GET_PATIENT },
    async (request) => region.patient(request.params.nhsNumber),
  );

  control.post<{ Body: ConsumerCreation }>("/consumers", { schema: ADD_CONSUMER }, async (request, reply) => {
    return reply.code(201).send(region.addConsumer(request.body));
  });

  control.delete<{ Params: { ods: string } }>(
    "/practices/:ods",
    { schema: REMOVE_PRACTICE },
    async (request, reply) => {
      await region.removePractice(request.params.ods);
      return reply.code(204).send();
    },
  );

  control.delete<{ Params: { nhsNumber: string } }>(
    "/patients/:nhsNumber",
    { schema: REMOVE_PATIENT },
    async (request, reply) => {
      region.removePatient(request.params.nhsNumber);
      return reply.code(204).send();
    },
  );
}
