/** The provider's CapabilityStatement (GET {endpoint}/metadata): what a consumer may call on this practice. */
import { FHIR_JSON } from "../../gpconnect/identifiers.js";
import { GET_STRUCTURED_RECORD_OPERATION } from "../../gpconnect/profiles.js";
import type { Practice } from "../population/types.js";
import type { SupplierFlavour } from "./flavours.js";

/** The GP Connect Access Record Structured version the simulator answers as. */
export const GPCONNECT_STRUCTURED_VERSION = "1.6.2";

export function capabilityStatement(
  practice: Practice,
  flavour: SupplierFlavour,
  date: string,
): fhir.CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    version: GPCONNECT_STRUCTURED_VERSION,
    name: "GP Connect Access Record Structured",
    status: "active",
    date,
    publisher: `${flavour.vendor} (simulated by gp-harness)`,
    description: `Simulated ${flavour.productName} GP Connect provider for ${practice.name} (${practice.ods})`,
    kind: "instance",
    software: { name: flavour.productName, version: GPCONNECT_STRUCTURED_VERSION },
    implementation: { description: `${practice.name} (${practice.ods}) on ${flavour.productName}` },
    fhirVersion: "3.0.1",
    acceptUnknown: "both",
    format: [FHIR_JSON],
    rest: [
      {
        mode: "server",
        operation: [
          { name: "gpc.getstructuredrecord", definition: { reference: GET_STRUCTURED_RECORD_OPERATION } },
        ],
      },
    ],
  };
}
