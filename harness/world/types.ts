/**
 * What a scenario's world is: the spec a scenario asks for (`world: {...}`), what the harness builds from it,
 * and the changes a scenario may make while it runs. Everything here is made or set through the region's
 * control API and undone when the scenario ends.
 */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { ClinicalSystem, Fault, Trait } from "../../simulators/index.js";

export type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
export type { Fault, FaultKind } from "../../simulators/index.js";

/** How one of the scenario's own practices is set up. Each setting is the region's, per practice. */
export interface PracticeSettings {
  /** Whether the practice has enabled GP Connect sharing (default true); false answers ACCESS DENIED. */
  readonly sharingEnabled?: boolean;
  /**
   * Whether SDS lists the practice's GP Connect endpoint (default true); false: SDS's Endpoint search finds
   * nothing for it, as for a practice not yet live on GP Connect.
   */
  readonly endpointInSds?: boolean;
  /** What is wrong with the practice from the start (any fault kind of the region). */
  readonly fault?: Fault;
  /** Clinical areas switched off at the practice: left out of records, named in a not-supported warning. */
  readonly disabledAreas?: readonly ClinicalAreaParameter[];
  /**
   * Consumer organisations (ODS codes) the practice has no data-sharing agreement with, or `"every-consumer"`:
   * every organisation SDS knows (the harness's, the gateway's, any added), so whichever the gateway names
   * in its JWT, its record requests are refused with 403 NO_ORGANISATION_CONSENT.
   */
  readonly withoutAgreement?: readonly string[] | "every-consumer";
}

/** A further practice of the scenario's own, beside the patient's. */
export interface OtherPracticeSpec extends PracticeSettings {
  readonly system: ClinicalSystem;
}

/** A further patient, at a practice of their own with these settings. */
export interface OtherPatientSpec {
  readonly system: ClinicalSystem;
  readonly traits?: readonly Trait[];
  readonly practice?: PracticeSettings;
}

export interface WorldSpec {
  /**
   * The patient the scenario is about: registered at a practice of its own, created for this scenario. With
   * trait `moved-practice` (or `record-in-transit`) the patient moved to that practice from one of the
   * region's seeded practices (`patient.previousPractice`), which still holds the old record.
   */
  readonly patient: { readonly system: ClinicalSystem; readonly traits?: readonly Trait[] };
  /** The patient's practice's settings (default: sharing on, no fault, every area on, every agreement). */
  readonly practice?: PracticeSettings;
  /** More practices of the scenario's own (`world.otherPractices`, in this order), e.g. one to check is never asked. */
  readonly otherPractices?: readonly OtherPracticeSpec[];
  /**
   * More patients, each at a practice of its own (`world.otherPatients`, in this order): for scenarios about
   * several patients at once (the right record under concurrent requests; one practice's trouble not delaying
   * another's patients).
   */
  readonly otherPatients?: readonly OtherPatientSpec[];
  /**
   * Faults on the Spine directories from the start. PDS and SDS are the region's, shared by every scenario:
   * a world asking for one makes its scenario run alone (see `runsAlone`).
   */
  readonly spine?: { readonly pds?: Fault; readonly sds?: Fault };
  /** The request the scenario sends: default options of `gateway.getRecord` (a call's own options win). */
  readonly request?: WorldRequest;
}

/** The request parameters a world asks the scenario's `gateway.getRecord` calls to send. */
export interface WorldRequest {
  /** The clinical areas to ask for (within what the gateway's profile accepts). */
  readonly areas?: readonly ClinicalAreaParameter[];
}

export interface WorldPractice {
  readonly ods: string;
  readonly name: string;
  readonly system: ClinicalSystem;
  readonly asid: string;
  readonly endpoint: string;
}

export interface WorldPatient {
  readonly nhsNumber: string;
  readonly name: string;
  /** YYYY-MM-DD, as PDS and the practice hold it. */
  readonly birthDate: string;
  /** The home address's lines and postcode, as PDS holds them. */
  readonly address: readonly string[];
  readonly system: ClinicalSystem;
  readonly traits: readonly Trait[];
  readonly practice: WorldPractice;
  /**
   * For a patient who moved: the practice they left, one of the region's seeded practices. Shared with other
   * scenarios, so the world never changes it; a scenario only checks it was not asked for the record.
   */
  readonly previousPractice?: { readonly ods: string };
  /** Trait `superseded-number`: older NHS numbers of the patient, which PDS answers with the current one. */
  readonly supersededNhsNumbers?: readonly string[];
}

/** Where a fault goes: one of the scenario's own practices, PDS or SDS. */
export type WorldFaultTarget = WorldPractice | "pds" | "sds";

export interface WorldControl {
  /**
   * Sets (or replaces) the target's fault until the scenario ends or `clearFault`. PDS and SDS are shared:
   * only a scenario that runs alone (`exclusive: true`, or a world with a `spine` fault) may fault them.
   */
  setFault(target: WorldFaultTarget, fault: Fault): Promise<void>;
  /** Clears the target's fault (PDS and SDS get back the fault they had before the scenario, if any). */
  clearFault(target: WorldFaultTarget): Promise<void>;
  /** The practice stops accepting connections (connection refused) until the scenario ends. */
  takeOffline(practice: WorldPractice): Promise<void>;
  /** Switches clinical areas off at the practice, replacing its previous setting ([] switches all back on). */
  disableAreas(practice: WorldPractice, areas: readonly ClinicalAreaParameter[]): Promise<void>;
  /**
   * The practice loses its data-sharing agreement with these consumer organisations (default: every one SDS
   * knows), replacing its previous setting ([] restores every agreement).
   */
  withoutAgreement(practice: WorldPractice, consumers?: readonly string[] | "every-consumer"): Promise<void>;
  /** A valid 999-range NHS number that no patient in the region has. */
  unknownNhsNumber(): Promise<string>;
  /** The patient's NHS number with a wrong check digit: no system may accept it. */
  invalidNhsNumber(patient: WorldPatient): string;
  /**
   * Resolves once the gateway can no longer be doing anything for this scenario south: every request to it
   * answered, then the south journal quiet about the world (see `settled` in harness/world/settle.ts).
   */
  settled(): Promise<void>;
  /** Lets this much time pass: e.g. so a slow request is under way before the next is sent. */
  wait(ms: number): Promise<void>;
}

/** How the world is built beside its spec: by the scenario run. */
export interface WorldOptions {
  /** The scenario runs alone, so it may fault PDS and SDS. Default: whether the spec has a `spine` fault. */
  readonly exclusive?: boolean;
  /** When the scenario began (ISO): the south journal is read from then. Default: when the world is built. */
  readonly since?: string;
  /** How long the south journal must stay quiet before the world is settled. Default 250 ms. */
  readonly settleMs?: number;
  /** The longest `settled()` waits, whatever the gateway does. Default ten times `settleMs`. */
  readonly maxSettleMs?: number;
}
