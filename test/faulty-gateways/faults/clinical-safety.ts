/** Faulty gateways that change what the clinician is shown: dropped items, lost markings, lost warnings. */
import { changeRecord, type Fault } from "../faulty-gateway.js";

export const CLINICAL_SAFETY_FAULTS = {
  "drops-outside-prescriptions": {
    defect: "Drops medication prescribed elsewhere, keeping only what the practice issued.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        bundle.entry = (bundle.entry ?? []).filter(
          (e) =>
            e.resource?.resourceType !== "MedicationStatement" ||
            !JSON.stringify(e.resource).includes("prescribed-by-another-organisation"),
        );
      }),
    catches: { "SAFETY-01": /a medication matching \/tramadol\/i is listed/ },
  },
  "strips-prescribing-agency": {
    defect: "Strips the prescribing-agency extension, so outside medication looks like the practice's own.",
    answer: (answer) =>
      changeRecord(answer, (bundle) => {
        for (const entry of bundle.entry ?? []) {
          const resource = entry.resource as fhir.MedicationStatement | undefined;
          if (resource?.resourceType === "MedicationStatement" && resource.extension) {
            resource.extension = resource.extension.filter((x) => !x.url.includes("PrescribingAgency"));
          }
        }
      }),
    catches: {
      "SAFETY-01":
        /marked as prescribed by another organisation: the MedicationStatement has no prescribing agency/,
    },
  },
} satisfies Record<string, Fault>;
