/**
 * A simulated region: the synthetic population, PDS, SDS, one GP Connect listener per practice, and the
 * control server that drives them, all on loopback. One listener per practice makes "offline" real: the
 * practice's port refuses connections, as a practice whose server is down does. The practices' listeners
 * share one fastify app (see PracticeHost), as booting an app per practice dominated start-up.
 */
import type { FastifyInstance } from "fastify";
import {
  CLINICAL_AREA_PARAMETERS,
  type ClinicalAreaParameter,
  isClinicalAreaParameter,
} from "../../gpconnect/parameters.js";
import { buildControlApp, CONTROL_BASE_PATH, OPENAPI_PATH } from "../control/server.js";
import { type FaultService, LogNormalDelay, parseFault } from "../faults/faults.js";
import { FaultInjector } from "../faults/injection.js";
import { Journal } from "../journal/journal.js";
import { NhsNumberAllocator } from "../population/nhs-number.js";
import { createPopulation } from "../population/population.js";
import { type Population, type Practice, type SyntheticPatient, TRAITS } from "../population/types.js";
import { flavourOf } from "../practices/index.js";
import { registerPractice } from "../practices/practice-app.js";
import { type DirectoryConsumer, HARNESS_CONSUMER, KNOWN_CONSUMERS } from "../spine/consumers.js";
import { buildPdsApp, PDS_BASE_PATH } from "../spine/pds.js";
import { buildSdsApp, SDS_BASE_PATH } from "../spine/sds.js";
import { RegionError } from "./errors.js";
import { ServiceListener } from "./listener.js";
import { PracticeHost } from "./practice-host.js";
import type { ConsumerCreation, PatientInfo, PracticeInfo, Region, RegionOptions } from "./types.js";

export { CLINICAL_AREA_PARAMETERS, type ClinicalAreaParameter } from "../../gpconnect/parameters.js";
export type { Fault } from "../faults/faults.js";
export type {
  ConsumerCreation,
  FaultTarget,
  PatientInfo,
  PracticeCreation,
  PracticeInfo,
  Region,
  RegionInfo,
  RegionOptions,
} from "./types.js";

export const DEFAULT_HOST = "127.0.0.1";
const CONTROL_OFFSET = 0;
const PDS_OFFSET = 1;
const SDS_OFFSET = 2;
const FIRST_PRACTICE_OFFSET = 3;
const MAX_PORT = 65_535;
/** Random stream of the realistic-latency delays, apart from every stream the population draws. */
const LATENCY_STREAM = 0x1a7;
const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const ASID = /^\d{12}$/;

/** The path of a practice's GP Connect Access Record Structured endpoint on its own listener. */
export function practiceEndpointPath(ods: string): string {
  return `/${ods}/STU3/1/gpconnect/structured/fhir`;
}

export async function startRegion(options: RegionOptions = {}): Promise<Region> {
  const host = options.host ?? DEFAULT_HOST;
  const basePort = checkedBasePort(options.port);
  const population = createCheckedPopulation(options);
  const journal = createJournal(options.journalCapacity);
  const injector = new FaultInjector();
  const consumers: DirectoryConsumer[] = [...KNOWN_CONSUMERS];
  const practiceListeners = new Map<string, ServiceListener>();
  /** The app of the region's first practices, then one per practice added at run time (a ready app takes no routes). */
  const practiceHosts: PracticeHost[] = [];
  const unknownNumbers = new UnknownNhsNumbers(population);
  /** Each practice's disabled areas; a new set on every change (the practice keys its cached answers by it). */
  const disabledAreasByPractice = new Map<string, ReadonlySet<ClinicalAreaParameter>>();
  const noDisabledAreas: ReadonlySet<ClinicalAreaParameter> = new Set();
  /** Each practice's consumer organisations without a data-sharing agreement, read by the practice per request. */
  const withoutAgreementByPractice = new Map<string, ReadonlySet<string>>();
  const everyOrganisationAgreed: ReadonlySet<string> = new Set();
  let closed = false;

  /** Fixed ports follow the practice's position in the region; ephemeral ones stay 0 until bound. */
  const portFor = (offset: number): number => {
    if (basePort === 0) return 0;
    const port = basePort + offset;
    if (port > MAX_PORT) {
      throw new RegionError(
        "INVALID_OPTIONS",
        `base port ${basePort} leaves no port for listener ${offset} (> ${MAX_PORT})`,
      );
    }
    return port;
  };

  const practiceEndpoint = (ods: string): string | undefined => {
    const listener = practiceListeners.get(ods);
    return listener === undefined || listener.port === 0
      ? undefined
      : `${listener.origin}${practiceEndpointPath(ods)}`;
  };

  /** Registers a practice's provider and its faults; the realistic-latency stream is the practice's own. */
  const registerPracticeWithFaults = (context: FastifyInstance, practice: Practice): void => {
    const profile = flavourOf(practice.system).latency;
    // One stream per practice, registered once and kept across offline/online, so a seed replays the same delays.
    const latency = options.realisticLatency
      ? new LogNormalDelay(profile.medianMs, profile.p95Ms, population.seed, practice.ordinal, LATENCY_STREAM)
      : undefined;
    registerPractice(context, {
      practice,
      population,
      journal,
      endpointPath: practiceEndpointPath(practice.ods),
      notFoundRoute: true,
      disabledAreas: () => disabledAreasByPractice.get(practice.ods) ?? noDisabledAreas,
      organisationsWithoutAgreement: () =>
        withoutAgreementByPractice.get(practice.ods) ?? everyOrganisationAgreed,
    });
    injector.install(context, {
      target: practice.ods,
      service: "practice",
      ...(latency === undefined ? {} : { latency }),
    });
  };

  /** Serves these practices from one new app, each on a listener of its own (not started yet). */
  const hostPractices = async (practices: readonly Practice[]): Promise<ServiceListener[]> => {
    const practiceHost = await PracticeHost.start(practices, registerPracticeWithFaults, { journal });
    practiceHosts.push(practiceHost);
    return practices.map((practice) => {
      const listener = new ServiceListener({
        name: `practice ${practice.ods}`,
        host,
        port: portFor(FIRST_PRACTICE_OFFSET + practice.ordinal),
        handler: practiceHost.handlerFor(practice.ods),
        settingsFrom: practiceHost.server,
      });
      practiceListeners.set(practice.ods, listener);
      return listener;
    });
  };

  /** Stops every listener, then the practices' apps. */
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled(allListeners().map((listener) => listener.stop()));
    await Promise.allSettled(practiceHosts.map((practiceHost) => practiceHost.close()));
  };

  const pds = new ServiceListener({
    name: "PDS",
    host,
    port: portFor(PDS_OFFSET),
    build: () => {
      const app = buildPdsApp({ population, journal });
      injector.install(app, { target: "pds", service: "pds" });
      return app;
    },
  });
  const sds = new ServiceListener({
    name: "SDS",
    host,
    port: portFor(SDS_OFFSET),
    build: () => {
      const app = buildSdsApp({ population, journal, consumers: () => consumers, practiceEndpoint });
      injector.install(app, { target: "sds", service: "sds" });
      return app;
    },
  });
  const control = new ServiceListener({
    name: "control",
    host,
    port: portFor(CONTROL_OFFSET),
    build: () =>
      buildControlApp({
        region,
        ...(options.controlToken === undefined ? {} : { token: options.controlToken }),
      }),
  });

  const allListeners = (): ServiceListener[] => [control, pds, sds, ...practiceListeners.values()];

  const practiceInfo = (practice: Practice): PracticeInfo => ({
    ods: practice.ods,
    name: practice.name,
    system: practice.system,
    asid: practice.asid,
    endpoint: practiceEndpoint(practice.ods) ?? "",
  });

  const knownPractice = (ods: string): string => {
    if (typeof ods !== "string" || population.practice(ods) === undefined) {
      throw new RegionError(
        "UNKNOWN_PRACTICE",
        `no practice with ODS code ${JSON.stringify(ods)} in the region`,
      );
    }
    return ods;
  };

  const disabledAreasAt = (ods: string): ClinicalAreaParameter[] => {
    const disabled = disabledAreasByPractice.get(knownPractice(ods)) ?? noDisabledAreas;
    return CLINICAL_AREA_PARAMETERS.filter((area) => disabled.has(area));
  };

  const organisationsWithoutAgreementAt = (ods: string): string[] =>
    [...(withoutAgreementByPractice.get(knownPractice(ods)) ?? everyOrganisationAgreed)].sort();

  const assertOpen = (): void => {
    if (closed) throw new RegionError("REGION_CLOSED", "the region is closed");
  };

  const region: Region = {
    population,
    journal,

    info: () => ({
      seed: population.seed,
      referenceDate: population.referenceDate,
      pds: `${pds.origin}${PDS_BASE_PATH}`,
      sds: `${sds.origin}${SDS_BASE_PATH}`,
      control: `${control.origin}${CONTROL_BASE_PATH}`,
      openapi: `${control.origin}${OPENAPI_PATH}`,
      consumer: { ods: HARNESS_CONSUMER.ods, asid: HARNESS_CONSUMER.asid },
      consumers: consumers.map((c) => ({ ...c })),
      practices: population.practices().map(practiceInfo),
      patients: population.samplePatients().map(patientInfo(population)),
    }),

    async addPractice(system, creation = {}) {
      assertOpen();
      if (system !== "emis" && system !== "tpp") {
        throw new RegionError(
          "INVALID_REQUEST",
          `system must be "emis" or "tpp", got ${JSON.stringify(system)}`,
        );
      }
      const sharingEnabled = creation.sharingEnabled;
      if (sharingEnabled !== undefined && typeof sharingEnabled !== "boolean") {
        throw new RegionError(
          "INVALID_REQUEST",
          `sharingEnabled must be true or false, got ${JSON.stringify(sharingEnabled)}`,
        );
      }
      const practice = population.addPractice(system, sharingEnabled === undefined ? {} : { sharingEnabled });
      const [listener] = await hostPractices([practice]);
      // Closed while its app booted: the region's ports are all closed, and this one must not open.
      assertOpen();
      await listener?.start();
      return practiceInfo(practice);
    },

    addPatient(ods, traits) {
      assertOpen();
      if (population.practice(ods) === undefined) {
        throw new RegionError("UNKNOWN_PRACTICE", `no practice with ODS code "${ods}" in the region`);
      }
      for (const trait of traits) {
        if (!(TRAITS as readonly string[]).includes(trait)) {
          throw new RegionError(
            "INVALID_REQUEST",
            `unknown trait ${JSON.stringify(trait)}; known traits: ${TRAITS.join(", ")}`,
          );
        }
      }
      return patientInfo(population)(population.addPatient(ods, traits));
    },

    addConsumer(creation) {
      assertOpen();
      const consumer = checkedConsumer(creation);
      const same = consumers.find((c) => c.asid === consumer.asid);
      if (same !== undefined) {
        if (same.ods === consumer.ods) return { ...same };
        throw new RegionError(
          "CONSUMER_CONFLICT",
          `ASID ${consumer.asid} is already registered for ${same.ods}; an ASID names one system`,
        );
      }
      consumers.push(consumer);
      return { ...consumer };
    },

    async setFault(target, fault) {
      assertOpen();
      const listener = target === "pds" ? pds : target === "sds" ? sds : practiceListeners.get(target);
      if (listener === undefined) {
        throw new RegionError(
          "UNKNOWN_FAULT_TARGET",
          `no fault target ${JSON.stringify(target)}: expected "pds", "sds" or the ODS code of a practice in the region`,
        );
      }
      if (fault === null) {
        injector.clear(target);
        return listener.start();
      }
      const service: FaultService = target === "pds" ? "pds" : target === "sds" ? "sds" : "practice";
      const checked = parseFault(fault, service);
      injector.set(target, checked);
      return checked.kind === "offline" ? listener.stop() : listener.start();
    },

    faults: () => injector.all(),

    async clearFaults() {
      assertOpen();
      injector.close();
      await Promise.all(allListeners().map((listener) => listener.start()));
    },

    setDisabledAreas(ods, areas) {
      assertOpen();
      knownPractice(ods);
      const checked = checkedAreas(areas);
      if (checked.length === 0) disabledAreasByPractice.delete(ods);
      else disabledAreasByPractice.set(ods, new Set(checked));
      return disabledAreasAt(ods);
    },

    disabledAreas: (ods) => disabledAreasAt(ods),

    setOrganisationsWithoutAgreement(ods, consumerOdsCodes) {
      assertOpen();
      knownPractice(ods);
      const checked = checkedOdsCodes(consumerOdsCodes);
      if (checked.length === 0) withoutAgreementByPractice.delete(ods);
      else withoutAgreementByPractice.set(ods, new Set(checked));
      return organisationsWithoutAgreementAt(ods);
    },

    organisationsWithoutAgreement: (ods) => organisationsWithoutAgreementAt(ods),

    unknownNhsNumber: () => unknownNumbers.next(),

    async close() {
      if (closed) return;
      closed = true;
      injector.close();
      await stopAll();
    },
  };

  // Drawn now, so the sample's added patients get the same NHS numbers whatever the control calls' order.
  population.samplePatients();
  await hostPractices(population.practices());
  // Listen everywhere at once; if any port fails, nothing is left running and the first failure is reported.
  const started = await Promise.allSettled(allListeners().map((listener) => listener.start()));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure !== undefined) {
    closed = true;
    await stopAll();
    throw failure.reason;
  }
  return region;
}

function patientInfo(population: Population): (patient: SyntheticPatient) => PatientInfo {
  return (patient) => ({
    nhsNumber: patient.nhsNumber,
    ods: patient.practiceOds,
    system: population.practice(patient.practiceOds)?.system ?? "emis",
    traits: [...patient.traits],
    name: [...patient.name.given, patient.name.family].join(" "),
  });
}

function createJournal(capacity: number | undefined): Journal {
  try {
    return new Journal(capacity);
  } catch (error) {
    throw new RegionError("INVALID_OPTIONS", error instanceof Error ? error.message : String(error));
  }
}

function checkedAreas(areas: unknown): ClinicalAreaParameter[] {
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

function checkedOdsCodes(codes: unknown): string[] {
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

function checkedConsumer(creation: ConsumerCreation): DirectoryConsumer {
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

function checkedBasePort(port: number | undefined): number {
  const base = port ?? 0;
  if (!Number.isInteger(base) || base < 0 || base > MAX_PORT - FIRST_PRACTICE_OFFSET) {
    throw new RegionError(
      "INVALID_OPTIONS",
      `port must be 0 (ephemeral) or a base port from 1 to ${MAX_PORT - FIRST_PRACTICE_OFFSET}, got ${port}`,
    );
  }
  return base;
}

function createCheckedPopulation(options: RegionOptions): Population {
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

/**
 * Hands out numbers from the middle of the seed's serial space, far from both the generated lists (from the
 * bottom) and added patients (from the top), and checks each against the population anyway.
 */
class UnknownNhsNumbers {
  private readonly allocator: NhsNumberAllocator;
  private nextSerial: number;

  constructor(private readonly population: Population) {
    this.allocator = new NhsNumberAllocator(population.seed);
    this.nextSerial = Math.floor(this.allocator.capacity / 2);
  }

  next(): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const serial = this.nextSerial;
      this.nextSerial = (this.nextSerial + 1) % this.allocator.capacity;
      const nhsNumber = this.allocator.numberForSerial(serial);
      if (this.population.findByNhsNumber(nhsNumber) === undefined) return nhsNumber;
    }
    throw new RegionError("INVALID_REQUEST", "no unused synthetic NHS number is left in the region");
  }
}
