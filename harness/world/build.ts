/**
 * Builds a scenario's world through the region's control API: the patient's practice and the other practices
 * the spec asks for (each the scenario's own), the patient, every setting and fault, and the world's control.
 * Half a world is no world: if any part fails, what was made is undone and the failure is the one reported.
 */
import type { ControlClient, PatientInfo } from "../../simulators/index.js";
import { WorldChanges } from "./changes.js";
import type { WatchedGateway } from "./settle.js";
import { GatewayWatch, settle } from "./settle.js";
import type {
  PracticeSettings,
  WorldControl,
  WorldOptions,
  WorldPatient,
  WorldPractice,
  WorldRequest,
  WorldSpec,
} from "./types.js";

const DEFAULT_SETTLE_MS = 250;

export interface World {
  readonly patient: WorldPatient;
  readonly practice: WorldPractice;
  /** The further practices the spec asked for, in its order. */
  readonly otherPractices: readonly WorldPractice[];
  /** The further patients the spec asked for, in its order, each at a practice of their own. */
  readonly otherPatients: readonly WorldPatient[];
  /** Every practice the world made: the patient's, the other practices, the other patients'. */
  readonly practices: readonly WorldPractice[];
  /** The request parameters the spec asked for (defaults of the scenario's `getRecord` calls). */
  readonly request: WorldRequest;
  /** Whether the scenario runs alone (it may fault PDS and SDS). */
  readonly exclusive: boolean;
  readonly control: WorldControl;
  /** The gateway as the scenario sees it: its requests watched (for `settled`), the world's request sent. */
  watch(gateway: WatchedGateway): WatchedGateway;
  /** See WorldControl.settled: the wait a negative south check makes before it concludes. */
  settled(): Promise<void>;
  /** Every NHS number the scenario used: the patient's, and any unknown or invalid ones it asked about. */
  nhsNumbers(): string[];
  /** What the world is, for the report's evidence. */
  describe(): Record<string, unknown>;
  /** Undoes what the world made and changed (its practices with the patient, PDS's and SDS's faults), whatever happened. */
  tearDown(): Promise<void>;
}

export async function buildWorld(
  control: ControlClient,
  spec: WorldSpec,
  options: WorldOptions = {},
): Promise<World> {
  const exclusive = options.exclusive ?? spec.spine !== undefined;
  const made: WorldPractice[] = [];
  const changes = new WorldChanges(control, exclusive, (ods) => made.some((p) => p.ods === ods));
  const undo = async () => {
    const undone = await Promise.allSettled([
      changes.undoSpine(),
      ...made.map((practice) => control.removePractice(practice.ods)),
    ]);
    const failed = undone.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  };
  try {
    const practice = await addPractice(control, spec.patient.system, spec.practice, made);
    const created = await control.addPatient(practice.ods, [...(spec.patient.traits ?? [])]);
    for (const other of spec.otherPractices ?? []) await addPractice(control, other.system, other, made);
    const others: PatientInfo[] = [];
    for (const other of spec.otherPatients ?? []) {
      const at = await addPractice(control, other.system, other.practice, made);
      others.push(await control.addPatient(at.ods, [...(other.traits ?? [])]));
    }
    const settings = [
      spec.practice ?? {},
      ...(spec.otherPractices ?? []),
      ...(spec.otherPatients ?? []).map((other) => other.practice ?? {}),
    ];
    await applySettings(changes, made, settings, spec);
    changes.when = "run";
    return assemble({ control, spec, options, exclusive, made, changes, created, others, undo });
  } catch (error) {
    await undo().catch(() => undefined);
    throw error;
  }
}

async function addPractice(
  control: ControlClient,
  system: WorldPractice["system"],
  settings: PracticeSettings | undefined,
  made: WorldPractice[],
): Promise<WorldPractice> {
  const sharing = settings?.sharingEnabled;
  const endpoint = settings?.endpointInSds;
  const practice = await control.addPractice(system, {
    ...(sharing === undefined ? {} : { sharingEnabled: sharing }),
    ...(endpoint === undefined ? {} : { endpointInSds: endpoint }),
  });
  made.push(practice);
  return practice;
}

async function applySettings(
  changes: WorldChanges,
  practices: readonly WorldPractice[],
  settings: readonly PracticeSettings[],
  spec: WorldSpec,
): Promise<void> {
  for (const [index, practice] of practices.entries()) {
    const setting = settings[index] ?? {};
    if (setting.fault !== undefined) await changes.setFault(practice, setting.fault);
    if (setting.disabledAreas !== undefined) await changes.disableAreas(practice, setting.disabledAreas);
    if (setting.withoutAgreement !== undefined)
      await changes.withoutAgreement(practice, setting.withoutAgreement);
  }
  if (spec.spine?.pds !== undefined) await changes.setFault("pds", spec.spine.pds);
  if (spec.spine?.sds !== undefined) await changes.setFault("sds", spec.spine.sds);
}

interface Parts {
  readonly control: ControlClient;
  readonly spec: WorldSpec;
  readonly options: WorldOptions;
  readonly exclusive: boolean;
  readonly made: readonly WorldPractice[];
  readonly changes: WorldChanges;
  readonly created: PatientInfo;
  readonly others: readonly PatientInfo[];
  readonly undo: () => Promise<void>;
}

function assemble(parts: Parts): World {
  const { control, spec, options, exclusive, made, changes, created } = parts;
  const [practice] = made as [WorldPractice, ...WorldPractice[]];
  const otherPractices = made.slice(1, 1 + (spec.otherPractices?.length ?? 0));
  const patient = worldPatient(created, practice);
  const otherPatients = parts.others.map((other) => worldPatient(other, practiceOf(made, other.ods)));
  const unknownNumbers: string[] = [];
  const invalidNumbers: string[] = [];
  const nhsNumbers = () => [
    patient.nhsNumber,
    ...(patient.supersededNhsNumbers ?? []),
    ...otherPatients.map((p) => p.nhsNumber),
    ...unknownNumbers,
    ...invalidNumbers,
  ];
  const request = spec.request ?? {};
  const watch = new GatewayWatch();
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const scope = {
    control,
    since: options.since ?? new Date().toISOString(),
    settleMs,
    maxSettleMs: Math.max(settleMs, options.maxSettleMs ?? settleMs * 10),
    practices: () => made.map((p) => p.ods),
    nhsNumbers,
  };
  const settled = () => settle(scope, watch);
  const worldControl: WorldControl = {
    setFault: (target, fault) => changes.setFault(target, fault),
    clearFault: (target) => changes.clearFault(target),
    takeOffline: (target) => changes.setFault(target, { kind: "offline" }),
    disableAreas: (target, areas) => changes.disableAreas(target, areas),
    withoutAgreement: (target, consumers) => changes.withoutAgreement(target, consumers),
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
    settled,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return {
    patient,
    practice,
    otherPractices,
    otherPatients,
    practices: made,
    request,
    exclusive,
    control: worldControl,
    watch: (gateway) => watch.watch(gateway, request),
    settled,
    nhsNumbers,
    describe: () =>
      describeWorld({
        spec,
        exclusive,
        changes,
        patient,
        otherPractices,
        otherPatients,
        unknownNumbers,
        invalidNumbers,
      }),
    tearDown: parts.undo,
  };
}

function worldPatient(created: PatientInfo, practice: WorldPractice): WorldPatient {
  return {
    nhsNumber: created.nhsNumber,
    name: created.name,
    birthDate: created.birthDate,
    address: created.address,
    system: practice.system,
    traits: created.traits,
    practice,
    ...(created.previousOds === undefined ? {} : { previousPractice: { ods: created.previousOds } }),
    ...(created.supersededNhsNumbers === undefined
      ? {}
      : { supersededNhsNumbers: created.supersededNhsNumbers }),
  };
}

function practiceOf(made: readonly WorldPractice[], ods: string): WorldPractice {
  const practice = made.find((p) => p.ods === ods);
  if (practice === undefined) throw new Error(`the world made no practice ${ods}`);
  return practice;
}

interface Described {
  readonly spec: WorldSpec;
  readonly exclusive: boolean;
  readonly changes: WorldChanges;
  readonly patient: WorldPatient;
  readonly otherPractices: readonly WorldPractice[];
  readonly otherPatients: readonly WorldPatient[];
  readonly unknownNumbers: readonly string[];
  readonly invalidNumbers: readonly string[];
}

/** The world for the report's evidence: what was made, what was asked for, and every change to it. */
function describeWorld(world: Described): Record<string, unknown> {
  const { spec, patient, otherPractices, changes } = world;
  return {
    practice: {
      ...patient.practice,
      sharingEnabled: spec.practice?.sharingEnabled ?? true,
      ...(spec.practice?.endpointInSds === false ? { endpointInSds: false } : {}),
    },
    patient: {
      nhsNumber: patient.nhsNumber,
      name: patient.name,
      traits: patient.traits,
      ...(patient.previousPractice === undefined ? {} : { previousPractice: patient.previousPractice }),
    },
    ...(otherPractices.length === 0
      ? {}
      : {
          otherPractices: otherPractices.map((p, i) => ({
            ...p,
            sharingEnabled: spec.otherPractices?.[i]?.sharingEnabled ?? true,
          })),
        }),
    ...(world.otherPatients.length === 0
      ? {}
      : {
          otherPatients: world.otherPatients.map((p) => ({
            nhsNumber: p.nhsNumber,
            name: p.name,
            traits: p.traits,
            practice: p.practice,
          })),
        }),
    ...(spec.request === undefined ? {} : { request: spec.request }),
    ...(world.exclusive ? { exclusive: true } : {}),
    faults: changes.faults(),
    ...(changes.log.length === 0 ? {} : { changes: [...changes.log] }),
    ...(world.unknownNumbers.length > 0 ? { unknownNhsNumbers: [...world.unknownNumbers] } : {}),
    ...(world.invalidNumbers.length > 0 ? { invalidNhsNumbers: [...world.invalidNumbers] } : {}),
  };
}
