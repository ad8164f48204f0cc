import { EVERY_CLINICAL_AREA, SPEC, scenario } from "../../harness/scenario.js";

export default scenario({
  id: "CORE-09",
  title: "A record with content the gateway has rarely met passes through intact",
  pack: "core",
  level: "MUST",
  hazard:
    "A practice's extension, local code or long note that the gateway does not expect makes it fail the record or silently drop or cut what the clinician needed to read.",
  specification: [SPEC.recordResponse, SPEC.bundle, SPEC.fhirExtensibility],
  world: {
    patient: { system: "emis", traits: ["unusual-content"] },
    request: { areas: EVERY_CLINICAL_AREA },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    const record = expect.record(answer, patient, { areas: EVERY_CLINICAL_AREA });
    await expect.recordIntact(record, patient, { areas: EVERY_CLINICAL_AREA });
  },
});
