/**
 * Growing the region at run time: a practice on its own port (`POST /practices`), a patient with traits
 * on a practice's list (`POST /patients`), a consumer organisation in SDS (`POST /consumers`). The schemas
 * refuse a body of the wrong shape; the region refuses what only it can judge (an unknown practice, an
 * ASID already taken).
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { ClinicalSystem, Trait } from "../../population/types.js";
import type { ConsumerCreation, Region } from "../../region/types.js";
import {
  ACCESS_ERRORS,
  answer,
  BODY_ERRORS,
  errorAnswer,
  ref,
  SYSTEM,
  TRAIT_LIST,
  UNKNOWN_PRACTICE,
} from "../schemas.js";

interface PracticeBody {
  readonly system: ClinicalSystem;
  readonly sharingEnabled?: boolean;
}

interface PatientBody {
  readonly ods: string;
  readonly traits?: Trait[];
}

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
    },
  },
  response: { 201: answer("Practice", "The practice"), ...BODY_ERRORS, ...ACCESS_ERRORS },
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

export async function populationRoutes(
  control: FastifyInstance,
  { region }: { region: Region },
): Promise<void> {
  control.post<{ Body: PracticeBody }>("/practices", { schema: ADD_PRACTICE }, async (request, reply) => {
    const { system, sharingEnabled } = request.body;
    const creation = sharingEnabled === undefined ? {} : { sharingEnabled };
    return reply.code(201).send(await region.addPractice(system, creation));
  });

  control.post<{ Body: PatientBody }>("/patients", { schema: ADD_PATIENT }, async (request, reply) => {
    return reply.code(201).send(region.addPatient(request.body.ods, request.body.traits ?? []));
  });

  control.post<{ Body: ConsumerCreation }>("/consumers", { schema: ADD_CONSUMER }, async (request, reply) => {
    return reply.code(201).send(region.addConsumer(request.body));
  });
}
