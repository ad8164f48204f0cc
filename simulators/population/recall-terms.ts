/**
 * Curated terms for diary entries (recalls) and for vaccinations recorded as not given.
 *
 * Where each code was checked (public sources, read while writing this table):
 * - 314529007 "Medication review due": GP Connect 1.6.2 diary entry guidance (medication reviews MUST carry it
 *   or a child) and its diary entries example (nhsconnect/gpconnect, feature/1.6.2);
 * - 394700004 "Asthma annual review": OpenSAFELY codelist opensafely/asthma-annual-review-qof;
 * - 310425007 "Diabetes monitoring invitation": NHS Digital primary care domain refset DMINVITE_COD (as
 *   published on OpenCodelists, nhsd-primary-care-domain-refsets-dminvite_cod);
 * - the influenza vaccination recall as EMIS Web records it (the assurance records' diary entries, all three
 *   patients): the procedure 86198006 "Administration of influenza vaccine" itself, picked by its synonym
 *   "Influenza vaccination";
 * - 171149006 "Screening for malignant neoplasm of cervix": several public FHIR value sets and measures
 *   (cervical screening service type and procedure);
 * - 75367002 "Blood pressure" and 35650009 "Thyroid panel": reused from record-terms.ts, which says where
 *   each was confirmed (the thyroid panel still against public code only, no code list);
 * - 315640000 "Influenza vaccination declined": the VSAC value set "Influenza Vaccination Declined"
 *   (2.16.840.1.113883.3.526.3.1255);
 * - 1324741000000101 "Severe acute respiratory syndrome coronavirus 2 vaccination first dose declined":
 *   OpenSAFELY codelist opensafely/covid-19-vaccination-first-dose-declined;
 * - 310376006 "Immunization consent not given": HL7 UK value set CareConnect-ReasonImmunizationNotAdministered-1
 *   (the binding of Immunization.explanation.reasonNotGiven in the Care Connect profile).
 * - 268559007 "No consent for any immunization": GP Connect 1.6.2 immunisations example 3 (the consent and
 *   dissent entries `includeStatus` returns).
 * No SNOMED CT id for "Seasonal influenza vaccination contraindicated / not indicated" could be confirmed, so
 * those situations are not generated.
 */
import { SNOMED_SYSTEM } from "./clinical-terms.js";
import { MEASUREMENTS, TESTS, VACCINES } from "./record-terms.js";
import type { Coding } from "./types.js";

const snomed = (code: string, display: string): Coding => ({ system: SNOMED_SYSTEM, code, display });

export const RECALLS = {
  medicationReview: snomed("314529007", "Medication review due"),
  asthmaReview: snomed("394700004", "Asthma annual review"),
  diabetesMonitoring: snomed("310425007", "Diabetes monitoring invitation"),
  influenzaVaccination: VACCINES.influenza.procedure,
  cervicalScreening: snomed("171149006", "Screening for malignant neoplasm of cervix"),
  bloodPressure: MEASUREMENTS.bloodPressure,
  thyroidFunction: TESTS.thyroid.code,
} as const;

/** The words a clinician picks for the influenza vaccination recall (a synonym of the procedure's concept). */
export const INFLUENZA_VACCINATION_TERM = "Influenza vaccination";

/** A vaccination offered and declined: the situation code, and which given vaccination it stands for. */
export interface DeclinedVaccinationTerm {
  readonly situation: Coding;
  /** The procedure code of the vaccination when given (to tell whether it was given instead). */
  readonly givenProcedure: Coding;
}

export const DECLINED_VACCINATIONS = {
  influenza: {
    situation: snomed("315640000", "Influenza vaccination declined"),
    givenProcedure: VACCINES.influenza.procedure,
  },
  covidFirstDose: {
    situation: snomed(
      "1324741000000101",
      "Severe acute respiratory syndrome coronavirus 2 vaccination first dose declined",
    ),
    givenProcedure: VACCINES.covidFirst.procedure,
  },
} as const satisfies Record<string, DeclinedVaccinationTerm>;

/** The reason not given for a declined vaccination (Care Connect's ReasonImmunizationNotAdministered). */
export const CONSENT_NOT_GIVEN: Coding = snomed("310376006", "Immunization consent not given");

/** Dissent from every immunisation, as GP Connect's immunisation status entries carry it. */
export const NO_CONSENT_FOR_IMMUNISATION: Coding = snomed("268559007", "No consent for any immunization");
