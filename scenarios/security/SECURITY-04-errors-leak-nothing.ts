import { SPEC, scenario } from "../../harness/scenario.js";

/** Long enough for any sane retry, short enough that a clinician is still waiting. */
const BUDGET_MS = 10_000;

/** What a failing practice system might say about itself: none of it is the consumer's to see. */
const PRACTICE_INSIDES =
  "NullReferenceException: Object reference not set to an instance of an object.\n" +
  "   at Practice.Records.StructuredRecordBuilder.Build() in C:\\build\\src\\Records\\StructuredRecordBuilder.cs:line 212\n" +
  "   while reading from records-db at 127.0.0.1:5432";

export default scenario({
  id: "SECURITY-04",
  title: "A practice's failure is reported without its insides",
  pack: "security",
  level: "MUST",
  hazard:
    "An error answer hands whoever asked a map of the systems behind the gateway: stack traces, file paths and internal addresses.",
  specification: [SPEC.errorHandling, SPEC.securityGuidance],
  world: {
    patient: { system: "emis" },
    practice: { fault: { kind: "error", status: 500, diagnostics: PRACTICE_INSIDES } },
  },
  async run({ patient, gateway, expect }) {
    const answer = await gateway.getRecord(patient, { consent: "granted" });
    expect.unavailable(answer, BUDGET_MS);
  },
});
