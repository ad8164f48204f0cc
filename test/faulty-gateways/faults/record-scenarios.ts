/**
 * The scenarios that expect a record (`expect.record`): a fault that spoils every record's shape fails each of
 * them. A scenario added that returns a record joins this list.
 */
export const RECORD_SCENARIOS = [
  "CORE-03",
  "CORE-04",
  "CORE-05",
  "CORE-06",
  "CORE-07",
  "CORE-08",
  "CONSENT-01",
  "CONSENT-04",
  "CONSENT-06",
  "CONSENT-11",
  "SAFETY-01",
  "SECURITY-01",
] as const;
