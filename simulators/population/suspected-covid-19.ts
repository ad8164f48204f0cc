/** Suspected COVID-19: assessed by telephone from the first lockdown on, and recorded as a coded entry. */
import { fromDayNumber, toDayNumber } from "./calendar.js";
import { addConsultation } from "./consultations.js";
import { legacyCodeOf, type RecordBuilder } from "./record-builder.js";
import { SUSPECTED_COVID_19 } from "./record-terms.js";
import { addMeasurement } from "./uncategorised.js";

/** When practices recorded suspected COVID-19 from a telephone assessment: from the first lockdown to 2021's end. */
const COVID_SUSPECTED_FROM = toDayNumber("2020-03-16");
const COVID_SUSPECTED_TO = toDayNumber("2021-12-31");
/** Share of patients whose record holds a suspected COVID-19 in those months: the simulator's own figure. */
const COVID_SUSPECTED_SHARE = 0.03;

/**
 * Suspected COVID-19, assessed by telephone and recorded as a coded entry of its own. Drawn after the rest of
 * the record, so that its other draws stay as they were.
 */
export function suspectedCovid19(b: RecordBuilder): void {
  if (!b.random.chance(COVID_SUSPECTED_SHARE)) return;
  const day = b.random.int(COVID_SUSPECTED_FROM, COVID_SUSPECTED_TO);
  if (!b.inRecord(day)) return;
  const date = fromDayNumber(day);
  const consultation = addConsultation(
    b,
    date,
    "Fever and a new continuous cough for two days. Advised to self-isolate and book a test.",
    undefined,
    undefined,
    "Telephone",
  );
  addMeasurement(
    b,
    SUSPECTED_COVID_19.code,
    date,
    undefined,
    { consultation: consultation.id, recordedBy: consultation.clinician },
    undefined,
    legacyCodeOf(SUSPECTED_COVID_19, b.practice),
  );
}
