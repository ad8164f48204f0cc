/** The allergy record: most hold nothing or "no known allergies"; about one in eight an allergy or two. */
import { addYears, minDate } from "./calendar.js";
import { ALLERGIES_RECORDED_ON } from "./clinical-terms.js";
import { addConsultation } from "./consultations.js";
import { uniformDate } from "./distributions.js";
import { legacyCodeOf, type Mutable, type RecordBuilder } from "./record-builder.js";
import { type Allergy, type AllergyRecord, hasTrait, type Trait } from "./types.js";

const ALLERGY_RECORD_KINDS = [
  ["recorded", 12],
  ["no-known-allergies", 48],
  ["nothing-recorded", 40],
] as const;
const ALLERGY_SEVERITIES = [
  ["mild", 5],
  ["moderate", 4],
  ["severe", 1],
] as const;

/**
 * The allergy record, from `registeredSince` on; traits `no-known-allergies` and `no-allergies-recorded`
 * replace it after it is drawn, so the draws for the rest of the record stay as they were.
 */
export function allergyRecord(
  b: RecordBuilder,
  registeredSince: string,
  traits: readonly Trait[],
): AllergyRecord {
  const kind = b.random.weighted(ALLERGY_RECORD_KINDS);
  let record = allergyRecordOfKind(b, registeredSince, kind);
  if (hasTrait(traits, "no-known-allergies"))
    record = allergyRecordOfKind(b, registeredSince, "no-known-allergies");
  if (hasTrait(traits, "no-allergies-recorded")) record = { kind: "nothing-recorded" };
  return record;
}

function allergyRecordOfKind(
  b: RecordBuilder,
  registeredSince: string,
  kind: AllergyRecord["kind"],
): AllergyRecord {
  const { random, practice, born, end } = b;
  if (kind === "nothing-recorded") return { kind };
  if (kind === "no-known-allergies") {
    return {
      kind,
      recorded: uniformDate(random, registeredSince, end),
      recordedBy: random.pick(practice.clinicians).id,
    };
  }
  const terms = random.sample(ALLERGIES_RECORDED_ON[practice.system], random.int(1, 2));
  const allergies: Allergy[] = terms.map((term, i) => {
    const allergy = { id: `A${i + 1}`, code: term.code } as Mutable<Allergy>;
    const legacyCode = legacyCodeOf(term, practice);
    if (legacyCode !== undefined) allergy.legacyCode = legacyCode;
    allergy.category = term.category;
    if (term.substance !== undefined) allergy.substance = term.substance;
    allergy.reaction = random.pick(term.reactions);
    allergy.severity = random.weighted(ALLERGY_SEVERITIES);
    allergy.recorded = uniformDate(random, minDate(addYears(born, 1), end), end);
    allergy.recordedBy = random.pick(practice.clinicians).id;
    return allergy;
  });
  return { kind, allergies };
}

/**
 * Share of allergies recorded in a consultation (the patient reporting the reaction), the rest filed from a
 * letter or at registration: the simulator's own figure. EMIS's records show both.
 */
const ALLERGY_RECORDED_IN_CONSULTATION = 0.6;

/**
 * The consultations some allergies were recorded in, on the day they were recorded and by who recorded them.
 * Drawn after the rest of the record, so that its other draws stay as they were.
 */
export function allergyConsultations(b: RecordBuilder, record: AllergyRecord): void {
  if (record.kind !== "recorded") return;
  for (const allergy of record.allergies as Mutable<Allergy>[]) {
    if (!b.random.chance(ALLERGY_RECORDED_IN_CONSULTATION)) continue;
    const consultation = addConsultation(
      b,
      allergy.recorded,
      `${allergy.reaction.display}. Recorded: ${allergy.code.display.toLowerCase()}.`,
      undefined,
      undefined,
      undefined,
      allergy.recordedBy,
    );
    allergy.consultation = consultation.id;
  }
}
