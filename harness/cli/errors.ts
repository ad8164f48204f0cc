/**
 * The CLI / configuration error catalogue: every way a user can misuse the command line or point it at
 * nothing, each a stable code and a one-line message. All exit with status 2.
 */

export const CLI_ERRORS = {
  UNKNOWN_FLAG: (flag: string) => `unknown option ${flag}`,
  BAD_FLAG_VALUE: (flag: string, why: string) => `${flag}: ${why}`,
  MISSING_FLAG_VALUE: (flag: string) => `${flag} needs a value`,
  UNKNOWN_COMMAND: (name: string) =>
    `unknown command "${name}" (try: run, scenarios, report, compare, simulate, gateway)`,
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
  THRESHOLD_INVALID: (why: string) => `a threshold cannot be used: ${why}`,
  NO_SCENARIOS: (filter: string) => `no scenario matches ${filter}`,
  UNKNOWN_SCENARIO: (names: string) =>
    `--scenario: no scenario or pack is called ${names} (gp-harness scenarios lists them)`,
  MANIFEST_INVALID: (why: string) => `the gateway manifest cannot be used: ${why}`,
  CATALOGUE_INVALID: (why: string) => `the scenario catalogue cannot be loaded: ${why}`,
  INTERRUPTED_AT_START: (what: string) =>
    `interrupted while ${what}: nothing was run, and nothing is left running`,
  GATEWAY_COMMAND_NOT_FOUND: (command: string, why: string) =>
    `the gateway's command cannot be started: ${command}: ${why}`,
  GATEWAY_CWD_MISSING: (cwd: string) => `the gateway's working directory (launch.cwd) does not exist: ${cwd}`,
  GATEWAY_READY_PATTERN_INVALID: (pattern: string, why: string) =>
    `launch.ready.log is not a valid regular expression: /${pattern}/: ${why}`,
  GATEWAY_EXITED_BEFORE_READY: (how: string, output: string) =>
    `the gateway exited before it was ready (${how}); ${output}`,
  GATEWAY_NOT_READY: (probe: string, timeoutMs: number, detail: string) =>
    `the gateway was not ready within ${timeoutMs} ms: no ${probe}; ${detail}`,
  GATEWAY_PORT_TAKEN: (port: number) =>
    `port ${port} (launch.port) is already in use by another program, so the gateway could not listen there: stop that program, or leave launch.port out to let the harness choose a free port`,
  DOCKER_UNREACHABLE: (why: string) => `no Docker engine is reachable: ${why}`,
  RUN_RESULT_INVALID: (path: string, why: string) => `${path}: ${why}`,
  UNKNOWN_FORMAT: (format: string, known: string) =>
    `--format: no format is called "${format}"; the formats: ${known}`,
  DIFFERENT_CATALOGUES: (base: string, next: string) =>
    `the two runs ran different catalogues (${base} and ${next}): only runs of the same catalogue can be compared`,
  IMAGE_UNAVAILABLE: (image: string, why: string) =>
    `the image ${image} is not on this machine and cannot be pulled: ${why}`,
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

/** A usage or configuration error: printed as one line (no stack), exit status 2 (130: interrupted). */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.exitCode = code === "INTERRUPTED_AT_START" ? 130 : 2;
  }
}

export function cliError<C extends CliErrorCode>(
  code: C,
  ...args: Parameters<(typeof CLI_ERRORS)[C]>
): CliError {
  const template = CLI_ERRORS[code] as (...a: typeof args) => string;
  return new CliError(code, template(...args));
}
