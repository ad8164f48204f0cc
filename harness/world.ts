/**
 * A scenario's world: a practice and a patient of its own, made through the region's control API, so
 * scenarios run in parallel without interfering and a gateway's cache cannot hide a fault.
 */
import type { ClinicalSystem, ControlClient, Trait } from "../simulators/index.js";

export interface WorldSpec {
  /** The patient the scenario is about: registered at a practice of its own, created for this scenario. */
  readonly patient: { readonly system: ClinicalSystem; readonly traits?: readonly Trait[] };
}

export interface WorldPractice {
  readonly ods: string;
  readonly name: string;
  readonly system: ClinicalSystem;
  readonly asid: string;
  readonly endpoint: string;
}

export interface WorldPatient {
  readonly nhsNumber: string;
  readonly name: string;
  readonly system: ClinicalSystem;
  readonly traits: readonly Trait[];
  readonly practice: WorldPractice;
}

export interface WorldControl {
  /** The practice stops accepting connections (connection refused) until the scenario ends. */
  takeOffline(practice: WorldPractice): Promise<void>;
  /** A valid 999-range NHS number that no patient in the region has. */
  unknownNhsNumber(): Promise<string>;
  /** The patient's NHS number with a wrong check digit: no system may accept it. */
  invalidNhsNumber(patient: WorldPatient): string;
}

export interface World {
  readonly patient: WorldPatient;
  readonly practice: WorldPractice;
  readonly control: WorldControl;
  /** Every NHS number the scenario used: the patient's, and any unknown or invalid ones it asked about. */
  nhsNumbers(): string[];
  /** What the world is, for the report's evidence. */
  describe(): Record<string, unknown>;
  /** Undoes what the scenario changed (faults), whatever happened. */
  tearDown(): Promise<void>;
}

export async function buildWorld(control: ControlClient, spec: WorldSpec): Promise<World> {
  const practice = await control.addPractice(spec.patient.system);
  const created = await control.addPatient(practice.ods, [...(spec.patient.traits ?? [])]);
  const patient: WorldPatient = {
    nhsNumber: created.nhsNumber,
    name: created.name,
    system: practice.system,
    traits: created.traits,
    practice,
  };
  const faulted = new Set<string>();
  const unknownNumbers: string[] = [];
  const invalidNumbers: string[] = [];
  const worldControl: WorldControl = {
    async takeOffline(target) {
      faulted.add(target.ods);
      await control.setFault(target.ods, { kind: "offline" });
    },
    async unknownNhsNumber() {
      const nhsNumber = await control.unknownNhsNumber();
      unknownNumbers.push(nhsNumber);
      return nhsNumber;
    },
    invalidNhsNumber(target) {
      const check = Number(target.nhsNumber.slice(9));
      const invalid = `${target.nhsNumber.slice(0, 9)}${(check + 1) % 10}`;
      invalidNumbers.push(invalid);
      return invalid;
    },
  };
  return {
    patient,
    practice,
    control: worldControl,
    describe: () => ({
      practice,
      patient: { nhsNumber: patient.nhsNumber, name: patient.name, traits: patient.traits },
      faults: [...faulted].map((ods) => ({ target: ods, kind: "offline" })),
      ...(unknownNumbers.length > 0 ? { unknownNhsNumbers: unknownNumbers } : {}),
      ...(invalidNumbers.length > 0 ? { invalidNhsNumbers: invalidNumbers } : {}),
    }),
    nhsNumbers: () => [patient.nhsNumber, ...unknownNumbers, ...invalidNumbers],
    async tearDown() {
      for (const ods of faulted) await control.setFault(ods, null);
    },
  };
}
