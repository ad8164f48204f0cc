#!/usr/bin/env node
/**
 * The gp-harness command line: the one place where the harness, the scenario catalogue, the report writers
 * and the simulators are wired together. Each command is in harness/cli/. Usage errors and unreachable
 * services are one line on stderr and exit 2; a run exits 0 when every MUST scenario passed and 1 otherwise.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { registerCompareCommand } from "./cli/compare-command.js";
import { CliError } from "./cli/errors.js";
import { registerGatewayCommand } from "./cli/gateway-command.js";
import { registerK6Command } from "./cli/k6-command.js";
import { registerReportCommand } from "./cli/report-command.js";
import { registerRunCommand } from "./cli/run-command.js";
import { registerScenariosCommand } from "./cli/scenarios-command.js";
import { registerSimulateCommand } from "./cli/simulate-command.js";
import { TOOL_VERSION } from "./version.js";

const EXIT_STATUS_HELP = `
Exit status: 0 every MUST scenario passed; 1 one did not; 2 bad usage or configuration (one line on
stderr); 3 the harness itself broke; 130 interrupted (the report is written, marked incomplete).

  gp-harness run                       the whole catalogue against the bundled reference gateway
  gp-harness simulate                  PDS, SDS and GP practices on ports 4300 up, to develop against
  gp-harness run --gateway URL --region http://127.0.0.1:4300/_control
                                       your gateway, configured with simulate's PDS and SDS
  gp-harness compare last-release/report.json harness-report/report.json
                                       exit 1 when this run is worse than the last release's`;

function program(): Command {
  const cli = new Command("gp-harness")
    .description("Practice simulator and conformance harness for GP record-sharing gateways")
    .version(TOOL_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`gp-harness: ${message.replace(/^error: /, "").trim()}\n`),
    })
    .addHelpText("after", EXIT_STATUS_HELP);
  registerRunCommand(cli);
  registerScenariosCommand(cli);
  registerReportCommand(cli);
  registerCompareCommand(cli);
  registerSimulateCommand(cli);
  registerGatewayCommand(cli);
  registerK6Command(cli);
  return cli;
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
    process.stderr.write(`${internalErrorLine(error)}\n`);
    return 3;
  }
}

/**
 * A bug of the harness's own, in one line: what broke and where (the first frame of our code), with a pointer
 * to where to report it. GP_HARNESS_DEBUG=1 prints the whole stack instead.
 */
export function internalErrorLine(error: unknown): string {
  const failure = error instanceof Error ? error : new Error(String(error));
  if (process.env.GP_HARNESS_DEBUG === "1")
    return `gp-harness: internal error: ${failure.stack ?? failure.message}`;
  const frame = (failure.stack ?? "")
    .split("\n")
    .map(
      (line) =>
        /\((?:file:\/\/)?([^()]*?\/(?:dist\/)?(?:harness|reports|scenarios|simulators|gateway|gpconnect)\/[^():]+:\d+):\d+\)$/.exec(
          line.trim(),
        )?.[1],
    )
    .find((found) => found !== undefined);
  const where =
    frame === undefined
      ? ""
      : ` (at ${frame.slice(frame.search(/(?<=\/)(?:dist\/)?(?:harness|reports|scenarios|simulators|gateway|gpconnect)\//))})`;
  return `gp-harness: internal error: ${failure.message.split("\n")[0]}${where}; this is a bug of gp-harness (exit 3), GP_HARNESS_DEBUG=1 shows the whole stack`;
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
