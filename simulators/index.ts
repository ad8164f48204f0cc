/**
 * The simulators' public face: everything the harness, the CLI and the benchmarks may use. A simulated region
 * (PDS, SDS and GP practices on loopback, started with `startRegion`), the client of its control API, the
 * journal's entries, faults, and the synthetic population behind it all. Nothing outside `simulators/` imports
 * a module inside it but this one.
 */

// The same region over HTTP (`/_control`).
export {
  ControlClient,
  type ControlClientOptions,
  type DisabledAreas,
  type JournalPage,
  type SharingAgreements,
} from "./control/client.js";
export { FAULT_KINDS, type Fault, type FaultKind } from "./faults/faults.js";
// What the simulators record and what can be made to go wrong.
export {
  Journal,
  type JournalEntry,
  type JournalFilter,
  type JournalStats,
  type JournalTargetKind,
} from "./journal/journal.js";
export { todayUtc } from "./population/calendar.js";
export { isSyntheticNhsNumber, isValidNhsNumber, syntheticNhsNumberCount } from "./population/nhs-number.js";
// The synthetic population, for generating records without serving them.
export { createPopulation, POPULATION_DEFAULTS } from "./population/population.js";
export {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type SyntheticPatient,
  TRAITS,
  type Trait,
} from "./population/types.js";
export type { StructuredRecordInput } from "./practices/bundle-render.js";
// One practice's GP Connect provider, to serve or to render a record with.
export {
  buildPracticeApp,
  EMIS_WEB,
  flavourOf,
  type PracticeAppOptions,
  type SupplierFlavour,
  TPP_SYSTMONE,
} from "./practices/index.js";
export { structuredRecordBundle } from "./practices/structured-bundle.js";
export { parseStructuredRecordParameters } from "./practices/structured-parameters.js";
export type { StructuredRecordQuery } from "./practices/structured-query.js";
export { REGION_ERRORS, RegionError, type RegionErrorCode } from "./region/errors.js";
// A whole region, in-process.
export {
  type ConsumerCreation,
  DEFAULT_HOST,
  type FaultTarget,
  type PatientInfo,
  type PracticeCreation,
  type PracticeInfo,
  practiceEndpointPath,
  type Region,
  type RegionInfo,
  type RegionOptions,
  startRegion,
} from "./region/region.js";
export { type DirectoryConsumer, HARNESS_CONSUMER } from "./spine/consumers.js";
