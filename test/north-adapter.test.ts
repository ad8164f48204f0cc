/**
 * Consumer adapters: the harness speaks to a gateway whose north API is not GP Connect (the example REST
 * gateway in examples/rest-gateway) through its adapter, and judges the answers as GP Connect ones. An adapter
 * that cannot be loaded, or breaks, says exactly what is wrong with it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRestGateway, startRestGateway } from "../examples/rest-gateway/server.js";
import { readGatewayConfig } from "../gateway/config.js";
import { startGateway } from "../harness/gateway-target.js";
import { checkManifest } from "../harness/manifest/load.js";
import { expand } from "../harness/manifest/placeholders.js";
import type { GatewayManifest } from "../harness/manifest/types.js";
import { AdapterError, type ConsumerAdapter, loadAdapter } from "../harness/north/adapter.js";
import { createConsumer, type GatewayConsumer } from "../harness/north/consumer.js";
import { HARNESS_CLINICIAN } from "../harness/north/identity.js";
import { gpConnectProfile } from "../harness/north/profile.js";
import { spineErrorCode } from "../harness/oracle/operation-outcome.js";
import { warmStu3Validator } from "../harness/oracle/stu3-schema.js";
import type { NorthExchange } from "../harness/run-result.js";
import { runScenario } from "../harness/scenario-run.js";
import { runsAlone } from "../harness/world.js";
import { loadCatalogue } from "../scenarios/index.js";
import {
  ControlClient,
  type PatientInfo,
  type Region,
  startRegion,
  type Trait,
} from "../simulators/index.js";
import { closedPortUrl } from "./support/gateway-stubs.js";
import { startProgram } from "./support/program.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const EXAMPLE = join(root, "examples/rest-gateway");
const ADAPTER = join(EXAMPLE, "adapter.ts");

let region: Region;
let control: ControlClient;
let gateway: RunningRestGateway;
let folder: string;
const consumers: GatewayConsumer[] = [];

beforeAll(async () => {
  region = await startRegion({ seed: 31, port: 0 });
  control = new ControlClient(region.info().control);
  const { pds, sds } = region.info();
  gateway = await startRestGateway(
    readGatewayConfig({ PDS_URL: pds, SDS_URL: sds, PORT: "0", HOST: "127.0.0.1" }),
  );
  folder = mkdtempSync(join(tmpdir(), "gp-harness-adapters-"));
});

afterAll(async () => {
  for (const consumer of consumers) await consumer.close();
  await gateway?.close();
  await region?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

async function adapterConsumer(baseUrl = gateway.url, adapter?: ConsumerAdapter) {
  const evidence: NorthExchange[] = [];
  const consumer = await createConsumer(gpConnectProfile(baseUrl, { kind: "adapter", adapter: ADAPTER }), {
    timeoutMs: 10_000,
    onExchange: (exchange) => evidence.push(exchange),
    ...(adapter === undefined ? {} : { adapter }),
  });
  consumers.push(consumer);
  return { consumer, evidence };
}

async function newPatient(traits: Trait[] = []): Promise<PatientInfo> {
  const practice = await region.addPractice("emis");
  return region.addPatient(practice.ods, traits);
}

const recordRequests = (patient: PatientInfo) => control.journal({ target: "practice", ods: patient.ods });

describe("the example REST gateway through its adapter", () => {
  it("consent granted: a GP Connect Bundle with the patient, fetched from the practice for the clinician", async () => {
    const patient = await newPatient();
    const { consumer, evidence } = await adapterConsumer();
    const answer = await consumer.getRecord(patient, { consent: "granted" });
    expect(answer.status, answer.text).toBe(200);
    expect((answer.body as fhir.Bundle).resourceType).toBe("Bundle");
    expect(answer.headers["content-type"]).toBe("application/fhir+json");
    expect(JSON.stringify(answer.body)).toContain(patient.nhsNumber);
    // The evidence is the gateway's own exchange, as it went over the wire.
    expect(evidence).toHaveLength(1);
    expect(evidence[0]?.request.url).toBe(`${gateway.url}/api/v1/records`);
    expect(evidence[0]?.request.body).toMatchObject({
      nhsNumber: patient.nhsNumber,
      consent: { decision: "granted" },
      include: ["allergies", "medications"],
    });
    expect(evidence[0]?.response?.body).toHaveProperty("record.resourceType", "Bundle");
    const [atPractice] = await recordRequests(patient);
    expect(atPractice?.parameters).toEqual(["patientNHSNumber", "includeAllergies", "includeMedication"]);
    expect(JSON.stringify(atPractice?.jwtClaims?.requesting_practitioner)).toContain(
      HARNESS_CLINICIAN.sdsUserId,
    );
  });

  it("consent refused: 403 with NO_PATIENT_CONSENT, and nothing asked of the practice", async () => {
    const patient = await newPatient();
    const { consumer, evidence } = await adapterConsumer();
    const answer = await consumer.getRecord(patient, { consent: "refused" });
    expect(answer.status).toBe(403);
    expect(spineErrorCode(answer.body)).toBe("NO_PATIENT_CONSENT");
    expect(evidence[0]?.response?.body).toEqual({
      error: { code: "consent-refused", message: "The patient refused consent; no record was requested" },
    });
    expect(await recordRequests(patient)).toEqual([]);
  });

  it("maps the gateway's other answers: dissent at the practice, an unknown patient, emergency with and without a reason", async () => {
    const dissenting = await newPatient(["dissent"]);
    const { consumer } = await adapterConsumer();
    const dissent = await consumer.getRecord(dissenting, { consent: "granted" });
    expect([dissent.status, spineErrorCode(dissent.body)]).toEqual([403, "NO_PATIENT_CONSENT"]);

    const unknown = await consumer.getRecord(dissenting, {
      consent: "granted",
      nhsNumber: region.unknownNhsNumber(),
    });
    expect([unknown.status, spineErrorCode(unknown.body)]).toEqual([404, "PATIENT_NOT_FOUND"]);

    const patient = await newPatient();
    const noReason = await consumer.getRecord(patient, { consent: "emergency" });
    expect([noReason.status, spineErrorCode(noReason.body)]).toEqual([400, "BAD_REQUEST"]);
    const emergency = await consumer.getRecord(patient, { consent: "emergency", reason: "unconscious" });
    expect(emergency.status, emergency.text).toBe(200);
  });

  it("a gateway that is not there: no answer, said as for any gateway", async () => {
    const closed = await closedPortUrl("");
    const { consumer, evidence } = await adapterConsumer(closed);
    const answer = await consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
    expect(answer.status).toBe(0);
    expect(answer.error).toBe("connection refused");
    expect(evidence[0]?.error).toBe("connection refused");
  });

  it("starts from its manifest's command and environment, and answers through the adapter the manifest names", async () => {
    const manifest = JSON.parse(readFileSync(join(EXAMPLE, "gateway.json"), "utf8")) as GatewayManifest;
    if (manifest.launch.kind !== "command")
      throw new Error(`the example launches by ${manifest.launch.kind}`);
    const { pds, sds } = region.info();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, template] of Object.entries(manifest.environment ?? {})) {
      env[name] = expand(template, { pds, sds, port: "0" }, `environment.${name}`).text;
    }
    const program = await startProgram(manifest.launch.argv, {
      cwd: EXAMPLE,
      env,
      ready: new RegExp(manifest.launch.ready.log ?? "", "m"),
      timeoutMs: manifest.launch.ready.timeoutMs ?? 20_000,
    });
    try {
      expect(join(EXAMPLE, manifest.north?.adapter ?? "")).toBe(ADAPTER);
      const patient = await newPatient();
      const { consumer } = await adapterConsumer(program.url);
      const answer = await consumer.getRecord(patient, { consent: "granted" });
      expect(answer.status, answer.text).toBe(200);
    } finally {
      await program.stop();
    }
  });
});

/** How many scenarios run side by side, as the runner's default concurrency. */
const SIDE_BY_SIDE = 4;
/** The scenarios that send requests no adapter can make. */
const RAW_REQUEST_SCENARIOS = ["SECURITY-05", "SECURITY-06", "SECURITY-07"];

describe("the scenario catalogue through the adapter", () => {
  it("passes every scenario against the example REST gateway, judged as any GP Connect gateway is", async () => {
    // The example's own manifest, pointed at the gateway this test started.
    const manifest = JSON.parse(readFileSync(join(EXAMPLE, "gateway.json"), "utf8")) as GatewayManifest;
    const loaded = checkManifest(
      { ...manifest, launch: { kind: "url", url: gateway.url }, environment: undefined },
      "gateway.json",
      EXAMPLE,
    );
    const target = await startGateway(loaded, region.info());
    const budgets = { requestTimeoutMs: 10_000, scenarioTimeoutMs: 30_000, settleMs: 250 };
    const scenarios = await loadCatalogue();
    // As the runner does: the validators compiled first, so no answer waits on it; a few scenarios side by side
    // (a whole catalogue at once would starve the one process the region, the gateway and the harness share),
    // then those that must run alone, one by one.
    warmStu3Validator();
    const together = scenarios.filter((scenario) => !runsAlone(scenario));
    const finished = async (scenario: (typeof scenarios)[number]) => {
      const result = await runScenario(scenario, target, control, region.info(), budgets);
      if (result === undefined) throw new Error(`${scenario.id} did not finish`);
      return result;
    };
    const results: Awaited<ReturnType<typeof finished>>[] = [];
    const next = together.values();
    const worker = async () => {
      for (const scenario of next) results.push(await finished(scenario));
    };
    await Promise.all(Array.from({ length: SIDE_BY_SIDE }, worker));
    for (const scenario of scenarios.filter(runsAlone)) results.push(await finished(scenario));
    results.sort(
      (a, b) => scenarios.findIndex((s) => s.id === a.id) - scenarios.findIndex((s) => s.id === b.id),
    );
    // The example keeps no audit trail and declares no clinician authentication: the scenarios needing either
    // are omitted, never passed. Scenarios that send a raw GP Connect request (a wrong content type, an unknown
    // path, no credentials) mean nothing to an adapter: they are skipped, saying why.
    const undeclared = ["audit-trail", "clinician-authentication", "clinician-roles"] as const;
    const omitted = (scenario: (typeof scenarios)[number]) =>
      undeclared.some((capability) => scenario.requires?.includes(capability));
    const skipped =
      "skip: the gateway is spoken to through a consumer adapter, which cannot send a raw GP Connect request";
    expect(
      results.map((r) => `${r.id} ${r.result}${r.message && r.result !== "omit" ? `: ${r.message}` : ""}`),
    ).toEqual(
      scenarios.map((scenario) =>
        omitted(scenario)
          ? `${scenario.id} omit`
          : RAW_REQUEST_SCENARIOS.includes(scenario.id)
            ? `${scenario.id} ${skipped}`
            : `${scenario.id} pass`,
      ),
    );
    // The evidence is the gateway's own API, with nothing secret in it.
    const north = results.flatMap((r) => r.evidence.north);
    expect(north.every((exchange) => exchange.request.url === `${gateway.url}/api/v1/records`)).toBe(true);
  });
});

describe("loading an adapter", () => {
  const write = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it("loads the example's adapter, whose default export has getRecord", async () => {
    expect(typeof (await loadAdapter(ADAPTER)).getRecord).toBe("function");
  });

  it("names a missing module, a missing default export and a default export of the wrong shape", async () => {
    const missing = join(folder, "nowhere.mjs");
    await expect(loadAdapter(missing)).rejects.toThrow(`the consumer adapter ${missing} does not exist`);
    const named = write("named.mjs", "export const adapter = { async getRecord() {} };\n");
    await expect(loadAdapter(named)).rejects.toMatchObject({ code: "ADAPTER_NO_DEFAULT_EXPORT" });
    await expect(loadAdapter(named)).rejects.toThrow(
      /has no default export \(export default \{ async getRecord/,
    );
    const text = write("text.mjs", 'export default "getRecord";\n');
    await expect(loadAdapter(text)).rejects.toThrow(
      `the consumer adapter ${text}'s default export is a string`,
    );
    const shapeless = write("shapeless.mjs", "export default { async fetchRecord() {} };\n");
    await expect(loadAdapter(shapeless)).rejects.toThrow("'s default export has no getRecord method");
    const unnamed = gpConnectProfile(gateway.url, { kind: "adapter", adapter: undefined });
    await expect(createConsumer(unnamed, { timeoutMs: 1_000, onExchange: () => {} })).rejects.toMatchObject({
      code: "ADAPTER_NOT_NAMED",
    });
    const broken = write("broken.mjs", "export default {\n");
    await expect(loadAdapter(broken)).rejects.toMatchObject({ code: "ADAPTER_IMPORT_FAILED" });
  });

  it("a TypeScript adapter outside a TypeScript loader: compile it, or run under tsx", () => {
    const built = join(root, "dist/harness/north/adapter.js");
    expect(existsSync(built), `${built} is missing: run "npm run build" first (npm test does)`).toBe(true);
    const script = `import(${JSON.stringify(built)}).then((m) => m.loadAdapter(${JSON.stringify(ADAPTER)})).then(() => console.log("loaded"), (e) => console.log(e.code + ": " + e.message));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stdout.trim()).toBe(
      `ADAPTER_NEEDS_TYPESCRIPT: the consumer adapter ${ADAPTER} is TypeScript: compile it to .js and name that in the manifest, or run the harness under tsx (node --import tsx)`,
    );
  });

  it("an adapter that breaks or answers something else is the adapter's error, not the gateway's", async () => {
    const throws: ConsumerAdapter = {
      getRecord: async () => {
        throw new TypeError("cannot read properties of undefined (reading 'record')");
      },
    };
    const { consumer } = await adapterConsumer(gateway.url, throws);
    const failing = consumer.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" });
    await expect(failing).rejects.toBeInstanceOf(AdapterError);
    await expect(failing).rejects.toThrow(`the consumer adapter ${ADAPTER} failed: cannot read properties`);

    const vague = { getRecord: async () => ({ status: "ok", body: {} }) } as unknown as ConsumerAdapter;
    const { consumer: answering } = await adapterConsumer(gateway.url, vague);
    await expect(answering.getRecord({ nhsNumber: "9000000009" }, { consent: "granted" })).rejects.toThrow(
      `the consumer adapter ${ADAPTER} answered the status "ok": it must answer { status, body }`,
    );
  });
});
