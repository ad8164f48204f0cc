import { SPEC, scenario } from "../../harness/scenario.js";

/** Two requests, and one retry of the one that met the dropped connection. */
const MOST_RECORD_REQUESTS = 3;

export default scenario({
  id: "RESILIENCE-11",
  title: "Practice dropping every other connection: a retry gets the record, without hammering the practice",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A passing network fault denies a clinician a record one retry would have got, or a storm of retries pushes a struggling practice over.",
  specification: [SPEC.nonFunctional, SPEC.errorHandling],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "flapping", every: 2, fault: { kind: "reset" } } },
  },
  async run({ patient, gateway, expect }) {
    const first = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(first, patient);
    // The practice's second request meets the dropped connection.
    const second = await gateway.getRecord(patient, { consent: "granted" });
    expect.record(second, patient);
    await expect.recordRequestsAtMost(patient.practice, MOST_RECORD_REQUESTS);
  },
});
