/**
 * A scenario's world: a practice and a patient of its own, made through the region's control API, so
 * scenarios run in parallel without interfering and a gateway's cache cannot hide a fault. Undone when the
 * scenario ends: the practice is removed with its patient, so a region that serves run after run holds
 * only the worlds of the scenarios under way.
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
  /** Removes what the world made (its practice, with the patient and the practice's fault), whatever happened. */
  tearDown(): Promise<void>;
}

export async function buildWorld(control: ControlClient, spec: WorldSpec): Promise<World> {
  const practice = await control.addPractice(spec.patient.system);
  let created: Awaited<ReturnType<ControlClient["addPatient"]>>;
  try {
    created = await control.addPatient(practice.ods, [...(spec.patient.traits ?? [])]);
  } catch (error) {
    // Half a world is no world: the practice goes too, and the failure is the one reported.
    await control.removePractice(practice.ods).catch(() => undefined);
    throw error;
  }
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
      // Removing the practice takes its patient and its fault with it; a fault set elsewhere is cleared.
      const elsewhere = [...faulted].filter((ods) => ods !== practice.ods);
      const undone = await Promise.allSettled([
        control.removePractice(practice.ods),
        ...elsewhere.map((ods) => control.setFault(ods, null)),
      ]);
      const failed = undone.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    },
  };
}
