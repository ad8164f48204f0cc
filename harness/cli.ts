#!/usr/bin/env node
/**
 * The gp-harness command line. Usage errors and unreachable services are one line on stderr and exit 2;
 * a run exits 0 when every MUST scenario passed and 1 otherwise.
 */
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { access, constants } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ensureDirectory, writeReports } from "../reports/write-reports.js";
import { catalogue } from "../scenarios/index.js";
import { POPULATION_DEFAULTS, startRegion } from "../simulators/index.js";
import { CliError, cliError } from "./cli-errors.js";
import type { ScenarioResult } from "./run-result.js";
import { runConformance } from "./runner.js";
import { TOOL_VERSION } from "./version.js";

/** The ports `simulate` listens on by default, so a gateway can be configured once and left alone. */
export const DEFAULT_SIMULATE_PORT = 4300;

const wholeNumber =
  (min: number, max: number) =>
  (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };

const port = wholeNumber(0, 65_535);

function gatewayArg(value: string): string {
  if (value === "reference") return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be "reference" or an http(s) URL such as http://localhost:8080');
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`must be an http(s) URL, not ${url.protocol}`);
  }
  return value;
}

function urlArg(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("must be an http(s) URL");
}

function seedOption(): Option {
  return new Option("--seed <n>", "seed of the synthetic population")
    .default(1)
    .argParser(wholeNumber(0, 2 ** 31 - 1));
}

function program(): Command {
  const cli = new Command("gp-harness")
    .description("Practice simulator and conformance harness for GP record-sharing gateways")
    .version(TOOL_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`gp-harness: ${message.replace(/^error: /, "").trim()}\n`),
    });

  cli
    .command("run")
    .description("run the conformance scenarios against a gateway and write reports")
    .addOption(
      new Option(
        "--gateway <reference|url>",
        'the gateway under test: "reference" (bundled) or the URL of a running one',
      )
        .default("reference")
        .argParser(gatewayArg),
    )
    .addOption(
      new Option(
        "--region <control-url>",
        "attach to a region already running (gp-harness simulate) instead of starting one",
      ).argParser(urlArg),
    )
    .option("--out <dir>", "where to write the reports", "harness-report")
    .addOption(seedOption())
    .addOption(
      new Option(
        "--port <p>",
        "base port of the region the run starts (0: any free ports; default 0 with the reference gateway, 4300 with a URL)",
      ).argParser(port),
    )
    .addOption(
      new Option("--concurrency <n>", "scenarios run at once").default(4).argParser(wholeNumber(1, 64)),
    )
    .addOption(
      new Option("--timeout <ms>", "budget for one request to the gateway")
        .default(30_000)
        .argParser(wholeNumber(100, 600_000)),
    )
    .option("--scenario <ids...>", "run only these scenarios (ids or packs)")
    .action(async (options: RunFlags) => {
      process.exitCode = await run(options);
    });

  cli
    .command("scenarios")
    .description("list the scenario catalogue")
    .option("--json", "print JSON instead of a table")
    .action((options: { json?: boolean }) => {
      if (options.json) {
        const rows = catalogue.map(({ id, title, pack, level, hazard, requires }) => ({
          id,
          title,
          pack,
          level,
          hazard,
          requires: requires ?? [],
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const s of catalogue) {
        process.stdout.write(`${s.id.padEnd(15)} ${s.level.padEnd(6)} ${s.pack.padEnd(16)} ${s.title}\n`);
      }
    });

  cli
    .command("simulate")
    .description("run the simulated region (PDS, SDS, GP practices) on its own, until interrupted")
    .addOption(seedOption())
    .addOption(
      new Option(
        "--reference-date <YYYY-MM-DD>",
        "the synthetic records' today: nothing is dated after it (default: today)",
      ).argParser(isoDateArg),
    )
    .addOption(
      new Option(
        "--port <p>",
        "base port: control on P, PDS on P+1, SDS on P+2, practices from P+3 (0: any free ports)",
      )
        .default(DEFAULT_SIMULATE_PORT)
        .argParser(port),
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--practices <n>", "how many practices").default(4).argParser(wholeNumber(1, 500)))
    .addOption(
      new Option("--patients-per-practice <n>", "patients on each practice's list")
        .default(POPULATION_DEFAULTS.patientsPerPractice)
        .argParser(wholeNumber(1, 20_000)),
    )
    .addOption(
      new Option(
        "--emis-share <0..1>",
        "share of practices on EMIS Web; the rest run TPP SystmOne",
      ).argParser(shareArg),
    )
    .addOption(
      new Option(
        "--control-token <token>",
        "serve the control API to any caller presenting 'Authorization: Bearer <token>' (without it: loopback only)",
      )
        .env("GP_HARNESS_CONTROL_TOKEN")
        .argParser(tokenArg),
    )
    .option("--realistic-latency", "delay practice answers as real EMIS Web and SystmOne servers do")
    .option("--json", "print one line of JSON saying where everything is, then keep running")
    .action(async (options: SimulateFlags) => {
      await simulate(options);
    });

  cli
    .command("gateway")
    .description("run the bundled reference gateway on its own, until interrupted")
    .addOption(new Option("--port <p>", "port to listen on").default(8080).argParser(port))
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(
      new Option("--pds <url>", "PDS FHIR base URL (default: $PDS_URL, else the simulate default)").argParser(
        urlArg,
      ),
    )
    .addOption(
      new Option("--sds <url>", "SDS FHIR base URL (default: $SDS_URL, else the simulate default)").argParser(
        urlArg,
      ),
    )
    .action(async (options: GatewayFlags) => {
      process.exitCode = await referenceGateway(options);
    });

  return cli;
}

interface RunFlags {
  gateway: string;
  region?: string;
  out: string;
  seed: number;
  port?: number;
  concurrency: number;
  timeout: number;
  scenario?: string[];
}

async function run(flags: RunFlags): Promise<number> {
  const scenarios =
    flags.scenario === undefined
      ? catalogue
      : catalogue.filter((s) => flags.scenario!.some((wanted) => wanted === s.id || wanted === s.pack));
  if (scenarios.length === 0) throw cliError("NO_SCENARIOS", (flags.scenario ?? []).join(", "));
  const out = resolve(flags.out);
  try {
    await ensureDirectory(out);
    await access(out, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const why =
      {
        ENOENT: "the folder cannot be created there",
        EACCES: "permission denied",
        EPERM: "permission denied",
        EROFS: "the file system is read-only",
        ENOTDIR: "a file is in the way of the folder",
      }[code] ?? (error as Error).message;
    throw cliError("OUTPUT_NOT_WRITABLE", out, why);
  }
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write(
      "gp-harness: interrupted — finishing the scenarios under way, then writing an incomplete report (Ctrl-C again to quit now)\n",
    );
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const regionPort =
    flags.port ?? (flags.gateway === "reference" || flags.region !== undefined ? 0 : DEFAULT_SIMULATE_PORT);
  process.stdout.write(
    `gp-harness ${TOOL_VERSION}: ${scenarios.length} scenarios against ${flags.gateway === "reference" ? "the reference gateway" : flags.gateway}, seed ${flags.seed}\n`,
  );
  const result = await runConformance({
    gateway: flags.gateway,
    ...(flags.region === undefined ? {} : { region: flags.region }),
    port: regionPort,
    seed: flags.seed,
    scenarios,
    concurrency: flags.concurrency,
    requestTimeoutMs: flags.timeout,
    scenarioTimeoutMs: Math.max(60_000, flags.timeout * 3),
    settleMs: 250,
    signal: interrupt.signal,
    onScenarioDone: printScenario,
  });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  const written = await writeReports(out, result);
  const t = result.totals;
  process.stdout.write(
    `\n${t.pass} passed, ${t.fail} failed, ${t.skip} skipped, ${t.omit} omitted, ${t.error} errors in ${(result.durationMs / 1000).toFixed(1)} s\n`,
  );
  process.stdout.write(`verdict: ${result.verdict.toUpperCase()} — ${result.verdictReason}\n`);
  process.stdout.write(`reports: ${written.join(", ")}\n`);
  if (!result.complete) return 130;
  return result.verdict === "pass" ? 0 : 1;
}

function printScenario(s: ScenarioResult): void {
  const label = { pass: "PASS ", fail: "FAIL ", skip: "SKIP ", omit: "OMIT ", error: "ERROR" }[s.result];
  process.stdout.write(
    `  ${label} ${s.id.padEnd(14)} ${s.level.padEnd(6)} ${s.title} (${s.durationMs} ms)\n`,
  );
  if (s.result !== "pass" && s.message) process.stdout.write(`         ${s.message}\n`);
}

/** A calendar date written YYYY-MM-DD (2025-02-30 is refused, not rolled over). */
function isoDateArg(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match === null ? undefined : new Date(`${value}T00:00:00Z`);
  if (date === undefined || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError("must be a date written YYYY-MM-DD, such as 2025-06-01");
  }
  return value;
}

function shareArg(value: string): number {
  const share = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(share >= 0 && share <= 1))
    throw new InvalidArgumentError("must be a number from 0 to 1, such as 0.6");
  return share;
}

function tokenArg(value: string): string {
  if (!/^[\x21-\x7e]{8,512}$/.test(value)) {
    throw new InvalidArgumentError("must be 8 to 512 printable characters without spaces");
  }
  return value;
}

interface SimulateFlags {
  seed: number;
  referenceDate?: string;
  port: number;
  host: string;
  practices: number;
  patientsPerPractice: number;
  emisShare?: number;
  controlToken?: string;
  realisticLatency?: boolean;
  json?: boolean;
}

async function simulate(flags: SimulateFlags): Promise<void> {
  let region: Awaited<ReturnType<typeof startRegion>>;
  try {
    region = await startRegion({
      seed: flags.seed,
      port: flags.port,
      host: flags.host,
      practices: flags.practices,
      patientsPerPractice: flags.patientsPerPractice,
      ...(flags.referenceDate === undefined ? {} : { referenceDate: flags.referenceDate }),
      ...(flags.emisShare === undefined ? {} : { emisShare: flags.emisShare }),
      ...(flags.controlToken === undefined ? {} : { controlToken: flags.controlToken }),
      ...(flags.realisticLatency ? { realisticLatency: true } : {}),
    });
  } catch (error) {
    throw cliError("REGION_FAILED_TO_START", (error as Error).message);
  }
  const info = region.info();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (flags.json) {
    out(JSON.stringify(info));
  } else {
    out(
      `gp-harness simulated region: seed ${info.seed}, reference date ${info.referenceDate}, ` +
        `${info.practices.length} practices of ${flags.patientsPerPractice} patients` +
        (flags.realisticLatency ? ", realistic latency" : ""),
    );
    out(`  control  ${info.control}${flags.controlToken === undefined ? "" : "  (bearer token required)"}`);
    out(`  OpenAPI  ${info.openapi}`);
    out(`  PDS      ${info.pds}`);
    out(`  SDS      ${info.sds}  (send any apikey header)`);
    for (const c of info.consumers) out(`  consumer ${c.ods} ASID ${c.asid}  ${c.name}`);
    for (const p of info.practices)
      out(`  practice ${p.ods} ${p.system.padEnd(4)} ASID ${p.asid}  ${p.endpoint}`);
    out("  sample patients:");
    for (const p of info.patients) {
      out(
        `    ${p.nhsNumber}  ${p.ods} ${p.system.padEnd(4)} ${p.name}${p.traits.length ? `  [${p.traits.join(", ")}]` : ""}`,
      );
    }
    out(
      `Set a fault: curl -X PUT ${info.control}/faults/${info.practices[0]?.ods ?? "pds"} ` +
        `-H 'content-type: application/json' -d '{"kind":"offline"}'`,
    );
    out("Ctrl-C to stop.");
  }
  if (flags.controlToken === undefined && !["127.0.0.1", "::1", "localhost"].includes(flags.host)) {
    process.stderr.write(
      `gp-harness: listening on ${flags.host}, but the control API answers loopback callers only; ` +
        "set --control-token to drive it from elsewhere\n",
    );
  }
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await region.close();
}

interface GatewayFlags {
  port: number;
  host: string;
  pds?: string;
  sds?: string;
}

/** Runs the reference gateway in a child process with its environment set from the flags. */
async function referenceGateway(flags: GatewayFlags): Promise<number> {
  const entry = fileURLToPath(new URL("../gateway/main.js", import.meta.url));
  const env = {
    ...process.env,
    PORT: String(flags.port),
    HOST: flags.host,
    PDS_URL:
      flags.pds ??
      process.env.PDS_URL ??
      `http://127.0.0.1:${DEFAULT_SIMULATE_PORT + 1}/personal-demographics/FHIR/R4`,
    SDS_URL:
      flags.sds ??
      process.env.SDS_URL ??
      `http://127.0.0.1:${DEFAULT_SIMULATE_PORT + 2}/spine-directory/FHIR/R4`,
  };
  const child = spawn(process.execPath, [entry], { env, stdio: "inherit" });
  // Ctrl-C in a terminal reaches the child too; pass a signal on only when it did not (e.g. `kill -INT`).
  const forward = () => {
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }, 500).unref();
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  return new Promise((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 130 : 0))));
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message; help and version are not errors.
      return error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
        ? 0
        : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`gp-harness: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`gp-harness: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 3;
  }
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
