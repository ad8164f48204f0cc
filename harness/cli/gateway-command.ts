/** `gp-harness gateway`: the bundled reference gateway on its own, configured as any gateway would be. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { port, urlArg } from "./arguments.js";
import { DEFAULT_SIMULATE_PORT } from "./simulate-command.js";

export function registerGatewayCommand(cli: Command): void {
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
}

interface GatewayFlags {
  port: number;
  host: string;
  pds?: string;
  sds?: string;
}

/** Runs the reference gateway in a child process with its environment set from the flags. */
async function referenceGateway(flags: GatewayFlags): Promise<number> {
  const entry = fileURLToPath(new URL("../../gateway/main.js", import.meta.url));
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
