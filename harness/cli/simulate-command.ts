/**
 * `gp-harness simulate`: a simulated region on its own, on fixed ports, until interrupted — to develop a
 * gateway against. Prints where everything is (or one JSON line for scripts).
 */
import { type Command, Option } from "commander";
import { POPULATION_DEFAULTS, type RegionInfo, startRegion } from "../../simulators/index.js";
import { isoDateArg, port, seedOption, shareArg, tokenArg, wholeNumber } from "./arguments.js";
import { cliError } from "./errors.js";

/** The ports `simulate` listens on by default, so a gateway can be configured once and left alone. */
export const DEFAULT_SIMULATE_PORT = 4300;

export function registerSimulateCommand(cli: Command): void {
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
    .option(
      "--host <host>",
      "address to listen on; anything but loopback needs --control-token, or the control API would be open to other machines",
      "127.0.0.1",
    )
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
    .option(
      "--allow-unknown-asids",
      "let practices accept any Ssp-From ASID; by default, as behind the Spine Secure Proxy, an ASID SDS holds for no consumer is refused 403 (register yours: POST {control}/consumers)",
    )
    .option("--json", "print one line of JSON saying where everything is, then keep running")
    .action(async (options: SimulateFlags) => {
      await simulate(options);
    });
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
  allowUnknownAsids?: boolean;
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
      ...(flags.allowUnknownAsids ? { allowUnknownAsids: true } : {}),
    });
  } catch (error) {
    throw cliError("REGION_FAILED_TO_START", (error as Error).message);
  }
  // Listening for the signals before saying where everything is: a script that reads the line and stops the
  // region at once must find it stopping cleanly.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  const info = region.info();
  if (flags.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else printRegion(info, flags);
  await stopped;
  await region.close();
}

/** Where everything is, for a person at a terminal. */
function printRegion(info: RegionInfo, flags: SimulateFlags): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
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
  out(
    flags.allowUnknownAsids
      ? "  Ssp-From: any ASID accepted (--allow-unknown-asids)"
      : `  Ssp-From: only the consumers' ASIDs above; register another with POST ${info.control}/consumers`,
  );
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
