/**
 * The record of one patient while it is generated: its lists, its dates as day numbers, and the entries'
 * ids and legacy codes, shared by the generators of every clinical area.
 */
import { ageOn, dayNumberOf, fromDayNumber, toDayNumber } from "./calendar.js";
import { practiceTown } from "./practices.js";
import type { Random } from "./random.js";
import type {
  Coding,
  Consultation,
  DiaryEntry,
  Immunisation,
  ImmunisationStatus,
  Investigation,
  Medication,
  Practice,
  Problem,
  Referral,
  UncategorisedEntry,
} from "./types.js";

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Entry ids ("C1", "U3") for the first entries of each kind, made once: a record has a dozen entries, and
 * building each id string per patient showed in the garbage collector's share.
 */
const ENTRY_IDS_CACHED = 64;
const entryIdTables = new Map<string, readonly string[]>();

export function entryId(prefix: string, ordinal: number): string {
  let table = entryIdTables.get(prefix);
  if (table === undefined) {
    table = Array.from({ length: ENTRY_IDS_CACHED }, (_, i) => `${prefix}${i + 1}`);
    entryIdTables.set(prefix, table);
  }
  return ordinal <= ENTRY_IDS_CACHED ? (table[ordinal - 1] as string) : `${prefix}${ordinal}`;
}

/**
 * The code a practice carries beside SNOMED CT: EMIS's Read v2 code, or its own Egton code for a concept Read
 * v2 never had; SystmOne's CTV3 code (its own "Y" codes included).
 */
export function legacyCodeOf(
  term: { readonly readV2?: Coding; readonly egton?: Coding; readonly ctv3?: Coding },
  practice: Practice,
): Coding | undefined {
  return practice.system === "emis" ? (term.readV2 ?? term.egton) : term.ctv3;
}

/** Everything the record builders share for one patient. */
export class RecordBuilder {
  readonly problems: Problem[] = [];
  readonly medications: Medication[] = [];
  readonly immunisations: Immunisation[] = [];
  readonly consultations: Consultation[] = [];
  readonly uncategorised: UncategorisedEntry[] = [];
  readonly investigations: Investigation[] = [];
  readonly referrals: Referral[] = [];
  readonly diaryEntries: DiaryEntry[] = [];
  readonly immunisationStatuses: ImmunisationStatus[] = [];

  /** Dates as day numbers too: the hot paths compare and offset them without parsing strings. */
  readonly bornDay: number;
  readonly endDay: number;
  readonly endYear: number;
  readonly age: number;
  /** The town the practice is in, for hospital and laboratory names. */
  readonly town: string;
  private readonly bornYear: number;
  private readonly bornMonth: number;
  private readonly bornDate: number;

  constructor(
    readonly random: Random,
    readonly practice: Practice,
    readonly born: string,
    readonly gender: "male" | "female",
    /** The last day anything can be recorded: the reference date, or the date of death. */
    readonly end: string,
    readonly large: boolean,
    /**
     * A stream of its own for the details of prescribing (authorisations, courses, reasons), so that drawing
     * them leaves the draws of every other area as they were.
     */
    readonly prescribing: Random = random,
  ) {
    this.bornDay = toDayNumber(born);
    this.endDay = toDayNumber(end);
    this.endYear = Number(end.slice(0, 4));
    this.age = ageOn(born, end);
    this.town = practiceTown(practice).name;
    this.bornYear = Number(born.slice(0, 4));
    this.bornMonth = Number(born.slice(5, 7));
    this.bornDate = Number(born.slice(8, 10));
  }

  /** The day number of the birthday `years` after birth (29 February falls back to 28 February), as addYears. */
  birthdayDay(years: number): number {
    const year = this.bornYear + years;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return dayNumberOf(
      year,
      this.bornMonth,
      this.bornMonth === 2 && this.bornDate === 29 && !leap ? 28 : this.bornDate,
    );
  }

  /** The first day on which the patient is `years` old (ageOn(born, day) >= years from then on). */
  ageReachedDay(years: number): number {
    return dayNumberOf(this.bornYear + years, this.bornMonth, this.bornDate);
  }

  /** Whether a day falls within the record: from birth to its end. */
  inRecord(day: number): boolean {
    return day >= this.bornDay && day <= this.endDay;
  }

  /** An entry's author: one of the practice's GPs. */
  clinician(): string {
    return this.random.pick(this.practice.clinicians).id;
  }

  /** A date no earlier than birth and no later than the record's end. */
  within(from: string, to: string): string {
    return fromDayNumber(this.withinDays(toDayNumber(from), toDayNumber(to)));
  }

  /** `within` by day numbers. */
  withinDays(from: number, to: number): number {
    const first = Math.max(from, this.bornDay);
    const last = Math.min(to, this.endDay);
    // A range starting after the record's end (a follow-up due after the reference date) ends with it.
    return last <= first ? Math.min(first, this.endDay) : this.random.int(first, last);
  }
}
