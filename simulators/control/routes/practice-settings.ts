/**
 * A practice's settings changed at run time, each a list under `/practices/{ods}/`: GET reads it, PUT
 * replaces it, DELETE empties it. The clinical areas switched off (`disabled-areas`), and the consumer
 * organisations the practice has no data-sharing agreement with (`sharing-agreements`). The region checks
 * the ODS code first (404), then the values, as the in-process API does.
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { ClinicalAreaParameter } from "../../../gpconnect/parameters.js";
import type { Region } from "../../region/types.js";
import type { JsonSchema } from "../schemas.js";
import {
  ACCESS_ERRORS,
  answer,
  BODY_ERRORS,
  CLINICAL_AREA_LIST,
  noContent,
  ODS_CODE_LIST,
  PRACTICE_PARAMS,
  UNKNOWN_PRACTICE,
} from "../schemas.js";

/** What each of the three routes of a setting says in the OpenAPI document. */
interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** What the answer holds (GET, PUT) or means (DELETE). */
  readonly answer: string;
}

interface PracticeSetting {
  /** The path under /practices/{ods}/. */
  readonly path: string;
  /** The PUT body's one field, and the answer's beside `ods`. */
  readonly field: string;
  /** The field's schema; its description is also the refusal's when the field is missing. */
  readonly values: JsonSchema;
  /** The `$id` of the answer's schema. */
  readonly answerId: string;
  readonly get: Operation;
  readonly put: Operation;
  readonly delete: Operation;
  read(region: Region, ods: string): unknown[];
  /** Checks and applies the values (RegionError when they are wrong); answers the setting now. */
  write(region: Region, ods: string, values: unknown[]): unknown[];
}

const DISABLED_AREAS: PracticeSetting = {
  path: "disabled-areas",
  field: "areas",
  values: {
    ...CLINICAL_AREA_LIST,
    description: "The clinical area parameters to switch off ([] switches all back on)",
  },
  answerId: "DisabledAreas",
  get: {
    operationId: "getDisabledAreas",
    summary: "The clinical areas switched off at a practice",
    answer: "The areas switched off now ([] when none)",
  },
  put: {
    operationId: "setDisabledAreas",
    summary: "Switch clinical areas off at a practice, as GP Connect 1.6 requires a provider can",
    description:
      "Replaces the practice's setting; [] switches every area back on. From the next request, the " +
      "practice answers a record request that asks for a switched-off area with 200, the record of " +
      "the other areas (the area is left out as if its parameter had not been sent), and one " +
      "OperationOutcome in the Bundle with a warning per switched-off area asked for: not-supported, " +
      'NOT_IMPLEMENTED, text "<parameter> has been disabled", diagnostics "<parameter>". A request ' +
      "whose areas are all switched off is answered the same way (the Patient and the warning). " +
      "Areas are switched off per practice; for all sites, make this call for each practice.",
    answer: "The areas switched off now",
  },
  delete: {
    operationId: "clearDisabledAreas",
    summary: "Switch every clinical area back on at a practice",
    answer: "Every area is on",
  },
  read: (region, ods) => region.disabledAreas(ods),
  write: (region, ods, areas) => region.setDisabledAreas(ods, areas as ClinicalAreaParameter[]),
};

const SHARING_AGREEMENTS: PracticeSetting = {
  path: "sharing-agreements",
  field: "withoutAgreement",
  values: {
    ...ODS_CODE_LIST,
    description:
      "The ODS codes of the consumer organisations the practice has no data-sharing agreement with ([] for none)",
  },
  answerId: "SharingAgreements",
  get: {
    operationId: "getSharingAgreements",
    summary: "The consumer organisations a practice has no data-sharing agreement with",
    answer: "The organisations without an agreement now ([] when every one has)",
  },
  put: {
    operationId: "setSharingAgreements",
    summary: "Name the consumer organisations a practice has no data-sharing agreement with",
    description:
      "Replaces the practice's setting; [] gives every organisation an agreement again. From the next " +
      "request, a structured-record request whose JWT requesting_organization carries one of these ODS " +
      "codes is answered 403 with an OperationOutcome NO_ORGANISATION_CONSENT (Organisation has not " +
      "provided consent to share data), diagnostics naming both organisations, as a provider enforcing " +
      "its local consent rules answers it: after the Ssp headers and the JWT are checked, before the " +
      "practice's own checks and before the patient is looked up. Behind a gateway that passes its " +
      "consumer's requesting_organization on, the organisation checked is that consumer.",
    answer: "The organisations without an agreement now",
  },
  delete: {
    operationId: "clearSharingAgreements",
    summary: "Give every consumer organisation a data-sharing agreement with a practice again",
    answer: "Every organisation has an agreement",
  },
  read: (region, ods) => region.organisationsWithoutAgreement(ods),
  write: (region, ods, codes) => region.setOrganisationsWithoutAgreement(ods, codes as string[]),
};

/** The three routes' schemas: the OpenAPI operations, and the PUT body fastify checks. */
function settingSchemas(setting: PracticeSetting): Record<"get" | "put" | "delete", FastifySchema> {
  const common = { tags: ["practices"], params: PRACTICE_PARAMS };
  const operation = ({ answer: _, ...described }: Operation) => ({ ...common, ...described });
  return {
    get: {
      ...operation(setting.get),
      response: {
        200: answer(setting.answerId, setting.get.answer),
        404: UNKNOWN_PRACTICE,
        ...ACCESS_ERRORS,
      },
    },
    put: {
      ...operation(setting.put),
      body: {
        type: "object",
        required: [setting.field],
        additionalProperties: false,
        properties: { [setting.field]: setting.values },
      },
      response: {
        200: answer(setting.answerId, setting.put.answer),
        404: UNKNOWN_PRACTICE,
        ...BODY_ERRORS,
        ...ACCESS_ERRORS,
      },
    },
    delete: {
      ...operation(setting.delete),
      response: { 204: noContent(setting.delete.answer), 404: UNKNOWN_PRACTICE, ...ACCESS_ERRORS },
    },
  };
}

function registerSetting(control: FastifyInstance, region: Region, setting: PracticeSetting): void {
  const url = `/practices/:ods/${setting.path}`;
  const schemas = settingSchemas(setting);
  type Request = { Params: { ods: string }; Body: Record<string, unknown[]> };
  control.get<Request>(url, { schema: schemas.get }, async (request) => {
    const { ods } = request.params;
    return { ods, [setting.field]: setting.read(region, ods) };
  });
  control.put<Request>(url, { schema: schemas.put }, async (request) => {
    const { ods } = request.params;
    // The body schema requires the field.
    return { ods, [setting.field]: setting.write(region, ods, request.body[setting.field]!) };
  });
  control.delete<Request>(url, { schema: schemas.delete }, async (request, reply) => {
    setting.write(region, request.params.ods, []);
    return reply.code(204).send();
  });
}

export async function practiceSettingRoutes(
  control: FastifyInstance,
  { region }: { region: Region },
): Promise<void> {
  registerSetting(control, region, DISABLED_AREAS);
  registerSetting(control, region, SHARING_AGREEMENTS);
}
