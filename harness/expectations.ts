/**
 * Named expectations, as Inferno's assertions: each records a check with what was seen. Scenario files call
 * these and never look at HTTP plumbing themselves. What the gateway answered and what it sent south are read
 * with the harness's own code (./oracle), never the simulators'.
 *
 * Every check runs and is reported: a failed check is recorded and the scenario carries on, so one run shows
 * everything that is wrong; the scenario fails when any check failed. The exception is a **precondition**: a
 * check whose failure makes the checks after it meaningless, because they need what it established. A failed
 * precondition stops the scenario. The rule: a check is a precondition exactly when the expectation goes on
 * to read, or hands back to the scenario, something that only exists when the check passed —
 * - `record`: "HTTP status 200" and "a FHIR Bundle" (the Bundle is read and returned);
 * - `medicationListed`: the medication is found (its statement is returned);
 * - `recordRequestedFrom`: the practice was asked (the request is returned).
 * Everything else is soft, `error`'s and `refused`'s status included: the error code and what the answer
 * leaks are worth reporting whatever the status was.
 *
 * Checks made on every record (`record`): valid FHIR STU3 (the official schema, one failed check per
 * violation) and the GP Connect structured-record rules. Checks made on every error answer (`error`,
 * `refused`, `unavailable`): it leaks no stack trace, file path, internal address or patient detail
 * (`leaksNothing`). Checks that something did not happen south first wait until the world is settled.
 */
import { AuditExpectations } from "./expect/audit.js";

export { ExpectationFailure, type ExpectOptions, ScenarioSkipped } from "./expect/checks.js";
export type { RecordExpectation } from "./expect/records.js";

/** Every expectation a scenario may use (`expect.record(...)`), each layer in a file of ./expect/. */
export class Expect extends AuditExpectations {}
