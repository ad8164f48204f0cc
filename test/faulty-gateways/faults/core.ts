/** Faulty gateways that find the wrong patient, the wrong practice, or look up what they should reject. */
import { request } from "undici";
import type { Fault } from "../faulty-gateway.js";

export const CORE_FAULTS = {
  "looks-up-before-validating": {
    defect: "Looks the number up in PDS before checking it.",
    before: async (original, spine) => {
      const nhsNumber = /"value"\s*:\s*"(\d+)"/.exec(original.body)?.[1] ?? "";
      const lookup = await request(`${spine.pds}/Patient/${nhsNumber}`, {
        headers: { "x-request-id": "3f1e9bd0-41c6-4d8c-9a8e-5c6f8d3a2b10" },
      });
      await lookup.body.dump();
    },
    catches: {
      "CORE-02": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-05": /PDS was not asked about the number: PDS received 1 request/,
      "SECURITY-07": /PDS was not asked about the number: PDS received 1 request/,
    },
  },
} satisfies Record<string, Fault>;
