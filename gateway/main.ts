/**
 * Entry point of the reference gateway: reads the environment, listens, and prints one line when ready
 * (launchers wait for it). Bad configuration or a busy port: one line on stderr and exit code 2.
 */

import { closeSync, openSync } from "node:fs";
import { type RunningGateway, startGateway } from "./app.js";
import { type GatewayConfig, GatewayConfigError, readGatewayConfig } from "./config.js";

const PRODUCT = "gp-harness reference gateway";
const EXIT_BAD_CONFIGURATION = 2;
/** In-flight requests get this long to finish after SIGTERM/SIGINT before the process gives up on them. */
const SHUTDOWN_GRACE_MS = 10_000;

function exitWithOneLine(message: string, code: number): never {
  process.stderr.write(`${PRODUCT}: ${message.replace(/\s+/g, " ")}\n`);
  process.exit(code);
}

function readConfigOrExit(): GatewayConfig {
  try {
    return readGatewayConfig(process.env);
  } catch (error) {
    if (error instanceof GatewayConfigError) exitWithOneLine(error.message, EXIT_BAD_CONFIGURATION);
    exitWithOneLine(`could not read the configuration: ${String(error)}`, EXIT_BAD_CONFIGURATION);
  }
}

/** An audit trail that cannot be written is a configuration mistake to stop for, not to find out later. */
function checkAuditLogOrExit(config: GatewayConfig): void {
  if (config.auditLog === undefined) return;
  try {
    closeSync(openSync(config.auditLog, "a"));
  } catch (error) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    exitWithOneLine(
      `AUDIT_LOG ${config.auditLog} cannot be appended to (${String(code ?? error)})`,
      EXIT_BAD_CONFIGURATION,
    );
  }
}

/** Listening failures are configuration problems (busy port, foreign HOST), said in the variables' terms. */
function listenFailure(error: unknown, config: GatewayConfig): string {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  switch (code) {
    case "EADDRINUSE":
      return `PORT ${config.port} on ${config.host} is already in use`;
    case "EACCES":
      return `not allowed to listen on PORT ${config.port} on ${config.host}`;
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return `HOST ${config.host} is not an address of this machine`;
    default:
      return `could not listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function main(): Promise<void> {
  const config = readConfigOrExit();
  checkAuditLogOrExit(config);
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(config, { logger: { level: "warn", stream: process.stderr } });
  } catch (error) {
    exitWithOneLine(listenFailure(error, config), EXIT_BAD_CONFIGURATION);
  }
  let closing = false;
  const shutDown = (): void => {
    if (closing) process.exit(1); // a second signal means "now"
    closing = true;
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    gateway.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`${PRODUCT}: failed to close cleanly: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGTERM", shutDown);
  process.on("SIGINT", shutDown);
  process.stdout.write(`${PRODUCT} listening on ${gateway.url}\n`);
}

await main();
