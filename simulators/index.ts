/**
 * The simulators' public face: everything the harness, the CLI and the benchmarks may use. Nothing outside
 * `simulators/` imports a module inside it but this one (a rule of `npm run deps`).
 *
 * - a whole region in-process (`startRegion`, `Region`, `RegionError`), or over HTTP (`ControlClient`);
 * - what the simulators record (the journal's entries) and what can be made to go wrong (faults);
 * - the synthetic population, for generating records without serving them;
 * - one practice's GP Connect provider, to serve or to render a record with.
 */
export {
  ControlClient,
  type ControlClientOptions,
  type DisabledAreas,
  type JournalPage,
  type SharingAgreements,
} from "./control/client.js";
export { FAULT_KINDS, type Fault, type FaultKind } from "./faults/faults.js";
export {
  Journal,
  type JournalEntry,
  type JournalFilter,
  type JournalStats,
  type JournalTargetKind,
} from "./journal/journal.js";
export { todayUtc } from "./population/calendar.js";
export { syntheticNhsNumberCount } from "./population/nhs-number.js";
export { createPopulation, POPULATION_DEFAULTS } from "./population/population.js";
export { PopulationError, type PopulationErrorKind } from "./population/population-errors.js";
export {
  type ClinicalSystem,
  type Population,
  type PopulationOptions,
  type Practice,
  type RemovedPractice,
  type SyntheticPatient,
  TRAITS,
  type Trait,
} from "./population/types.js";
export { bundleBody } from "./practices/bundle-body.js";
export type { StructuredRecordInput } from "./practices/bundle-render.js";
export {
  buildPracticeApp,
  flavourOf,
  type PracticeAppOptions,
  type SupplierFlavour,
} from "./practices/index.js";
export { structuredRecordBundle } from "./practices/structured-bundle.js";
export { parseStructuredRecordParameters } from "./practices/structured-parameters.js";
export type { StructuredRecordQuery } from "./practices/structured-query.js";
export { RegionError, type RegionErrorCode } from "./region/errors.js";
export { DEFAULT_HOST, practiceEndpointPath, startRegion } from "./region/region.js";
export type {
  ConsumerCreation,
  FaultTarget,
  PatientInfo,
  PracticeCreation,
  PracticeInfo,
  Region,
  RegionInfo,
  RegionOptions,
} from "./region/types.js";
export { type DirectoryConsumer, HARNESS_CONSUMER } from "./spine/consumers.js";
