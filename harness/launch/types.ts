/**
 * What a launcher is given and what it hands back: the contract between the harness and the launchers of a
 * gateway under test (a command, a container image).
 */

export interface LaunchContext {
  /** The manifest's folder: the default working directory, and what relative paths resolve against. */
  readonly manifestDir: string;
  /** The gateway's environment, placeholders already expanded. */
  readonly environment: Readonly<Record<string, string>>;
  /** `launch.url` with its placeholders expanded, or undefined when the manifest gives none. */
  readonly url: string | undefined;
  /** The port `${port}` stood for. */
  readonly port: number;
  /** The run was interrupted: stop starting, stop what was started, and reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface LaunchedGateway {
  /** The gateway's base URL: `launch.url`, or what the `ready.log` probe captured. */
  readonly url: string;
  /**
   * The last lines it printed (a bounded number), stdout and stderr interleaved in arrival order, each
   * prefixed with its stream: `[stdout] …`, `[stderr] …`.
   */
  logs(): string[];
  /** Stops it and everything it started; resolves once nothing of it runs. Idempotent. */
  stop(): Promise<void>;
}
