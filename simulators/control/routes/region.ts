/**
 * The region as a whole: where everything is (`GET /region`), and an NHS number no patient has
 * (`GET /unknown-nhs-number`), for scenarios about an unknown patient.
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { Region } from "../../region/types.js";
import { ACCESS_ERRORS, answer, errorAnswer } from "../schemas.js";

const GET_REGION: FastifySchema = {
  operationId: "getRegion",
  summary: "Where everything is: PDS, SDS, practices, consumers, sample patients",
  tags: ["region"],
  response: { 200: answer("Region", "The region"), ...ACCESS_ERRORS },
};

const GET_UNKNOWN_NHS_NUMBER: FastifySchema = {
  operationId: "getUnknownNhsNumber",
  summary: "A valid 999-range NHS number that no patient of the region has",
  tags: ["population"],
  response: {
    200: {
      type: "object",
      description: "The number",
      required: ["nhsNumber"],
      properties: { nhsNumber: { type: "string", pattern: "^999\\d{7}$" } },
    },
    409: errorAnswer("Every synthetic NHS number is some patient's"),
    ...ACCESS_ERRORS,
  },
};

export async function regionRoutes(control: FastifyInstance, { region }: { region: Region }): Promise<void> {
  control.get("/region", { schema: GET_REGION }, async () => region.info());

  // Any number of extra minted numbers is harmless: none is ever given to a patient.
  control.get("/unknown-nhs-number", { schema: GET_UNKNOWN_NHS_NUMBER }, async () => ({
    nhsNumber: region.unknownNhsNumber(),
  }));
}
