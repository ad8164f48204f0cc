/**
 * A simulated region: the synthetic population, PDS, SDS, one GP Connect listener per practice, and the
 * control server that drives them, all on loopback. One listener per practice makes "offline" real: the
 * practice's port refuses connections, as a practice whose server is down does. The practices' listeners
 * share one fastify app (see PracticeHost), as booting an app per practice dominated start-up.
 */
import type { FastifyInstance } from "fastify";
import type { ClinicalAreaParameter } from "../../gpconnect/parameters.js";
import { buildControlApp, CONTROL_BASE_PATH, OPENAPI_PATH } from "../control/server.js";
import { type Fault, type FaultService, LogNormalDelay, parseFault } from "../faults/faults.js";
import { FaultInjector } from "../faults/injection.js";
import type { Journal } from "../journal/journal.js";
import type { ClinicalSystem, Population, Practice, SyntheticPatient, Trait } from "../population/types.js";
import { flavourOf } from "../practices/index.js";
import { forgetCachedRecords, registerPractice } from "../practices/practice-app.js";
import { type DirectoryConsumer, HARNESS_CONSUMER, KNOWN_CONSUMERS } from "../spine/consumers.js";
import { buildPdsApp, PDS_BASE_PATH } from "../spine/pds.js";
import { buildSdsApp, SDS_BASE_PATH } from "../spine/sds.js";
import {
  checkedAreas,
  checkedBasePort,
  checkedConsumer,
  checkedHost,
  checkedOdsCodes,
  checkedPracticeCreation,
  checkedSystem,
  checkedTraits,
  createCheckedPopulation,
  createJournal,
  FIRST_PRACTICE_OFFSET,
  MAX_PORT,
} from "./checks.js";
import { asRegionError, RegionError } from "./errors.js";
import { ServiceListener } from "./listener.js";
import { PracticeHost } from "./practice-host.js";
import { PracticeSettings } from "./practice-settings.js";
import type {
  ConsumerCreation,
  FaultTarget,
  PatientInfo,
  PracticeCreation,
  PracticeInfo,
  Region,
  RegionInfo,
  RegionOptions,
} from "./types.js";
import { UnknownNhsNumbers } from "./unknown-numbers.js";

export const DEFAULT_HOST = "127.0.0.1";
const CONTROL_OFFSET = 0;
const PDS_OFFSET = 1;
const SDS_OFFSET = 2;
/** Random stream of the realistic-latency delays, apart from every stream the population draws. */
const LATENCY_STREAM = 0x1a7;

/** The path of a practice's GP Connect Access Record Structured endpoint on its own listener. */
export function practiceEndpointPath(ods: string): string {
  return `/${ods}/STU3/1/gpconnect/structured/fhir`;
}

/** Starts a region: every listener bound (or none, and the first failure thrown). */
export async function startRegion(options: RegionOptions = {}): Promise<Region> {
  const region = new SimulatedRegion(options);
  await region.start();
  return region;
}

class SimulatedRegion implements Region {
  readonly population: Population;
  readonly journal: Journal;
  private readonly host: string;
  private readonly basePort: number;
  private readonly injector = new FaultInjector();
  private readonly consumers: DirectoryConsumer[] = [...KNOWN_CONSUMERS];
  /** The consumers' ASIDs: the senders the practices' Spine Secure Proxy lets through. */
  private readonly consumerAsids = new Set(KNOWN_CONSUMERS.map((consumer) => consumer.asid));
  private readonly practiceListeners = new Map<string, ServiceListener>();
  /**
   * The app of each practice's provider: one for the region's first practices, one for each practice added
   * at run time (a ready app takes no routes), closed when that practice is removed.
   */
  private readonly practiceHosts = new Map<string, PracticeHost>();
  /** Which of the ports from P+3 each practice listens on (meaningful with a base port; 0 leaves it to the OS). */
  private readonly practicePortSlots = new Map<string, number>();
  private readonly unknownNumbers: UnknownNhsNumbers;
  private readonly settings = new PracticeSettings();
  /** Practices added with `endpointInSds: false`: SDS lists no GP Connect endpoint for them. */
  private readonly withoutSdsEndpoint = new Set<string>();
  private readonly pds: ServiceListener;
  private readonly sds: ServiceListener;
  private readonly control: ServiceListener;
  private closed = false;

  constructor(private readonly options: RegionOptions) {
    this.host = checkedHost(options.host ?? DEFAULT_HOST, options.controlToken);
    this.basePort = checkedBasePort(options.port);
    this.population = createCheckedPopulation(options);
    this.journal = createJournal(options.journalCapacity);
    this.unknownNumbers = new UnknownNhsNumbers(this.population);
    this.pds = this.listener("PDS", PDS_OFFSET, () => {
      const app = buildPdsApp({ population: this.population, journal: this.journal });
      this.injector.install(app, { target: "pds", service: "pds" });
      return app;
    });
    this.sds = this.listener("SDS", SDS_OFFSET, () => {
      const app = buildSdsApp({
        population: this.population,
        journal: this.journal,
        consumers: () => this.consumers,
        practiceEndpoint: (ods) =>
          this.withoutSdsEndpoint.has(ods) ? undefined : this.practiceEndpoint(ods),
      });
      this.injector.install(app, { target: "sds", service: "sds" });
      return app;
    });
    this.control = this.listener("control", CONTROL_OFFSET, () =>
      buildControlApp({
        region: this,
        ...(options.controlToken === undefined ? {} : { token: options.controlToken }),
      }),
    );
  }

  /** Listens everywhere at once; if any port fails, nothing is left running and the first failure is thrown. */
  async start(): Promise<void> {
    // Drawn now, so the sample's added patients get the same NHS numbers whatever the control calls' order.
    this.population.samplePatients();
    await this.hostPractices(this.population.practices());
    const started = await Promise.allSettled(this.allListeners().map((listener) => listener.start()));
    const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure !== undefined) {
      this.closed = true;
      await this.stopAll();
      throw failure.reason;
    }
  }

  info(): RegionInfo {
    const { pds, sds, control, population } = this;
    return {
      seed: population.seed,
      referenceDate: population.referenceDate,
      pds: `${pds.origin}${PDS_BASE_PATH}`,
      sds: `${sds.origin}${SDS_BASE_PATH}`,
      control: `${control.origin}${CONTROL_BASE_PATH}`,
      openapi: `${control.origin}${OPENAPI_PATH}`,
      consumer: { ods: HARNESS_CONSUMER.ods, asid: HARNESS_CONSUMER.asid },
      consumers: this.consumers.map((c) => ({ ...c })),
      practices: population.practices().map((practice) => this.practiceInfo(practice)),
      patients: population.samplePatients().map(patientInfo(population)),
    };
  }

  async addPractice(system: ClinicalSystem, creation: PracticeCreation = {}): Promise<PracticeInfo> {
    this.assertOpen();
    const { endpointInSds, ...options } = checkedPracticeCreation(creation);
    const practice = populationChange(() => this.population.addPractice(checkedSystem(system), options));
    if (endpointInSds === false) this.withoutSdsEndpoint.add(practice.ods);
    const [listener] = await this.hostPractices([practice]);
    // Closed while its app booted: the region's ports are all closed, and this one must not open.
    this.assertOpen();
    try {
      await listener?.start();
    } catch (error) {
      // A practice that cannot listen (its port taken by another process) is not added at all.
      const { patients } = this.population.removePractice(practice.ods);
      await this.releasePractice(practice.ods, patients);
      throw error;
    }
    return this.practiceInfo(practice);
  }

  addPatient(ods: string, traits: readonly Trait[]): PatientInfo {
    this.assertOpen();
    if (this.population.practice(ods) === undefined) {
      throw new RegionError("UNKNOWN_PRACTICE", `no practice with ODS code "${ods}" in the region`);
    }
    const checked = checkedTraits(traits);
    return patientInfo(this.population)(populationChange(() => this.population.addPatient(ods, checked)));
  }

  async removePractice(ods: string): Promise<void> {
    this.assertOpen();
    // Gone from PDS and SDS from here on; then its port, its app and everything kept for it.
    const { patients } = populationChange(() => this.population.removePractice(this.knownPractice(ods)));
    await this.releasePractice(ods, patients);
  }

  removePatient(nhsNumber: string): void {
    this.assertOpen();
    if (typeof nhsNumber !== "string") {
      throw new RegionError(
        "INVALID_REQUEST",
        `an NHS number must be a string, got ${JSON.stringify(nhsNumber)}`,
      );
    }
    const patient = populationChange(() => this.population.removePatient(nhsNumber));
    forgetCachedRecords(this.population, { nhsNumbers: [patient.nhsNumber] });
  }

  patient(nhsNumber: string): PatientInfo {
    this.assertOpen();
    const found = typeof nhsNumber === "string" ? this.population.findByNhsNumber(nhsNumber) : undefined;
    if (found === undefined) {
      throw new RegionError("UNKNOWN_PATIENT", `no patient in the region has NHS number "${nhsNumber}"`);
    }
    return patientInfo(this.population)(found);
  }

  addConsumer(creation: ConsumerCreation): DirectoryConsumer {
    this.assertOpen();
    const consumer = checkedConsumer(creation);
    const same = this.consumers.find((c) => c.asid === consumer.asid);
    if (same !== undefined) {
      if (same.ods === consumer.ods) return { ...same };
      throw new RegionError(
        "CONSUMER_CONFLICT",
        `ASID ${consumer.asid} is already registered for ${same.ods}; an ASID names one system`,
      );
    }
    this.consumers.push(consumer);
    this.consumerAsids.add(consumer.asid);
    return { ...consumer };
  }

  async setFault(target: FaultTarget, fault: Fault | null): Promise<void> {
    this.assertOpen();
    const listener = this.faultListener(target);
    if (fault === null) {
      this.injector.clear(target);
      return listener.start();
    }
    const service: FaultService = target === "pds" ? "pds" : target === "sds" ? "sds" : "practice";
    const checked = parseFault(fault, service);
    this.injector.set(target, checked);
    return checked.kind === "offline" ? listener.stop() : listener.start();
  }

  faults(): Record<string, Fault> {
    return this.injector.all();
  }

  async clearFaults(): Promise<void> {
    this.assertOpen();
    this.injector.close();
    await Promise.all(this.allListeners().map((listener) => listener.start()));
  }

  setDisabledAreas(ods: string, areas: readonly ClinicalAreaParameter[]): ClinicalAreaParameter[] {
    this.assertOpen();
    this.knownPractice(ods);
    this.settings.setDisabledAreas(ods, checkedAreas(areas));
    return this.settings.disabledAreaList(ods);
  }

  disabledAreas(ods: string): ClinicalAreaParameter[] {
    return this.settings.disabledAreaList(this.knownPractice(ods));
  }

  setOrganisationsWithoutAgreement(ods: string, consumerOdsCodes: readonly string[]): string[] {
    this.assertOpen();
    this.knownPractice(ods);
    this.settings.setOrganisationsWithoutAgreement(ods, checkedOdsCodes(consumerOdsCodes));
    return this.organisationsWithoutAgreement(ods);
  }

  organisationsWithoutAgreement(ods: string): string[] {
    return [...this.settings.organisationsWithoutAgreement(this.knownPractice(ods))].sort();
  }

  unknownNhsNumber(): string {
    return this.unknownNumbers.next();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.injector.close();
    await this.stopAll();
  }

  /** Fixed ports follow the listener's position in the region; ephemeral ones stay 0 until bound. */
  private portFor(offset: number): number {
    if (this.basePort === 0) return 0;
    const port = this.basePort + offset;
    if (port > MAX_PORT) {
      throw new RegionError(
        "INVALID_OPTIONS",
        `base port ${this.basePort} leaves no port for listener ${offset} (> ${MAX_PORT})`,
      );
    }
    return port;
  }

  private listener(name: string, offset: number, build: () => FastifyInstance): ServiceListener {
    return new ServiceListener({ name, host: this.host, port: this.portFor(offset), build });
  }

  private practiceEndpoint(ods: string): string | undefined {
    const listener = this.practiceListeners.get(ods);
    return listener === undefined || listener.port === 0
      ? undefined
      : `${listener.origin}${practiceEndpointPath(ods)}`;
  }

  /** Registers a practice's provider and its faults; the realistic-latency stream is the practice's own. */
  private registerPracticeWithFaults(context: FastifyInstance, practice: Practice): void {
    const profile = flavourOf(practice.system).latency;
    // One stream per practice, registered once and kept across offline/online, so a seed replays the same delays.
    const latency = this.options.realisticLatency
      ? new LogNormalDelay(
          profile.medianMs,
          profile.p95Ms,
          this.population.seed,
          practice.ordinal,
          LATENCY_STREAM,
        )
      : undefined;
    registerPractice(context, {
      practice,
      population: this.population,
      journal: this.journal,
      endpointPath: practiceEndpointPath(practice.ods),
      notFoundRoute: true,
      disabledAreas: () => this.settings.disabledAreas(practice.ods),
      organisationsWithoutAgreement: () => this.settings.organisationsWithoutAgreement(practice.ods),
      ...(this.options.allowUnknownAsids
        ? {}
        : { knownSender: (asid: string) => this.consumerAsids.has(asid) }),
    });
    this.injector.install(context, {
      target: practice.ods,
      service: "practice",
      ...(latency === undefined ? {} : { latency }),
    });
  }

  /** Serves these practices from one new app, each on a listener of its own (not started yet). */
  private async hostPractices(practices: readonly Practice[]): Promise<ServiceListener[]> {
    const practiceHost = await PracticeHost.start(
      practices,
      (context, practice) => this.registerPracticeWithFaults(context, practice),
      { journal: this.journal },
    );
    return practices.map((practice) => {
      this.practiceHosts.set(practice.ods, practiceHost);
      const listener = new ServiceListener({
        name: `practice ${practice.ods}`,
        host: this.host,
        port: this.portFor(FIRST_PRACTICE_OFFSET + this.takePortSlot(practice.ods)),
        handler: practiceHost.handlerFor(practice.ods),
        settingsFrom: practiceHost.server,
      });
      this.practiceListeners.set(practice.ods, listener);
      return listener;
    });
  }

  /** Releases what the region holds for a practice taken out of the population: fault, settings, port, app, cache. */
  private async releasePractice(ods: string, patients: readonly SyntheticPatient[]): Promise<void> {
    this.injector.clear(ods);
    this.settings.forget(ods);
    this.withoutSdsEndpoint.delete(ods);
    const listener = this.practiceListeners.get(ods);
    this.practiceListeners.delete(ods);
    this.practicePortSlots.delete(ods);
    const host = this.practiceHosts.get(ods);
    this.practiceHosts.delete(ods);
    await listener?.retire();
    await host?.close();
    forgetCachedRecords(this.population, { ods, nhsNumbers: patients.map((p) => p.nhsNumber) });
  }

  /**
   * The lowest practice port free: the region's first practices take P+3, P+4, ... in order, and a practice
   * added later the port of one removed before it, so a long-lived region keeps to as many ports as practices.
   */
  private takePortSlot(ods: string): number {
    const taken = new Set(this.practicePortSlots.values());
    let slot = 0;
    while (taken.has(slot)) slot++;
    this.practicePortSlots.set(ods, slot);
    return slot;
  }

  private faultListener(target: FaultTarget): ServiceListener {
    const listener =
      target === "pds" ? this.pds : target === "sds" ? this.sds : this.practiceListeners.get(target);
    if (listener === undefined) {
      throw new RegionError(
        "UNKNOWN_FAULT_TARGET",
        `no fault target ${JSON.stringify(target)}: expected "pds", "sds" or the ODS code of a practice in the region`,
      );
    }
    return listener;
  }

  private allListeners(): ServiceListener[] {
    return [this.control, this.pds, this.sds, ...this.practiceListeners.values()];
  }

  /** Stops every listener for good (their ports are no longer kept for them), then the practices' apps. */
  private async stopAll(): Promise<void> {
    await Promise.allSettled(this.allListeners().map((listener) => listener.retire()));
    const hosts = new Set(this.practiceHosts.values());
    await Promise.allSettled([...hosts].map((practiceHost) => practiceHost.close()));
  }

  private practiceInfo(practice: Practice): PracticeInfo {
    return {
      ods: practice.ods,
      name: practice.name,
      system: practice.system,
      asid: practice.asid,
      endpoint: this.practiceEndpoint(practice.ods) ?? "",
    };
  }

  private knownPractice(ods: string): string {
    if (typeof ods !== "string" || this.population.practice(ods) === undefined) {
      throw new RegionError(
        "UNKNOWN_PRACTICE",
        `no practice with ODS code ${JSON.stringify(ods)} in the region`,
      );
    }
    return ods;
  }

  private assertOpen(): void {
    if (this.closed) throw new RegionError("REGION_CLOSED", "the region is closed");
  }
}

/** Runs a change to the population, its refusals turned into the region's. */
function populationChange<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    throw asRegionError(error);
  }
}

function patientInfo(population: Population): (patient: SyntheticPatient) => PatientInfo {
  return (patient) => ({
    nhsNumber: patient.nhsNumber,
    ods: patient.practiceOds,
    system: population.practice(patient.practiceOds)?.system ?? "emis",
    traits: [...patient.traits],
    name: [...patient.name.given, patient.name.family].join(" "),
    birthDate: patient.birthDate,
    address: [...patient.address.line, patient.address.postalCode],
    ...(patient.previousPractice === undefined ? {} : { previousOds: patient.previousPractice.ods }),
    ...(patient.supersededNhsNumbers === undefined
      ? {}
      : { supersededNhsNumbers: [...patient.supersededNhsNumbers] }),
  });
}
