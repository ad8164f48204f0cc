/**
 * What a simulated region is, as its users see it: the options it starts with, what it says about itself, and
 * the operations on it (the same over HTTP at /_control). The implementation is in region.ts.
 */
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import type { Fault } from "../faults/faults.js";
import type { Journal } from "../journal/journal.js";
import type { ClinicalSystem, Population, Trait } from "../population/types.js";
import type { DirectoryConsumer } from "../spine/consumers.js";

export interface RegionOptions {
  seed?: number;
  referenceDate?: string;
  /** Where every listener binds; default 127.0.0.1. */
  host?: string;
  /** Base port P: control P, PDS P+1, SDS P+2, practices P+3, P+4, ... in order. 0 (default) = ephemeral. */
  port?: number;
  practices?: number;
  patientsPerPractice?: number;
  emisShare?: number;
  /** When set, the control API serves any caller presenting `Authorization: Bearer <token>`, and no one else. */
  controlToken?: string;
  /** Most journal entries held at once (oldest dropped first). Default 10,000. */
  journalCapacity?: number;
  /**
   * Delay every practice answer as the real supplier system would (each flavour's log-normal latency
   * profile, seeded from the region's seed). Off by default, so runs stay fast.
   */
  realisticLatency?: boolean;
  /**
   * Let every practice accept any `Ssp-From` ASID, for local experiments. Off by default: as the Spine Secure
   * Proxy in front of a real practice does, a practice refuses a sender whose ASID SDS holds for no consumer
   * (403, ASID_CHECK_FAILED_MESSAGESENDER_{ASID}), so a gateway configured with the wrong ASID is caught here.
   * SDS holds the harness's and the reference gateway's ASIDs, and any added with `addConsumer`.
   */
  allowUnknownAsids?: boolean;
}

export interface PracticeInfo {
  ods: string;
  name: string;
  system: ClinicalSystem;
  asid: string;
  endpoint: string;
}

export interface PatientInfo {
  nhsNumber: string;
  ods: string;
  system: ClinicalSystem;
  traits: Trait[];
  name: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** The home address as PDS holds it: its lines and postcode. */
  address: string[];
  /** Traits `moved-practice` and `record-in-transit`: the ODS code of the practice the patient left. */
  previousOds?: string;
  /** Trait `superseded-number` (and some generated patients): older NHS numbers PDS resolves to this patient. */
  supersededNhsNumbers?: string[];
}

export interface RegionInfo {
  seed: number;
  /** The synthetic records' today (YYYY-MM-DD): nothing is dated after it. */
  referenceDate: string;
  pds: string;
  sds: string;
  control: string;
  /** The control API's OpenAPI 3 description. */
  openapi: string;
  /** The harness's own consumer organisation, as SDS knows it. */
  consumer: { ods: string; asid: string };
  /** Every consumer organisation SDS knows: the harness, the reference gateway, and any added. */
  consumers: DirectoryConsumer[];
  practices: PracticeInfo[];
  patients: PatientInfo[];
}

/** "pds", "sds", or the ODS code of a practice in the region. */
export type FaultTarget = "pds" | "sds" | (string & {});

export interface PracticeCreation {
  /** Whether the practice has enabled GP Connect sharing (default true); false answers ACCESS DENIED. */
  sharingEnabled?: boolean;
  /**
   * Whether SDS lists the practice's GP Connect endpoint (default true); false: its Endpoint search finds
   * nothing, as for a practice not yet live on GP Connect (the practice itself still answers).
   */
  endpointInSds?: boolean;
}

export interface ConsumerCreation {
  ods: string;
  asid: string;
  name?: string;
}

export interface Region {
  info(): RegionInfo;
  readonly population: Population;
  readonly journal: Journal;
  addPractice(system: ClinicalSystem, options?: PracticeCreation): Promise<PracticeInfo>;
  addPatient(ods: string, traits: readonly Trait[]): PatientInfo;
  /**
   * Removes a practice added at run time, with everything the region holds for it: its patients, its
   * generated list, its port (closed, and free for another practice), its app, its fault (requests it held
   * are released), its settings and its cached answers. Its ODS code, ASID and NHS numbers are free again
   * (given again only when no other is left). Gone from PDS and SDS at once. RegionError UNKNOWN_PRACTICE,
   * or NOT_REMOVABLE for a practice of the region's seeded population.
   */
  removePractice(ods: string): Promise<void>;
  /**
   * Removes a patient added at run time (addPatient). RegionError UNKNOWN_PATIENT, or NOT_REMOVABLE for a
   * sample patient or one of a practice's generated list.
   */
  removePatient(nhsNumber: string): void;
  /**
   * The patient PDS finds under this NHS number (a superseded number finds the patient who now has another),
   * generated or added. RegionError UNKNOWN_PATIENT when nobody has it.
   */
  patient(nhsNumber: string): PatientInfo;
  /** Registers a consumer organisation (ODS code and ASID) in SDS, as an accredited system. */
  addConsumer(consumer: ConsumerCreation): DirectoryConsumer;
  /**
   * Sets (a fault) or clears (null) the fault of a target. The fault is checked first (RegionError
   * INVALID_FAULT naming the field); setting replaces the target's previous fault.
   */
  setFault(target: FaultTarget, fault: Fault | null): Promise<void>;
  /** The faults set now, by target. */
  faults(): Record<string, Fault>;
  /** Clears every fault: offline services listen again, held requests are released. */
  clearFaults(): Promise<void>;
  /**
   * Switches clinical areas off at one practice (GP Connect 1.6 "Configuration for supported clinical
   * areas"), replacing the practice's previous setting; an empty list switches them all back on. From the
   * next request, an area switched off is left out of the record and named in a not-supported warning.
   * There is no region-wide switch: switching an area off "for all sites" is this call for each practice,
   * so scenarios running side by side in their own practices do not disturb one another. Answers the
   * areas now off, in CLINICAL_AREA_PARAMETERS order. RegionError UNKNOWN_PRACTICE for an unknown ODS
   * code, INVALID_REQUEST for anything that is not an array of the area parameters' names.
   */
  setDisabledAreas(ods: string, areas: readonly ClinicalAreaParameter[]): ClinicalAreaParameter[];
  /** The clinical areas switched off at a practice, in CLINICAL_AREA_PARAMETERS order (UNKNOWN_PRACTICE). */
  disabledAreas(ods: string): ClinicalAreaParameter[];
  /**
   * Names the consumer organisations (ODS codes) a practice has no data-sharing agreement with, replacing
   * the practice's previous setting; an empty list gives every organisation an agreement again (the
   * default). From the next request, a record request whose JWT requesting_organization is one of them is
   * answered 403 NO_ORGANISATION_CONSENT (GP Connect's answer when a provider's local consent rules
   * refuse), before the practice looks at the patient. Behind a gateway, that organisation is the gateway's own consumer. Answers the
   * organisations now without an agreement, sorted. RegionError UNKNOWN_PRACTICE for an unknown ODS code,
   * INVALID_REQUEST for anything that is not an array of ODS codes (3 to 10 capital letters and digits).
   */
  setOrganisationsWithoutAgreement(ods: string, consumerOdsCodes: readonly string[]): string[];
  /** The consumer organisations a practice has no data-sharing agreement with, sorted (UNKNOWN_PRACTICE). */
  organisationsWithoutAgreement(ods: string): string[];
  /** A valid 999-range NHS number that no patient of the region has (for "unknown patient" scenarios). */
  unknownNhsNumber(): string;
  close(): Promise<void>;
}
