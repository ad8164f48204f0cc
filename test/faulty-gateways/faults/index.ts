/**
 * Every faulty gateway, by name: one file per pack whose scenarios they mostly concern. A name used twice is
 * an error here rather than one fault silently replacing another.
 */
import type { Fault } from "../faulty-gateway.js";
import { CLINICAL_SAFETY_FAULTS } from "./clinical-safety.js";
import { CONSENT_FAULTS } from "./consent.js";
import { CORE_FAULTS } from "./core.js";
import { PERFORMANCE_FAULTS } from "./performance.js";
import { RESILIENCE_FAULTS } from "./resilience.js";
import { SECURITY_FAULTS } from "./security.js";

const GROUPS: ReadonlyArray<Readonly<Record<string, Fault>>> = [
  CORE_FAULTS,
  CONSENT_FAULTS,
  CLINICAL_SAFETY_FAULTS,
  RESILIENCE_FAULTS,
  SECURITY_FAULTS,
  PERFORMANCE_FAULTS,
];

export const FAULTS: Readonly<Record<string, Fault>> = (() => {
  const all: Record<string, Fault> = {};
  for (const group of GROUPS) {
    for (const [name, fault] of Object.entries(group)) {
      if (name in all) throw new Error(`two faulty gateways are named ${name}`);
      all[name] = fault;
    }
  }
  return all;
})();
