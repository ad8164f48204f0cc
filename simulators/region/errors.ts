import { PopulationError, type PopulationErrorKind } from "../population/population-errors.js";

/**
 * The region's error catalogue: what can go wrong when a region is started or driven (in process or over
 * `/_control`), each with the HTTP status the control server answers it with.
 */

export const REGION_ERRORS = {
  /** An option given to startRegion is out of range (seed, ports, counts). */
  INVALID_OPTIONS: { status: 400 },
  /** A field of a control request is missing or has the wrong form. */
  INVALID_REQUEST: { status: 400 },
  /** A fault given to setFault (or PUT /_control/faults/{target}) is malformed; the message names the field. */
  INVALID_FAULT: { status: 400 },
  /** No practice has this ODS code. */
  UNKNOWN_PRACTICE: { status: 404 },
  /** No patient added at run time has this NHS number. */
  UNKNOWN_PATIENT: { status: 404 },
  /** The practice or patient is part of the region as it started (its seeded population), which stays whole. */
  NOT_REMOVABLE: { status: 409 },
  /** The 999 range has no NHS number left for what was asked (the message says what would fit). */
  REGION_FULL: { status: 409 },
  /** A fault named something that is neither "pds", "sds" nor a practice's ODS code. */
  UNKNOWN_FAULT_TARGET: { status: 404 },
  /** A consumer's ASID is already registered for another organisation. */
  CONSUMER_CONFLICT: { status: 409 },
  /** A port the region needs is taken by another process. */
  PORT_IN_USE: { status: 409 },
  /** Listening failed for another reason (privileges, bad host). */
  LISTEN_FAILED: { status: 500 },
  /** The region is closed and can do nothing more. */
  REGION_CLOSED: { status: 409 },
} as const satisfies Record<string, { status: number }>;

export type RegionErrorCode = keyof typeof REGION_ERRORS;

export class RegionError extends Error {
  override readonly name = "RegionError";

  constructor(
    readonly code: RegionErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return REGION_ERRORS[this.code].status;
  }
}

const POPULATION_ERROR_CODES: Readonly<Record<PopulationErrorKind, RegionErrorCode>> = {
  full: "REGION_FULL",
  "unknown-practice": "UNKNOWN_PRACTICE",
  "unknown-patient": "UNKNOWN_PATIENT",
  "not-removable": "NOT_REMOVABLE",
};

/** The population's refusal as the region's: its own code for each kind, INVALID_REQUEST for any other. */
export function asRegionError(error: unknown): unknown {
  if (error instanceof PopulationError)
    return new RegionError(POPULATION_ERROR_CODES[error.kind], error.message);
  if (error instanceof RangeError) return new RegionError("INVALID_REQUEST", error.message);
  return error;
}
