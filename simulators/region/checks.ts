/**
 * What the region checks before it acts on what a caller gives it — its start-up options and the values of
 * control calls — each failure a RegionError naming the field. The in-process API and `/_control` share
 * these, so a value refused over HTTP is refused in-process too.
 */
import {
  CLINICAL_AREA_PARAMETERS,
  type ClinicalAreaParameter,
  isClinicalAreaParameter,
} from "../../gpconnect/parameters.js";
import { Journal } from "../journal/journal.js";
import { createPopulation } from "../population/population.js";
import type { ClinicalSystem, Population, Trait } from "../population/types.js";
import { TRAITS } from "../population/types.js";
import type { DirectoryConsumer } from "../spine/consumers.js";
import { RegionError } from "./errors.js";
import type { ConsumerCreation, PracticeCreation, RegionOptions } from "./types.js";

export const MAX_PORT = 65_535;
/** Listeners after the base port: control P, PDS P+1, SDS P+2, then practices from P+3. */
export const FIRST_PRACTICE_OFFSET = 3;
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const ASID = /^\d{12}$/;

export function checkedBasePort(port: number | undefined): number {
  const base = port ?? 0;
  if (!Number.isInteger(base) || base < 0 || base > MAX_PORT - FIRST_PRACTICE_OFFSET) {
    throw new RegionError(
      "INVALID_OPTIONS",
      `port must be 0 (ephemeral) or a base port from 1 to ${MAX_PORT - FIRST_PRACTICE_OFFSET}, got ${port}`,
    );
  }
  return base;
}

/**
 * The host the region listens on. Anything but loopback exposes the control API (faults, the journal, every
 * patient) to other machines, so it needs a control token.
 */
export function checkedHost(host: string, controlToken: string | undefined): string {
  const loopback = host === "localhost" || host === "::1" || host.startsWith("127.");
  if (!loopback && controlToken === undefined) {
    throw new RegionError(
      "INVALID_OPTIONS",
      `host ${host} is not loopback: a region reachable from other machines needs a control token (controlToken; --control-token), or its control API would be open to them`,
    );
  }
  return host;
}

export function createCheckedPopulation(options: RegionOptions): Population {
  try {
    return createPopulation({
      seed: options.seed ?? 1,
      ...(options.referenceDate === undefined ? {} : { referenceDate: options.referenceDate }),
      ...(options.practices === undefined ? {} : { practices: options.practices }),
      ...(options.patientsPerPractice === undefined
        ? {}
        : { patientsPerPractice: options.patientsPerPractice }),
      ...(options.emisShare === undefined ? {} : { emisShare: options.emisShare }),
    });
  } catch (error) {
    throw new RegionError("INVALID_OPTIONS", error instanceof Error ? error.message : String(error));
  }
}

export function createJournal(capacity: number | undefined): Journal {
  try {
    return new Journal(capacity);
  } catch (error) {
    throw new RegionError("INVALID_OPTIONS", error instanceof Error ? error.message : String(error));
  }
}

export function checkedSystem(system: unknown): ClinicalSystem {
  if (system !== "emis" && system !== "tpp") {
    throw new RegionError("INVALID_REQUEST", `system must be "emis" or "tpp", got ${JSON.stringify(system)}`);
  }
  return system;
}

export function checkedPracticeCreation(creation: PracticeCreation): PracticeCreation {
  const checked: PracticeCreation = {};
  for (const name of ["sharingEnabled", "endpointInSds"] as const) {
    const value = creation[name];
    if (value !== undefined && typeof value !== "boolean") {
      throw new RegionError("INVALID_REQUEST", `${name} must be true or false, got ${JSON.stringify(value)}`);
    }
    if (value !== undefined) checked[name] = value;
  }
  return checked;
}

export function checkedTraits(traits: readonly Trait[]): readonly Trait[] {
  for (const trait of traits) {
    if (!(TRAITS as readonly string[]).includes(trait)) {
      throw new RegionError(
        "INVALID_REQUEST",
        `unknown trait ${JSON.stringify(trait)}; known traits: ${TRAITS.join(", ")}`,
      );
    }
  }
  return traits;
}

export function checkedAreas(areas: unknown): ClinicalAreaParameter[] {
  if (!Array.isArray(areas)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"areas" must be an array of clinical area parameters, got ${JSON.stringify(areas) ?? "nothing"}`,
    );
  }
  for (const area of areas) {
    if (!isClinicalAreaParameter(area)) {
      throw new RegionError(
        "INVALID_REQUEST",
        `"areas" holds an unknown clinical area ${JSON.stringify(area) ?? "undefined"}; the areas are: ${CLINICAL_AREA_PARAMETERS.join(", ")}`,
      );
    }
  }
  return areas;
}

export function checkedOdsCodes(codes: unknown): string[] {
  if (!Array.isArray(codes)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"withoutAgreement" must be an array of ODS codes, got ${JSON.stringify(codes) ?? "nothing"}`,
    );
  }
  for (const code of codes) {
    if (typeof code !== "string" || !ODS_CODE.test(code)) {
      throw new RegionError(
        "INVALID_REQUEST",
        `"withoutAgreement" holds ${JSON.stringify(code) ?? "undefined"}, which is not an ODS code (3 to 10 capital letters and digits)`,
      );
    }
  }
  return codes;
}

export function checkedConsumer(creation: ConsumerCreation): DirectoryConsumer {
  const { ods, asid, name } = (creation ?? {}) as Partial<ConsumerCreation>;
  if (typeof ods !== "string" || !ODS_CODE.test(ods)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"ods" must be an ODS code (3 to 10 capital letters and digits), got ${JSON.stringify(ods) ?? "nothing"}`,
    );
  }
  if (typeof asid !== "string" || !ASID.test(asid)) {
    throw new RegionError(
      "INVALID_REQUEST",
      `"asid" must be an ASID of 12 digits, got ${JSON.stringify(asid) ?? "nothing"}`,
    );
  }
  if (name !== undefined && (typeof name !== "string" || name.length > 200)) {
    throw new RegionError("INVALID_REQUEST", `"name" must be a string of at most 200 characters`);
  }
  return { ods, asid, name: name ?? `consumer ${ods}` };
}
