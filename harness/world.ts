/**
 * A scenario's world: practices and a patient of its own, made through the region's control API, so
 * scenarios run in parallel without interfering and a gateway's cache cannot hide a fault; the faults,
 * switched-off areas and missing agreements it asks for; and the request it sends. Undone when the scenario
 * ends, whatever happened: its practices are removed with their patient and settings, and PDS's and SDS's
 * faults are put back as they were found. The parts are in harness/world/.
 */
import type { WorldSpec } from "./world/types.js";

export { buildWorld, type World } from "./world/build.js";
export type { WorldChange } from "./world/changes.js";
export type { WatchedGateway } from "./world/settle.js";
export type {
  OtherPatientSpec,
  OtherPracticeSpec,
  PracticeSettings,
  WorldControl,
  WorldFaultTarget,
  WorldOptions,
  WorldPatient,
  WorldPractice,
  WorldRequest,
  WorldSpec,
} from "./world/types.js";

/**
 * Whether a scenario must run alone: it says so (`exclusive: true`, for one that faults PDS or SDS while it
 * runs), or its world faults PDS or SDS from the start. PDS and SDS are shared by every scenario of a run,
 * so their faults would reach the scenarios beside it.
 */
export function runsAlone(scenario: { readonly exclusive?: boolean; readonly world: WorldSpec }): boolean {
  return scenario.exclusive === true || scenario.world.spine !== undefined;
}
