/**
 * What a consumer asks of $gpc.getstructuredrecord, once its Parameters are checked: the patient, each
 * clinical area asked for with its options, and the parameters the provider did not recognise.
 */

/** A search period of whole dates; either end may be open. */
export interface SearchPeriod {
  readonly start?: string;
  readonly end?: string;
}

export interface ProblemFilter {
  readonly status?: "active" | "inactive";
  readonly significance?: "major" | "minor";
}

export interface StructuredRecordQuery {
  readonly nhsNumber: string;
  /** Present when includeAllergies was sent. */
  readonly allergies?: { readonly includeResolved: boolean };
  /** Present when includeMedication was sent. */
  readonly medication?: { readonly includeIssues: boolean; readonly fromDate?: string };
  readonly consultations?: { readonly period?: SearchPeriod; readonly mostRecent?: number };
  /** One filter per includeProblems parameter (0..*): a problem is returned when any filter matches. */
  readonly problems?: readonly ProblemFilter[];
  readonly immunisations?: { readonly includeNotGiven: boolean; readonly includeStatus: boolean };
  readonly uncategorised?: { readonly period?: SearchPeriod };
  readonly investigations?: { readonly period?: SearchPeriod };
  readonly referrals?: { readonly period?: SearchPeriod };
  readonly diaryEntries?: { readonly searchDate?: string };
}

/**
 * A parameter or part parameter the provider did not process, named as GP Connect names it in the warning:
 * "includeFoo", or "includeMedication.someNewPart".
 */
export type UnrecognisedParameter = string;
