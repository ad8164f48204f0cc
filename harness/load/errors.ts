/** The load engine's errors: a profile or threshold that cannot be used, named in one line. */

/** A load profile field that cannot be used (a rate, a duration, a pool size): the message names it. */
export class LoadProfileError extends Error {
  override readonly name = "LoadProfileError";
}

/** A threshold that does not parse, in k6's syntax (`p(95)<800`, `rate<0.01`): the message quotes it. */
export class ThresholdError extends Error {
  override readonly name = "ThresholdError";
}
