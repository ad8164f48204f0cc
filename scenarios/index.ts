/** The scenario catalogue, in report order. One file per scenario, grouped by pack. */
import type { Scenario } from "../harness/scenario.js";
import SAFETY_01 from "./clinical-safety/SAFETY-01-outpatient-medication.js";
import CONSENT_01 from "./consent/CONSENT-01-granted.js";
import CONSENT_02 from "./consent/CONSENT-02-refused.js";
import CONSENT_03 from "./consent/CONSENT-03-practice-dissent.js";
import CONSENT_04 from "./consent/CONSENT-04-emergency.js";
import CONSENT_05 from "./consent/CONSENT-05-emergency-without-reason.js";
import CORE_01 from "./core/CORE-01-unknown-patient.js";
import CORE_02 from "./core/CORE-02-invalid-nhs-number.js";
import RESILIENCE_01 from "./resilience/RESILIENCE-01-practice-offline.js";
import SECURITY_01 from "./security/SECURITY-01-clinician-identity.js";

export const catalogue: readonly Scenario[] = [
  CORE_01,
  CORE_02,
  CONSENT_01,
  CONSENT_02,
  CONSENT_03,
  CONSENT_04,
  CONSENT_05,
  SAFETY_01,
  RESILIENCE_01,
  SECURITY_01,
];
