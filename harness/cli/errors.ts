/**
 * The CLI / configuration error catalogue: every way a user can misuse the command line or point it at
 * nothing, each a stable code and a one-line message. All exit with status 2.
 */

export const CLI_ERRORS = {
  UNKNOWN_FLAG: (flag: string) => `unknown option ${flag}`,
  BAD_FLAG_VALUE: (flag: string, why: string) => `${flag}: ${why}`,
  MISSING_FLAG_VALUE: (flag: string) => `${flag} needs a value`,
  UNKNOWN_COMMAND: (name: string) => `unknown command "${name}" (try: run, scenarios, simulate, gateway)`,
  GATEWAY_UNREACHABLE: (url: string, why: string) => `no gateway is answering at ${url}: ${why}`,
  GATEWAY_FAILED_TO_START: (why: string) => `the gateway did not start: ${why}`,
  REGION_UNREACHABLE: (url: string, why: string) => `cannot reach the simulated region at ${url}: ${why}`,
  REGION_TOKEN_MISSING: (url: string) =>
    `the simulated region at ${url} requires a control token: give --control-token or set GP_HARNESS_CONTROL_TOKEN`,
  REGION_TOKEN_REFUSED: (url: string) =>
    `the simulated region at ${url} refused the control token (--control-token / GP_HARNESS_CONTROL_TOKEN): it is not the one the region was started with`,
  REGION_FAILED_TO_START: (why: string) => `the simulated region did not start: ${why}`,
  PORT_IN_USE: (port: number) => `port ${port} is already in use`,
  OUTPUT_NOT_WRITABLE: (dir: string, why: string) => `cannot write reports to ${dir}: ${why}`,
  NO_SCENARIOS: (filter: string) => `no scenario matches ${filter}`,
  MANIFEST_INVALID: (why: string) => `the gateway manifest cannot be used: ${why}`,
  CATALOGUE_INVALID: (why: string) => `the scenario catalogue cannot be loaded: ${why}`,
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** A usage or configuration error: printed as one line (no stack), exit status 2. */
export class CliError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function cliError<C extends CliErrorCode>(
  code: C,
  ...args: Parameters<(typeof CLI_ERRORS)[C]>
): CliError {
  const template = CLI_ERRORS[code] as (...a: typeof args) => string;
  return new CliError(code, template(...args));
}
