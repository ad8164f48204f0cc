/**
 * The scenario API: what a scenario file sees. A scenario reads like the requirement it checks —
 * id, title, level, hazard, world, then a short `run` of named steps and expectations.
 */
import type { Expect } from "./expectations.js";
import type { ScenarioLoad } from "./load/load-step.js";
import type { Capability } from "./manifest/types.js";
import type { GatewayConsumer } from "./north/consumer.js";
import type { Level, Pack, SpecificationClause } from "./run-result.js";
import type { WorldControl, WorldPatient, WorldPractice, WorldSpec } from "./world.js";

/** The nine clinical areas of Access Record Structured, in the specification's order (for `world.request.areas`). */
export { CLINICAL_AREA_PARAMETERS as EVERY_CLINICAL_AREA } from "../gpconnect/parameters.js";
export type { LoadMix, LoadSpec, ScenarioLoad } from "./load/load-step.js";
/** What a gateway may declare it can do (its manifest's capabilities); a scenario needing one undeclared is omitted. */
export type { Capability } from "./manifest/types.js";
export type { LoadFigures } from "./run-result.js";
export { type Level, PACKS, type Pack, type SpecificationClause } from "./run-result.js";
export { SPEC } from "./specification.js";
export type { Fault } from "./world/types.js";
export type {
  OtherPatientSpec,
  OtherPracticeSpec,
  PracticeSettings,
  WorldControl,
  WorldFaultTarget,
  WorldPatient,
  WorldPractice,
  WorldRequest,
  WorldSpec,
} from "./world.js";

export interface ScenarioContext {
  readonly patient: WorldPatient;
  readonly practice: WorldPractice;
  /** The further practices the world asked for (`world.otherPractices`), in its order. */
  readonly otherPractices: readonly WorldPractice[];
  /** The further patients the world asked for (`world.otherPatients`), in its order, each at a practice of their own. */
  readonly otherPatients: readonly WorldPatient[];
  /** The gateway under test, spoken to as a clinician's system would. */
  readonly gateway: Pick<GatewayConsumer, "getRecord" | "send" | "auditTrail">;
  /** Changes to the simulated world during the scenario (faults, unknown patients...). */
  readonly world: WorldControl;
  readonly expect: Expect;
  /** Load at a stated arrival rate (open model), for the performance pack: `load.run({ rate, duration, mix })`. */
  readonly load: ScenarioLoad;
}

export interface Scenario {
  /** Stable id, e.g. "CONSENT-02": reports and baselines key on it. */
  readonly id: string;
  readonly title: string;
  readonly pack: Pack;
  readonly level: Level;
  /** The clinical hazard it guards against, in one sentence. */
  readonly hazard: string;
  /** The specification clauses it checks (a GP Connect, PDS or SDS page and section), as links. */
  readonly specification?: readonly SpecificationClause[];
  readonly requires?: readonly Capability[];
  readonly world: WorldSpec;
  /**
   * Runs alone, with no other scenario beside it: needed by a scenario that faults PDS or SDS while it runs
   * (`world.setFault("pds", ...)`), as those are shared by every scenario. A world with a `spine` fault runs
   * alone without saying so. Also for a scenario whose requests must be the only ones in flight (many patients
   * asked for at once), so that what overlaps is its own burst.
   */
  readonly exclusive?: boolean;
  run(context: ScenarioContext): Promise<void>;
}

/** A scenario id: a pack-like prefix and a number of two digits or more (CONSENT-02). */
export const SCENARIO_ID = /^[A-Z][A-Z-]*-\d{2,}$/;

/** Declares a scenario; checks the parts a reader relies on, so a badly written one fails at load. */
export function scenario(definition: Scenario): Scenario {
  if (!SCENARIO_ID.test(definition.id)) {
    throw new Error(`scenario id "${definition.id}" must look like PACK-NN (e.g. CONSENT-02)`);
  }
  for (const field of ["title", "hazard"] as const) {
    if (definition[field].trim() === "") throw new Error(`scenario ${definition.id} has an empty ${field}`);
  }
  return Object.freeze(definition);
}
