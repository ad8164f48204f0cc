import { SPEC, scenario } from "../../harness/scenario.js";

/** How slow the patient's practice is: within any gateway's budget, far beyond an ordinary answer. */
const SLOW_PRACTICE_MS = 4_000;
/** The other patient's answer must come well before the slow practice's (wide, for a busy machine). */
const QUICK_MS = 2_000;

export default scenario({
  id: "RESILIENCE-12",
  title: "One slow practice does not hold up another practice's patient",
  pack: "resilience",
  level: "MUST",
  hazard:
    "A single struggling practice makes every clinician using the gateway wait, whoever their patient is registered with.",
  specification: [SPEC.nonFunctional],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "slow", delayMs: SLOW_PRACTICE_MS } },
    otherPatients: [{ system: "tpp" }],
  },
  async run({ patient, otherPatients, gateway, world, expect }) {
    const other = otherPatients[0]!;
    const slow = gateway.getRecord(patient, { consent: "granted" });
    // While the slow practice is still answering, another clinician asks about a patient elsewhere.
    await world.wait(1_000);
    const quick = await gateway.getRecord(other, { consent: "granted" });
    expect.answeredWithin(quick, QUICK_MS);
    expect.record(quick, other);
    expect.record(await slow, patient);
  },
});
