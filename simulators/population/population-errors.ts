/**
 * Why a population refused to change, as a kind its users (the region) can tell apart: a RangeError, as every
 * other refusal of the population, with the kind beside the message.
 */
export type PopulationErrorKind =
  /** The 999 range (or the practices' ODS codes) has no room for what was asked. */
  | "full"
  /** No practice has this ODS code. */
  | "unknown-practice"
  /** No patient has this NHS number. */
  | "unknown-patient"
  /** The practice or patient belongs to the population as it was created, which stays whole. */
  | "not-removable";

export class PopulationError extends RangeError {
  override readonly name = "PopulationError";

  constructor(
    readonly kind: PopulationErrorKind,
    message: string,
  ) {
    super(message);
  }
}
